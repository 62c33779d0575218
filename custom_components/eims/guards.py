"""Rules that keep a loop from draining the balance: repeated texts and a daily budget."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta


class DuplicateFilter:
    """Let the same text reach the same number once per window; later copies are held back."""

    def __init__(self, window: timedelta) -> None:
        """Hold back copies sent within `window` (zero: never)."""
        self.window = window
        self._sent: dict[tuple[str, Hashable], datetime] = {}

    def admit(
        self, numbers: Sequence[str], message: Hashable, now: datetime
    ) -> tuple[list[str], list[str]]:
        """Return the numbers to send to and those that got `message` within the window."""
        if not self.window:
            return list(numbers), []
        self._sent = {
            key: at for key, at in self._sent.items() if now - at < self.window
        }
        admitted: list[str] = []
        suppressed: list[str] = []
        for number in numbers:
            key = (number, message)
            if key in self._sent:
                suppressed.append(number)
            else:
                # Noted before the send: copies arriving while it is on its way are held too.
                self._sent[key] = now
                admitted.append(number)
        return admitted, suppressed

    def forget(self, numbers: Sequence[str], message: Hashable) -> None:
        """Let `message` go to `numbers` again (their send was refused: nothing went out)."""
        for number in numbers:
            self._sent.pop((number, message), None)


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
