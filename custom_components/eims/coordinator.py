"""The coordinator polling one EIMS account."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .api import (
    Balance,
    EimsAuthError,
    EimsClient,
    EimsError,
    EimsStatusError,
    SendResult,
)
from .const import BALANCE_INTERVAL, DOMAIN, LOGGER, UPDATE_INTERVAL
from .errors import as_ha_error
from .inbox import SmsInbox
from .issues import ACCESS_ISSUES, async_clear_issues, async_raise_issue
from .questions import QuestionBook
from .tracker import DeliveryTracker


@dataclass(kw_only=True)
class EimsRuntimeData:
    """What a loaded entry holds."""

    client: EimsClient
    coordinator: EimsCoordinator
    questions: QuestionBook


type EimsConfigEntry = ConfigEntry[EimsRuntimeData]


@dataclass(frozen=True, kw_only=True)
class EimsData:
    """What the last poll found."""

    balance: Balance
    balance_updated_at: datetime


class EimsCoordinator(DataUpdateCoordinator[EimsData]):
    """Poll the gateway: the balance now and then, and what users wait for every cycle."""

    config_entry: EimsConfigEntry

    def __init__(
        self, hass: HomeAssistant, entry: EimsConfigEntry, client: EimsClient
    ) -> None:
        """Create the coordinator of one account."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {entry.title}",
            update_interval=UPDATE_INTERVAL,
        )
        self.client = client
        self.inbox = SmsInbox(hass, entry.entry_id)
        self.tracker = DeliveryTracker(hass, entry, client)
        self._balance_due = True

    @callback
    def async_handle_sent(self, result: SendResult, origin: str) -> None:
        """Take note of a send: follow its messages' delivery; the balance has moved."""
        self.tracker.async_track(result.messages, origin)
        self.request_balance()
        self.config_entry.async_create_task(self.hass, self.async_request_refresh())

    @callback
    def request_balance(self) -> None:
        """Fetch the balance on the next refresh (after a send, or on the user's request)."""
        self._balance_due = True

    def _balance_is_due(self) -> bool:
        return (
            self._balance_due
            or self.data is None
            or dt_util.utcnow() - self.data.balance_updated_at >= BALANCE_INTERVAL
        )

    async def _async_update_data(self) -> EimsData:
        try:
            # SMS first: a failing balance call must not hold them back.
            await self.inbox.async_fetch(self.client)
            await self.tracker.async_poll()
            data = self.data
            if self._balance_is_due():
                balance = await self.client.get_balance()
                self._balance_due = False
                data = EimsData(balance=balance, balance_updated_at=dt_util.utcnow())
        except EimsAuthError as err:
            raise as_ha_error(err, ConfigEntryAuthFailed) from err
        except EimsError as err:
            if isinstance(err, EimsStatusError) and err.reason in ACCESS_ISSUES:
                async_raise_issue(self.hass, self.config_entry, err.reason)
            raise as_ha_error(err, UpdateFailed) from err
        async_clear_issues(self.hass, self.config_entry, *ACCESS_ISSUES)
        return data
