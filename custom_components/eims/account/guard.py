"""An account's spending guards: repeated texts held back, and a daily segment limit."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.event import async_track_time_change
from homeassistant.util import dt as dt_util

from ..api import SendRequest
from ..const import (
    CONF_DAILY_LIMIT,
    CONF_DUPLICATE_WINDOW,
    DEFAULT_DAILY_LIMIT,
    DEFAULT_DUPLICATE_WINDOW,
    LOGGER,
)
from ..errors import async_refusal
from ..issues import DAILY_LIMIT_REACHED, async_clear_issues
from ..numbers import mask_number
from ..store import SAVE_DELAY, EntryStore, StoreName
from .guard_rules import DailyBudget, DuplicateFilter


def _message_key(request: SendRequest) -> tuple[str, str | None, str | None]:
    """Return what makes two sends the same text: content, MMS title and send time."""
    return (request.content, request.mms_title, request.send_time)


class SpendingGuard:
    """Hold back repeated texts and refuse what would pass the day's segment limit."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        """Read the guard's options; `async_load` reads today's count."""
        self._hass = hass
        self._entry = entry
        options = entry.options
        self._duplicates = DuplicateFilter(
            timedelta(
                seconds=int(
                    options.get(CONF_DUPLICATE_WINDOW, DEFAULT_DUPLICATE_WINDOW)
                )
            )
        )
        self._budget = DailyBudget(
            limit=int(options.get(CONF_DAILY_LIMIT, DEFAULT_DAILY_LIMIT)),
            day=dt_util.now().date(),
        )
        self._store = EntryStore[dict[str, Any]](
            hass, entry.entry_id, StoreName.SPENDING
        )
        self.suppressed = 0
        self.refused = 0

    async def async_load(self) -> None:
        """Read today's count (a reload or restart does not reset it); start the day timer."""
        stored = await self._store.async_load()
        if stored and stored.get("day") == self._budget.day.isoformat():
            self._budget.used = int(stored.get("segments", 0))
        if not self._budget.reached:
            # The limit was raised or turned off, or the day has changed.
            async_clear_issues(self._hass, self._entry, DAILY_LIMIT_REACHED)
        self._entry.async_on_unload(
            async_track_time_change(
                self._hass, self._async_new_day, hour=0, minute=0, second=0
            )
        )

    async def async_flush(self) -> None:
        """Write the count now (on unload, so a reload reads it)."""
        await self._store.async_save(self._data())

    def _data(self) -> dict[str, Any]:
        return {"day": self._budget.day.isoformat(), "segments": self._budget.used}

    @callback
    def _async_new_day(self, _now: datetime) -> None:
        """Start the new day's count; the limit's repair issue goes."""
        self._budget.roll(dt_util.now().date())
        self._store.async_delay_save(self._data, SAVE_DELAY)
        async_clear_issues(self._hass, self._entry, DAILY_LIMIT_REACHED)

    @callback
    def admit(
        self, request: SendRequest, segments: int, *, hold_repeats: bool = True
    ) -> tuple[SendRequest | None, list[str]]:
        """
        Return what of `request` may go out (None: nothing) and the numbers held back.

        Its cost (`segments` per number) is reserved until `settle`.

        Numbers that got the same text within the window are held back (reported, not an
        error) unless `hold_repeats` is False. Raises HomeAssistantError when the rest
        would pass the daily limit.
        """
        message = _message_key(request)
        numbers, suppressed = (
            self._duplicates.admit(request.numbers, message, dt_util.utcnow())
            if hold_repeats
            else (list(request.numbers), [])
        )
        if suppressed:
            self.suppressed += len(suppressed)
            LOGGER.debug(
                "Not sending the same text again within %s to %s",
                self._duplicates.window,
                ", ".join(mask_number(number) for number in suppressed),
            )
        if not numbers:
            return None, suppressed
        cost = segments * len(numbers)
        self._budget.roll(dt_util.now().date())
        if not self._budget.allows(cost):
            self._duplicates.forget(numbers, message)
            self.refused += 1
            placeholders = {
                "limit": str(self._budget.limit),
                "used": str(self._budget.used),
                "cost": str(cost),
                "entry_title": self._entry.title,
            }
            raise async_refusal(
                self._hass, self._entry, DAILY_LIMIT_REACHED, **placeholders
            )
        self._budget.used += cost
        self._store.async_delay_save(self._data, SAVE_DELAY)
        return replace(request, numbers=numbers), suppressed

    @callback
    def settle(self, request: SendRequest, segments: int, accepted: int | None) -> None:
        """
        Keep the cost of the numbers the gateway accepted; None: unknown, keep it all.

        `request` is what `admit` let out. A send nothing of which went out may be sent
        again at once.
        """
        if accepted is None:
            return
        self._budget.used = max(
            0, self._budget.used - segments * (len(request.numbers) - accepted)
        )
        if not accepted:
            self._duplicates.forget(request.numbers, _message_key(request))
        self._store.async_delay_save(self._data, SAVE_DELAY)

    def diagnostics(self) -> dict[str, Any]:
        """Return the guards' settings and what they did."""
        return {
            "duplicate_window": self._duplicates.window.total_seconds(),
            "suppressed": self.suppressed,
            "daily_limit": self._budget.limit,
            "segments_today": self._budget.used,
            "refused": self.refused,
        }
