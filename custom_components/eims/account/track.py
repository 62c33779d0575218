"""
Delivery tracking: every sent message followed until its final report, across restarts.

The policy: when to ask the gateway, when to give up, what to store and whom to tell.
What a report means is `delivery_status`'s.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import timedelta
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.util import dt as dt_util

from ..api import EimsClient, PushedReport, ReportResult, UnreadableReport
from ..const import CONF_TRACKING_WINDOW, DEFAULT_TRACKING_WINDOW_HOURS, DOMAIN, LOGGER
from ..numbers import mask_number
from ..store import SAVE_DELAY, EntryStore, StoreName
from ..timestamps import timestamp_to_utc, utc_iso
from .delivery_status import (
    EXPIRED,
    FAILED_STATUSES,
    NOT_FOUND,
    DeliveryReport,
    DeliveryStatus,
    PendingMessage,
    StatusUpdate,
    pack_number,
    pushed_update,
    row_update,
)
from .pending import PendingMessages

EVENT_DELIVERY_REPORT: Final = f"{DOMAIN}_delivery_report"

# A fresh id may not be queryable yet: only one unknown for this long is reported not found.
NOT_FOUND_AFTER: Final = 600.0
# While the gateway pushes reports, only ids older than this are polled (in case a push was lost).
PUSH_BACKOFF: Final = 300.0
# getreport takes 200 ids per request: each reply is applied before the next is asked for, so
# its rows die young (held for 5 requests, 1,000 rows outlived young collections and a full one
# over all of Home Assistant's objects came due every few polls: 50-80 ms in one step).
POLL_CHUNK: Final = 200
# At most this many ids (50 requests) per poll; a bigger backlog is polled in turns.
MAX_IDS_PER_POLL: Final = 10_000
# Restoring this many records, then the event loop gets a turn.
WORK_CHUNK: Final = 5000
# Malformed rows remembered so each is warned about once.
WARNED_ROWS_LIMIT: Final = 1000
# Applying this many reports (each fires an event and writes the report entity), then the
# event loop gets a turn: about 25 ms.
REPORT_CHUNK: Final = 100
# What a message is when it is handed to the tracker.
_TRACKED: Final = StatusUpdate(DeliveryStatus.PENDING, final=False)


def tracking_window(options: dict[str, Any] | Any) -> timedelta:
    """Return how long a message is followed before it counts as expired."""
    return timedelta(
        hours=options.get(CONF_TRACKING_WINDOW, DEFAULT_TRACKING_WINDOW_HOURS)
    )


class DeliveryTracker:
    """Follow the delivery of an account's sent messages, polled and pushed, persisted."""

    def __init__(
        self, hass: HomeAssistant, entry: ConfigEntry[Any], client: EimsClient
    ) -> None:
        """Create the tracker of one entry; `async_load` restores what it was following."""
        self.hass = hass
        self.entry_id = entry.entry_id
        self.window = tracking_window(entry.options).total_seconds()
        self._client = client
        self._store = EntryStore[dict[str, Any]](
            hass, entry.entry_id, StoreName.DELIVERIES
        )
        self._pending = PendingMessages()
        self._unknown_since: dict[int, float] = {}
        # Ids final within the last one or two windows (two generations, rotated every
        # window): a message is followed once, whenever a second tracking comes.
        self._final_ids: set[int] = set()
        self._older_final_ids: set[int] = set()
        self._final_since = self._now()
        self.sent = 0
        self.delivered = 0
        self.failed = 0
        self.last_report: DeliveryReport | None = None
        self.last_push: float | None = None
        self.malformed_rows = 0
        # Once stopped (the entry unloads), reports still arriving are left to the next one.
        self.stopped = False
        self._warned_rows: set[str] = set()
        self._poll_offset = 0
        self._listeners: list[CALLBACK_TYPE] = []
        self._report_listeners: list[Callable[[DeliveryReport], None]] = []

    @property
    def pending_count(self) -> int:
        """Return how many messages wait for a final report."""
        return len(self._pending)

    def oldest_pending_age(self) -> float | None:
        """Return the age in seconds of the oldest message still waiting."""
        oldest = self._pending.oldest_sent_at()
        return None if oldest is None else self._now() - oldest

    @staticmethod
    def _now() -> float:
        return dt_util.utcnow().timestamp()

    async def async_load(self) -> None:
        """Restore counters, the last report and the messages still waiting."""
        data = await self._store.async_load()
        if data is None:
            return
        counters = data["counters"]
        self.sent = counters["sent"]
        self.delivered = counters["delivered"]
        self.failed = counters["failed"]
        if data["last"] is not None:
            self.last_report = DeliveryReport.from_dict(data["last"])
        for index, stored in enumerate(PendingMessages.decode(data["pending"]), 1):
            self._pending.add(*stored)
            if index % WORK_CHUNK == 0:
                await asyncio.sleep(0)

    def _data_to_save(self) -> dict[str, Any]:
        """Return the stored form: counters, the last report and the messages waiting."""
        return {
            "counters": {
                "sent": self.sent,
                "delivered": self.delivered,
                "failed": self.failed,
            },
            "last": self.last_report.as_dict() if self.last_report else None,
            "pending": self._pending.encode(),
        }

    async def async_stop(self) -> None:
        """Take no more reports (the next tracker asks for them again); write now."""
        self.stopped = True
        await self.async_flush()

    async def async_flush(self) -> None:
        """Write now (on unload, after a send), so a reload finds everything."""
        # Encoding 100,000 waiting messages gets a loop step of its own, not the send's last one.
        await asyncio.sleep(0)
        await self._store.async_save(self._data_to_save())

    @callback
    def async_add_listener(self, update_callback: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call `update_callback` after the tracker changed; return the unsubscribe."""
        self._listeners.append(update_callback)
        return lambda: self._listeners.remove(update_callback)

    @callback
    def async_add_report_listener(
        self, report_callback: Callable[[DeliveryReport], None]
    ) -> CALLBACK_TYPE:
        """Call `report_callback` with every status change; return the unsubscribe."""
        self._report_listeners.append(report_callback)
        return lambda: self._report_listeners.remove(report_callback)

    @callback
    def _async_changed(self) -> None:
        """Persist soon and tell the entities."""
        self._store.async_delay_save(self._data_to_save, SAVE_DELAY)
        for update_callback in list(self._listeners):
            update_callback()

    def _knows(self, message_id: int) -> bool:
        """Return whether the id is followed, or reached its final state lately."""
        return (
            message_id in self._pending
            or message_id in self._final_ids
            or message_id in self._older_final_ids
        )

    def _remember_final(self, message_id: int, now: float) -> None:
        """Keep a final id for at least one tracking window, so it is never tracked again."""
        if now - self._final_since >= self.window:
            self._older_final_ids, self._final_ids = self._final_ids, set()
            self._final_since = now
        self._final_ids.add(message_id)

    @callback
    def async_track(self, accepted: Mapping[int, str], origin: str) -> None:
        """Start following accepted messages (id → number); a known id is not followed again."""
        sent_at = self._now()
        added = {
            message_id: pack_number(number)
            for message_id, number in accepted.items()
            if not self._knows(message_id)
        }
        if not added:
            return
        self._pending.add_sent(added, sent_at, origin)
        self.sent += len(added)
        last_id = next(reversed(added))
        self.last_report = DeliveryReport.of(
            last_id,
            PendingMessage(added[last_id], sent_at, origin, DeliveryStatus.PENDING),
            _TRACKED,
            sent_at,
        )
        self._async_changed()

    @callback
    def _apply(self, message_id: int, update: StatusUpdate, now: float) -> bool:
        """Apply one report to a followed message; False when it changes nothing."""
        pending = None if self.stopped else self._pending.get(message_id)
        if pending is None or not update.moves(pending.status):
            return False
        report = DeliveryReport.of(message_id, pending, update, now)
        if update.final:
            self._pending.remove(message_id)
            self._unknown_since.pop(message_id, None)
            self._remember_final(message_id, now)
            if update.status is DeliveryStatus.DELIVERED:
                self.delivered += 1
            elif update.status in FAILED_STATUSES:
                self.failed += 1
        else:
            self._pending.set_status(message_id, update.status)
        self.last_report = report
        self.hass.bus.async_fire(
            EVENT_DELIVERY_REPORT, {"entry_id": self.entry_id, **report.as_dict()}
        )
        for report_callback in list(self._report_listeners):
            report_callback(report)
        return True

    @callback
    def async_handle_pushed(self, reports: Sequence[PushedReport]) -> int:
        """Apply pushed reports (unknown ids are ignored); return how many changed a message."""
        now = self._now()
        if reports:
            # An empty push says nothing about whether the gateway pushes: polling goes on.
            self.last_push = now
        changed = sum(
            self._apply(report.id, pushed_update(report), now) for report in reports
        )
        if changed:
            self._async_changed()
        return changed

    async def _async_expire(self, asked: Iterable[int], now: float) -> int:
        """Give up on messages just asked about, still open, older than the tracking window."""
        limit = now - self.window
        expired = [
            message_id
            for message_id in asked
            if message_id in self._pending and self._pending.sent_at(message_id) < limit
        ]
        for start in range(0, len(expired), REPORT_CHUNK):
            for message_id in expired[start : start + REPORT_CHUNK]:
                self._apply(message_id, EXPIRED, now)
            await asyncio.sleep(0)
        return len(expired)

    def _ids_to_poll(self, now: float) -> list[int]:
        """Return the ids to ask about, oldest first; while pushes arrive, only old ones."""
        if self.last_push is not None and now - self.last_push < PUSH_BACKOFF:
            limit = now - PUSH_BACKOFF
            ids = [
                message_id
                for message_id in self._pending
                if self._pending.sent_at(message_id) <= limit
            ]
        else:
            ids = list(self._pending)
        if len(ids) <= MAX_IDS_PER_POLL:
            self._poll_offset = 0
            return ids
        if self._poll_offset >= len(ids):
            self._poll_offset = 0
        start = self._poll_offset
        self._poll_offset += MAX_IDS_PER_POLL
        return ids[start : start + MAX_IDS_PER_POLL]

    async def async_poll(self) -> None:
        """
        Ask the gateway about the messages waiting, then expire those still open.

        Asking first: after the clock jumps forward (NTP fixing it after boot), a message
        the gateway reports delivered is delivered, not expired. No request when none wait.
        """
        now = self._now()
        ids = self._ids_to_poll(now)
        if ids:
            LOGGER.debug(
                "Polling reports of %d of %d messages", len(ids), len(self._pending)
            )
        changed = 0
        for start in range(0, len(ids), POLL_CHUNK):
            chunk = ids[start : start + POLL_CHUNK]
            result = await self._client.get_reports(chunk)
            changed += await self._async_apply_rows(chunk, result, now)
        changed += await self._async_expire(ids, now)
        if changed:
            self._async_changed()

    def _skip_unreadable(self, unreadable: Sequence[UnreadableReport]) -> set[int]:
        """Count rows that could not be read, warn once per row; return the ids they name."""
        self.malformed_rows += len(unreadable)
        for report in unreadable:
            if report.row not in self._warned_rows:
                if len(self._warned_rows) >= WARNED_ROWS_LIMIT:
                    self._warned_rows.clear()
                self._warned_rows.add(report.row)
                LOGGER.warning(
                    "Skipping a delivery report the gateway sent malformed (%s); "
                    "its message is asked about again next time",
                    report.error,
                )
        ids = {report.id for report in unreadable if report.id is not None}
        for message_id in ids:
            self._unknown_since.pop(message_id, None)
        return ids

    async def _async_apply_rows(
        self, asked: Sequence[int], result: ReportResult, now: float
    ) -> int:
        """Apply one chunk's rows; ids the gateway did not know turn not found in time."""
        changed = 0
        # The gateway knows an id it sent a malformed row for: never "not found".
        known = self._skip_unreadable(result.unreadable)
        for index, row in enumerate(result.rows, 1):
            known.add(row.id)
            self._unknown_since.pop(row.id, None)
            changed += self._apply(row.id, row_update(row), now)
            if index % REPORT_CHUNK == 0:
                await asyncio.sleep(0)
        for message_id in asked:
            if message_id in known or message_id not in self._pending:
                continue
            first = self._unknown_since.setdefault(message_id, now)
            if now - first >= NOT_FOUND_AFTER:
                changed += self._apply(message_id, NOT_FOUND, now)
        return changed

    def diagnostics(self) -> dict[str, Any]:
        """Return the tracker's size and health, numbers masked."""
        last = self.last_report
        return {
            "pending": self.pending_count,
            "oldest_pending_age": self.oldest_pending_age(),
            "unknown_ids": len(self._unknown_since),
            "malformed_rows": self.malformed_rows,
            "counters": {
                "sent": self.sent,
                "delivered": self.delivered,
                "failed": self.failed,
            },
            "tracking_window_hours": self.window / 3600,
            "last_push": utc_iso(timestamp_to_utc(self.last_push))
            if self.last_push is not None
            else None,
            "last_report": {**last.as_dict(), "number": mask_number(last.number)}
            if last is not None
            else None,
        }
