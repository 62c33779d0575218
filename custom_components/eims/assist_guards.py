"""Assist's loop guards: never the gateway itself, a rate per sender, an hourly cap, no repeats."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later
from homeassistant.util import dt as dt_util

from .account.guard_rules import DuplicateFilter, SlidingWindow
from .api import InboundSms
from .const import LOGGER
from .issues import (
    ASSIST_RATE_LIMITED,
    ASSIST_REPLY_CAP,
    async_clear_issues,
    async_raise_issue,
)
from .numbers import digits_of, mask_number

RATE_WINDOW: Final = timedelta(minutes=1)
REPLY_CAP_WINDOW: Final = timedelta(hours=1)
# The same answer to the same number goes once in this time: a loop repeats itself.
REPEAT_WINDOW: Final = timedelta(minutes=10)


@dataclass(slots=True)
class GuardStats:
    """What the guards have held back since the bridge started, for diagnostics."""

    rate_limited: int = 0
    own_number: int = 0
    repeated: int = 0
    capped: int = 0


class AssistGuards:
    """
    What keeps the bridge out of loops with auto-responders and with the gateway itself.

    A sender over its rate and the bridge over its hourly cap each raise a repair issue
    that goes once they may be answered again.
    """

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry[Any],
        *,
        rate_limit: int,
        replies_per_hour: int,
    ) -> None:
        """Create the guards of one entry's bridge."""
        self._hass = hass
        self._entry = entry
        self._rate_limit = rate_limit
        self._accepted: dict[str, SlidingWindow] = {}
        # Rate-limited senders, each with the timer that lets it in again.
        self._limited: dict[str, CALLBACK_TYPE] = {}
        # The gateway's own receiving numbers (digits), learnt from the `to` of received SMS.
        self._own: set[str] = set()
        # The answers of the last hour, across numbers; the timer that ends the cap.
        self._replies = SlidingWindow(REPLY_CAP_WINDOW, replies_per_hour)
        self._cap_timer: CALLBACK_TYPE | None = None
        self._answered = DuplicateFilter(REPEAT_WINDOW)
        self.stats = GuardStats()

    @callback
    def async_stop(self) -> None:
        """Cancel the timers and withdraw the repair issues."""
        for cancel in self._limited.values():
            cancel()
        self._limited.clear()
        if self._cap_timer is not None:
            self._cap_timer()
            self._cap_timer = None
        async_clear_issues(
            self._hass, self._entry, ASSIST_RATE_LIMITED, ASSIST_REPLY_CAP
        )

    @property
    def limited_senders(self) -> list[str]:
        """Return the trusted numbers held back by the rate limit right now."""
        return list(self._limited)

    @property
    def gateway_numbers(self) -> list[str]:
        """Return the gateway's receiving numbers seen so far (digits)."""
        return sorted(self._own)

    def from_gateway(self, sms: InboundSms) -> bool:
        """Learn the gateway's number from `sms`; True when the gateway texted itself."""
        if sms.receiver:
            self._own.add(digits_of(sms.receiver))
        if digits_of(sms.sender) not in self._own:
            return False
        # Its number trusted, answering would never end.
        self.stats.own_number += 1
        LOGGER.debug(
            "Not answering SMS from the gateway's own number %s",
            mask_number(sms.sender),
        )
        return True

    def admit(self, number: str) -> bool:
        """Count a message against the sender's sliding window; False when over the limit."""
        now = dt_util.utcnow()
        window = self._accepted.setdefault(
            number, SlidingWindow(RATE_WINDOW, self._rate_limit)
        )
        if window.admit(now):
            return True
        self.stats.rate_limited += 1
        if number not in self._limited:
            LOGGER.warning(
                "%s sent more than %s messages to Assist within a minute: not answering it"
                " until it slows down (an auto-responder answering the replies?)",
                mask_number(number),
                self._rate_limit,
            )
            async_raise_issue(
                self._hass,
                self._entry,
                ASSIST_RATE_LIMITED,
                sender=mask_number(number),
                limit=str(self._rate_limit),
            )
            # Dropped messages do not count: the sender is let in once its oldest answer ages out.
            self._limited[number] = async_call_later(
                self._hass,
                window.reopens_at() - now,
                partial(self._async_release, number),
            )
        return False

    @callback
    def _async_release(self, number: str, _now: datetime) -> None:
        """Let a sender in again; the repair goes once no sender is held back."""
        self._limited.pop(number, None)
        LOGGER.debug("%s is under the Assist rate limit again", mask_number(number))
        if not self._limited:
            async_clear_issues(self._hass, self._entry, ASSIST_RATE_LIMITED)

    def reserve_reply(self) -> datetime | None:
        """Count an answer against the hourly cap; None (and a repair issue) when it is full."""
        now = dt_util.utcnow()
        if self._replies.admit(now):
            return now
        self.stats.capped += 1
        if self._cap_timer is None:
            LOGGER.warning(
                "Assist answered %s SMS within an hour: not answering more until the"
                " oldest is an hour old (a loop between two auto-responders?)",
                self._replies.limit,
            )
            async_raise_issue(
                self._hass,
                self._entry,
                ASSIST_REPLY_CAP,
                limit=str(self._replies.limit),
            )
            self._cap_timer = async_call_later(
                self._hass, self._replies.reopens_at() - now, self._async_cap_ended
            )
        return None

    def release_reply(self, reserved: datetime) -> None:
        """Give back an answer counted at `reserved`: none was sent."""
        self._replies.withdraw(reserved)

    @callback
    def _async_cap_ended(self, _now: datetime) -> None:
        """Answer again: the oldest answer of the hour has aged out."""
        self._cap_timer = None
        async_clear_issues(self._hass, self._entry, ASSIST_REPLY_CAP)

    def is_new_answer(self, number: str, reply: str, now: datetime) -> bool:
        """Return False for the answer `number` got within the repeat window (noting it)."""
        if self._answered.admit([number], reply, now)[0]:
            return True
        self.stats.repeated += 1
        LOGGER.debug(
            "Not sending %s the same Assist answer again within %s",
            mask_number(number),
            REPEAT_WINDOW,
        )
        return False
