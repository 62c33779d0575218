"""The account's conversations on disk, fed by the inbox, the send pipeline and the tracker."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from itertools import islice
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.util import dt as dt_util
from homeassistant.util.json import JsonValueType

from ..api import Accepted, InboundSms
from ..const import CONF_HISTORY_LIMIT, DEFAULT_HISTORY_LIMIT
from ..numbers import async_parse
from ..store import EntryStore, StoreName
from .delivery_status import DeliveryReport
from .history import Message, MessageHistory, StoredMessage, as_dict, thread_number
from .receive import SmsInbox, fingerprint
from .recipients import contact_names
from .track import DeliveryTracker

# Soon after a change: an SMS the inbox announced is not announced again after a crash.
SAVE_DELAY: Final = 1

type ConversationListener = Callable[[list[Message]], None]


class Conversations:
    """
    What an account received and sent, newest kept, each sent message with its status.

    Listeners hear of every new or changed message; texts and numbers never leave it
    for logs or diagnostics.
    """

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry[Any]) -> None:
        """Create the conversations of one entry; `async_load` restores them."""
        self._hass = hass
        self._entry = entry
        self._store = EntryStore[list[StoredMessage]](
            hass, entry.entry_id, StoreName.HISTORY
        )
        self.history = MessageHistory(
            entry.options.get(CONF_HISTORY_LIMIT, DEFAULT_HISTORY_LIMIT)
        )
        self._listeners: list[ConversationListener] = []

    async def async_load(self) -> None:
        """Restore the messages kept before a restart or reload."""
        if (stored := await self._store.async_load()) is not None:
            self.history.restore(stored)

    async def async_flush(self) -> None:
        """Write now (on unload), so a reload finds every message."""
        await self._store.async_save(self.history.to_stored())

    @callback
    def async_start(self, inbox: SmsInbox, tracker: DeliveryTracker) -> CALLBACK_TYPE:
        """Keep every SMS announced and every status change from now on; return the stopper."""
        removers = (
            inbox.async_add_listener(self._async_received),
            tracker.async_add_report_listener(self._async_reported),
        )

        @callback
        def async_stop() -> None:
            for remove in removers:
                remove()

        return async_stop

    @callback
    def async_add_listener(self, listener: ConversationListener) -> CALLBACK_TYPE:
        """Call `listener` with the messages new or changed from now on; return the remover."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def number(self, written: str) -> str:
        """Return the conversation's number of a number however written."""
        return thread_number(written, country=self._hass.config.country)

    async def async_find_number(self, written: str) -> str | None:
        """Return the conversation's number a user means; None: no number, no sender ID."""
        # In the executor: a national spelling may read its country's numbering plan from disk.
        number = await async_parse(
            self._hass, lambda country: thread_number(written, country=country)
        )
        if (
            number.startswith("+")
            or number.isdigit()
            or number in self.history.numbers()
        ):
            return number
        return None

    def describe(self, messages: Iterable[Message]) -> list[JsonValueType]:
        """Return messages as actions and the websocket API show them, contacts named."""
        contacts = contact_names(self._entry)
        return [as_dict(message, contacts) for message in messages]

    @callback
    def async_add_sent(
        self, accepted: Accepted, text: str, send_at: datetime | None
    ) -> None:
        """Keep what the gateway accepted; a scheduled message at the time it goes."""
        at = (send_at or dt_util.utcnow()).timestamp()
        # Of a bulk send only the last `limit` stay: the rest is neither kept nor told.
        kept = islice(
            accepted.items(), max(0, len(accepted) - self.history.limit), None
        )
        self._changed(
            [
                self.history.add_sent(message_id, self.number(number), text, at)
                for message_id, number in kept
            ]
        )

    @callback
    def async_mark_read(self, number: str) -> int:
        """Mark a conversation's received messages read; return how many were unread."""
        marked = self.history.mark_read(self.number(number))
        self._changed(marked)
        return len(marked)

    @callback
    def _async_received(self, sms: InboundSms) -> None:
        at = sms.received_at or dt_util.utcnow()
        self._changed(
            [
                self.history.add_received(
                    fingerprint(sms), self.number(sms.sender), sms.text, at.timestamp()
                )
            ]
        )

    @callback
    def _async_reported(self, report: DeliveryReport) -> None:
        if (
            message := self.history.set_status(report.message_id, report.status.value)
        ) is not None:
            self._changed([message])

    def _changed(self, messages: list[Message]) -> None:
        if not messages:
            return
        self._store.async_delay_save(self.history.to_stored, SAVE_DELAY)
        for listener in list(self._listeners):
            listener(messages)

    def diagnostics(self) -> dict[str, int]:
        """Return how many messages are kept, of which kind: never a text or a number."""
        return self.history.counts()
