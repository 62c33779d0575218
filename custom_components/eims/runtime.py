"""What a loaded entry holds: the account and its coordinators."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .account import EimsAccount
from .coordinator import EimsBalanceCoordinator, EimsMessagesCoordinator

if TYPE_CHECKING:
    from .assist import AssistBridge


@dataclass(kw_only=True)
class EimsRuntimeData:
    """Everything a loaded entry owns."""

    account: EimsAccount
    balance: EimsBalanceCoordinator
    messages: EimsMessagesCoordinator
    # Assist over SMS, when its option is on and the conversation integration is set up.
    assist: AssistBridge | None = None
