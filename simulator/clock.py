"""Time for the simulator: an injectable clock and the gateway's timestamp format."""

from __future__ import annotations

from datetime import datetime, tzinfo

STAMP_FORMAT = "%Y%m%d%H%M%S"


class ManualClock:
    """A clock that only moves when told to, for tests that step time without sleeping."""

    def __init__(self, start: float = 1_767_225_600.0) -> None:
        """Start at `start` unix seconds (default 2026-01-01 00:00 UTC)."""
        self.now = start

    def __call__(self) -> float:
        """Return the current unix time."""
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock forward."""
        self.now += seconds


def format_stamp(unix: float, tz: tzinfo) -> int:
    """Render unix seconds as the gateway's yyyyMMddHHmmss integer in its local zone."""
    return int(datetime.fromtimestamp(unix, tz).strftime(STAMP_FORMAT))


def parse_stamp(value: str, tz: tzinfo) -> float:
    """Parse a yyyyMMddHHmmss string in the gateway's zone; ValueError when malformed."""
    if len(value) != 14 or not value.isdigit():
        raise ValueError("not a 14-digit timestamp")
    return datetime.strptime(value, STAMP_FORMAT).replace(tzinfo=tz).timestamp()
