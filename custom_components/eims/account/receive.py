"""Inbound SMS: fetched page by page, stored before they are announced, each id announced once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import datetime
import hashlib
from typing import Any, Final

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.util import dt as dt_util

from ..api import EimsClient, InboundSms, SmsPage
from ..const import ATTR_SENDER, DOMAIN, LOGGER
from ..numbers import async_parse, mask_number, normalise_number
from ..timestamps import utc_iso
from .receive_store import InboxStore, StoredUnreadable

EVENT_SMS_RECEIVED: Final = f"{DOMAIN}_sms_received"

ATTR_ENTRY_ID: Final = "entry_id"
ATTR_ID: Final = "id"
ATTR_RECEIVER: Final = "receiver"
ATTR_TEXT: Final = "text"
ATTR_RECEIVED_AT: Final = "received_at"
ATTR_DECODED: Final = "decoded"
ATTR_RAW: Final = "raw"
# Only on an SMS that answered a question asked with `eims.ask`: the question's id.
ATTR_ASK_ID: Final = "ask_id"

# Enough to recognise any message a gateway could plausibly hand out again.
SEEN_LIMIT: Final = 5000
# Unreadable rows kept for the user to look at; the oldest go first.
UNREADABLE_LIMIT: Final = 100

type SmsListener = Callable[[InboundSms], None]
# Takes an SMS that answers a question: returns the question's id, else None.
type ReplyHandler = Callable[[InboundSms], str | None]
# Told when every SMS waiting on the gateway has been read, with the time the read started.
type ReadListener = Callable[[datetime], None]


@dataclass(slots=True)
class InboxStats:
    """What the inbox has done since it was loaded, for diagnostics."""

    received: int = 0
    duplicates: int = 0
    announced: int = 0
    unreadable: int = 0


def sms_attributes(sms: InboundSms) -> dict[str, Any]:
    """Describe a received SMS for events and entity attributes (time in UTC; none: unknown)."""
    attributes: dict[str, Any] = {ATTR_ID: sms.id, ATTR_SENDER: sms.sender}
    if sms.receiver is not None:
        attributes[ATTR_RECEIVER] = sms.receiver
    attributes[ATTR_TEXT] = sms.text
    if sms.received_at is not None:
        attributes[ATTR_RECEIVED_AT] = utc_iso(sms.received_at)
    if not sms.decoded:
        attributes[ATTR_DECODED] = False
        attributes[ATTR_RAW] = sms.raw
    return attributes


def international(number: str) -> str:
    """Return a number given as bare digits in E.164 when it is a valid international one."""
    if not number.isdigit():
        return number
    return normalise_number(f"+{number}", country=None, plus=True) or number


def _with_international_numbers(page: list[InboundSms]) -> list[InboundSms]:
    """Make numbers usable for a reply as they are: "447911123456" is "+447911123456"."""
    return [
        replace(
            sms,
            sender=international(sms.sender),
            receiver=None if sms.receiver is None else international(sms.receiver),
        )
        for sms in page
    ]


def fingerprint(sms: InboundSms) -> str:
    """Return what the inbox remembers of a message: its id and a digest of sender and text."""
    digest = hashlib.blake2b(
        f"{sms.sender}\n{sms.raw}".encode(), digest_size=8
    ).hexdigest()
    return f"{sms.id}:{digest}"


def _call_safely[T](listener: Callable[[InboundSms], T], sms: InboundSms) -> T | None:
    """
    Return what `listener` makes of `sms`; None, logged, when it raises.

    A failing listener must not keep the others from the SMS, nor hold up the poll: the SMS
    would stay pending and be announced again, to every listener, at each poll.
    """
    try:
        return listener(sms)
    except Exception:  # noqa: BLE001
        LOGGER.exception(
            "Error in %s handling SMS %s from %s",
            getattr(listener, "__qualname__", listener),
            sms.id,
            mask_number(sms.sender),
        )
        return None


class SmsInbox:
    """
    The received SMS of one account, announced once each even across restarts.

    Reading is destructive, so every page is saved before the next is read and before any
    of it is announced; what was saved but not announced is announced at the next start.
    A page being read is never abandoned: unload and stop wait until it is saved.
    """

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Create the inbox; `async_load` runs before use."""
        self._hass = hass
        self._entry_id = entry_id
        self._store = InboxStore(hass, entry_id)
        self._pending: list[InboundSms] = []
        # Insertion-ordered: the oldest fingerprints are forgotten first.
        self._seen: dict[str, float] = {}
        self._unreadable: list[StoredUnreadable] = []
        # Each with whether it hears SMS that answered a question.
        self._listeners: list[tuple[SmsListener, bool]] = []
        self._reply_handler: ReplyHandler | None = None
        self._read_listeners: list[ReadListener] = []
        self._lock = asyncio.Lock()
        self._reading: asyncio.Task[bool] | None = None
        self._started = False
        self._stopping = False
        self._unsaved = False
        self.stats = InboxStats()

    def counts(self) -> dict[str, int]:
        """Return the inbox's counts for diagnostics (never a message or a number)."""
        return {
            "pending": len(self._pending),
            "remembered": len(self._seen),
            "unreadable_kept": len(self._unreadable),
            **asdict(self.stats),
        }

    async def async_load(self) -> None:
        """Read the SMS not yet announced and the messages already received."""
        if (stored := await self._store.async_load_inbox()) is not None:
            self._pending, self._seen, self._unreadable = stored

    async def async_start(self) -> None:
        """Announce from now on, first what an earlier run stored but did not announce."""
        async with self._lock:
            self._started = True
            if self._pending:
                LOGGER.debug("Announcing %d SMS stored earlier", len(self._pending))
            await self._async_announce()

    async def async_stop(self) -> None:
        """
        Read no further page; wait until a page being read is saved and announced.

        Bounded by the client's request timeout: the read cannot take longer.
        """
        self._stopping = True
        if (reading := self._reading) is not None:
            await asyncio.wait([reading])
            if not reading.cancelled():
                # Its error was the cancelled poll's to report: retrieved, not raised.
                reading.exception()
        async with self._lock:
            pass

    @callback
    def async_add_listener(
        self, listener: SmsListener, *, with_replies: bool = True
    ) -> CALLBACK_TYPE:
        """
        Call `listener` with every SMS announced from now on; return the remover.

        Without replies, SMS that answered a question asked with `eims.ask` are left out.
        """
        subscription = (listener, with_replies)
        self._listeners.append(subscription)
        return lambda: self._listeners.remove(subscription)

    @callback
    def async_set_reply_handler(self, handler: ReplyHandler) -> CALLBACK_TYPE:
        """Offer every SMS to `handler` before announcing it; return the remover."""
        self._reply_handler = handler

        @callback
        def remove() -> None:
            self._reply_handler = None

        return remove

    @callback
    def async_add_read_listener(self, listener: ReadListener) -> CALLBACK_TYPE:
        """Call `listener` with its start time after each complete read; return the remover."""
        self._read_listeners.append(listener)
        return lambda: self._read_listeners.remove(listener)

    async def async_fetch(self, client: EimsClient) -> None:
        """
        Read every waiting SMS, saving each page before reading the next.

        No `start_time`: each read removes what it returns, so it could only leave older
        unread SMS (say, from a gateway clock set wrong) on the gateway for ever.
        """
        async with self._lock:
            started = dt_util.utcnow()
            # Leftovers of an announcement that failed last cycle go first.
            await self._async_announce()
            while not self._stopping:
                # Its own task: cancelling the poll (unload, stop) must not drop a page
                # the gateway has already forgotten.
                self._reading = self._hass.async_create_task(
                    self._async_read_page(client), f"{DOMAIN} getsms", eager_start=True
                )
                more = await asyncio.shield(self._reading)
                self._reading = None
                await self._async_announce()
                if not more:
                    # Everything the gateway held when the read began is announced.
                    for listener in list(self._read_listeners):
                        listener(started)
                    return

    async def _async_read_page(self, client: EimsClient) -> bool:
        """Read and save one page; return whether the gateway may hold more."""
        page = await client.get_sms_page()
        # The gateway's bare digits are international, whatever Home Assistant's country.
        messages = await async_parse(
            self._hass, lambda _country: _with_international_numbers(page.messages)
        )
        new = self._keep_new(messages)
        self._keep_unreadable(page)
        if new or page.unreadable:
            await self._async_save()
        # No new message on a full page: a gateway that does not consume what it returns
        # (or a page of unreadable rows); the next cycle reads on.
        return page.full and new

    def _keep_new(self, page: list[InboundSms]) -> bool:
        """Queue the SMS not received before; return whether there were any."""
        now = dt_util.utcnow().timestamp()
        new = False
        for sms in page:
            if (key := fingerprint(sms)) in self._seen:
                self.stats.duplicates += 1
                LOGGER.debug(
                    "Dropping SMS %s from %s: received before with the same text",
                    sms.id,
                    mask_number(sms.sender),
                )
                continue
            if not sms.decoded:
                LOGGER.info(
                    "SMS %s from %s is not base64 UTF-8 text: announced as received",
                    sms.id,
                    mask_number(sms.sender),
                )
            self._seen[key] = now
            self._pending.append(sms)
            self.stats.received += 1
            new = True
        for key in list(self._seen)[: max(0, len(self._seen) - SEEN_LIMIT)]:
            del self._seen[key]
        return new

    def _keep_unreadable(self, page: SmsPage) -> None:
        """Keep rows that could not be read as the gateway sent them: reading consumed them."""
        if not page.unreadable:
            return
        LOGGER.warning(
            "%d of %d received SMS could not be read and are kept as sent (%s); "
            "diagnostics count them",
            len(page.unreadable),
            page.rows,
            "; ".join(sorted({row.error for row in page.unreadable})),
        )
        read_at = utc_iso(dt_util.utcnow())
        self._unreadable.extend(
            {"row": row.row, "error": row.error, "read_at": read_at}
            for row in page.unreadable
        )
        del self._unreadable[:-UNREADABLE_LIMIT]
        self.stats.unreadable += len(page.unreadable)

    async def _async_announce(self) -> None:
        """Announce the pending SMS in order, then save that they were announced."""
        if not self._started:
            return
        try:
            while self._pending:
                self._announce(self._pending[0])
                del self._pending[0]
                self._unsaved = True
        finally:
            # Also after a failure, so what was announced is never announced again.
            if self._unsaved:
                await self._async_save()

    def _announce(self, sms: InboundSms) -> None:
        LOGGER.debug("Received SMS %s from %s", sms.id, mask_number(sms.sender))
        data = {ATTR_ENTRY_ID: self._entry_id, **sms_attributes(sms)}
        if self._reply_handler is not None and (
            ask_id := _call_safely(self._reply_handler, sms)
        ):
            data[ATTR_ASK_ID] = ask_id
        self._hass.bus.async_fire(EVENT_SMS_RECEIVED, data)
        for listener, with_replies in list(self._listeners):
            if with_replies or ATTR_ASK_ID not in data:
                _call_safely(listener, sms)
        self.stats.announced += 1

    async def _async_save(self) -> None:
        self._unsaved = False
        await self._store.async_save_inbox(self._pending, self._seen, self._unreadable)
