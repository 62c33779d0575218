"""The inbox on disk: its format, its migration, and messages as they are written."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypedDict

from homeassistant.core import HomeAssistant

from ..api import InboundSms
from ..store import EntryStore, StoreName


class _StoredSms(TypedDict):
    id: int
    sender: str
    receiver: str | None
    received_at: str | None
    text: str
    raw: str
    decoded: bool


class StoredUnreadable(TypedDict):
    """A row that could not be read, kept as the gateway sent it."""

    row: str
    error: str
    read_at: str


class _StoredInbox(TypedDict):
    pending: list[_StoredSms]
    seen: list[tuple[str, float]]
    unreadable: list[StoredUnreadable]


def _to_stored(sms: InboundSms) -> _StoredSms:
    return {
        "id": sms.id,
        "sender": sms.sender,
        "receiver": sms.receiver,
        "received_at": sms.received_at.isoformat() if sms.received_at else None,
        "text": sms.text,
        "raw": sms.raw,
        "decoded": sms.decoded,
    }


def _from_stored(stored: _StoredSms) -> InboundSms:
    received_at = stored["received_at"]
    return InboundSms(
        id=stored["id"],
        sender=stored["sender"],
        receiver=stored["receiver"],
        received_at=datetime.fromisoformat(received_at) if received_at else None,
        text=stored["text"],
        raw=stored["raw"],
        decoded=stored["decoded"],
    )


def _seen_by_fingerprint(old_data: dict[str, Any]) -> _StoredInbox:
    """Read 1.1, which remembered messages by id alone, as 1.2 (by id, sender and text)."""
    # Ids alone cannot tell a repeat from a new message under a reused id: forget them.
    return {"pending": old_data["pending"], "seen": [], "unreadable": []}


class InboxStore(EntryStore[_StoredInbox]):
    """An entry's inbox: SMS not yet announced, fingerprints of those received, unreadable rows."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Create the store of an entry's inbox."""
        super().__init__(hass, entry_id, StoreName.INBOX, [_seen_by_fingerprint])

    async def async_load_inbox(
        self,
    ) -> tuple[list[InboundSms], dict[str, float], list[StoredUnreadable]] | None:
        """Return the pending SMS, the fingerprints seen and the unreadable rows, if stored."""
        if (data := await self.async_load()) is None:
            return None
        pending = [_from_stored(stored) for stored in data["pending"]]
        return pending, dict(data["seen"]), data["unreadable"]

    async def async_save_inbox(
        self,
        pending: list[InboundSms],
        seen: dict[str, float],
        unreadable: list[StoredUnreadable],
    ) -> None:
        """Write the inbox at once."""
        await self.async_save(
            {
                "pending": [_to_stored(sms) for sms in pending],
                "seen": list(seen.items()),
                "unreadable": unreadable,
            }
        )
