"""Rules that keep a loop from draining the balance: repeats, a rate and a daily budget."""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta


class DuplicateFilter:
    """Let the same text reach the same number once per window; later copies are held back."""

    def __init__(self, window: timedelta) -> None:
        """Hold back copies sent within `window` (zero: never)."""
        self.window = window
        # Per text, the batches of numbers it went to and when: a large send costs one set.
        self._batches: dict[Hashable, list[tuple[datetime, frozenset[str]]]] = {}

    def admit(
        self, numbers: Sequence[str], message: Hashable, now: datetime
    ) -> tuple[list[str], list[str]]:
        """Return the numbers to send to and those that got `message` within the window."""
        if not self.window:
            return list(numbers), []
        self._prune(now)
        admitted, suppressed = list(numbers), []
        if batches := self._batches.get(message):
            recent = frozenset[str]().union(*(sent for _, sent in batches))
            suppressed = [number for number in numbers if number in recent]
            if suppressed:
                admitted = [number for number in numbers if number not in recent]
        if admitted:
            # Noted before the send: copies arriving while it is on its way are held too.
            self._batches.setdefault(message, []).append((now, frozenset(admitted)))
        return admitted, suppressed

    def forget(self, numbers: Sequence[str], message: Hashable) -> None:
        """Let `message` go to `numbers` again (their send was refused: nothing went out)."""
        if batches := self._batches.get(message):
            gone = frozenset(numbers)
            self._batches[message] = [(at, sent - gone) for at, sent in batches]

    def _prune(self, now: datetime) -> None:
        """Drop the batches older than the window."""
        for message, batches in list(self._batches.items()):
            if kept := [batch for batch in batches if now - batch[0] < self.window]:
                self._batches[message] = kept
            else:
                del self._batches[message]


class SlidingWindow:
    """At most `limit` events within any `window`; the oldest ages out first."""

    def __init__(self, window: timedelta, limit: int) -> None:
        """Count events in `window`, at most `limit` of them."""
        self.window = window
        self.limit = limit
        self._times: deque[datetime] = deque()

    def admit(self, now: datetime) -> bool:
        """Count an event at `now`; False (and not counted) when the window is full."""
        while self._times and now - self._times[0] >= self.window:
            self._times.popleft()
        if len(self._times) < self.limit:
            self._times.append(now)
            return True
        return False

    def withdraw(self, at: datetime) -> None:
        """Stop counting the event admitted at `at`: it did not happen after all."""
        self._times.remove(at)

    def reopens_at(self) -> datetime:
        """Return when the oldest event counted ages out (the window is full)."""
        return self._times[0] + self.window


@dataclass(slots=True)
class DailyBudget:
    """SMS segments spent on one day against a limit (0: no limit)."""

    limit: int
    day: date
    used: int = 0

    def roll(self, today: date) -> None:
        """Start a new day's count when the date has changed."""
        if today != self.day:
            self.day = today
            self.used = 0

    def allows(self, segments: int) -> bool:
        """Return whether `segments` more stay within the limit."""
        return not self.limit or self.used + segments <= self.limit

    @property
    def reached(self) -> bool:
        """Return whether nothing more may be sent today."""
        return bool(self.limit) and self.used >= self.limit
