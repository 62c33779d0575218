"""
How the integration shows a time: ISO 8601 in UTC ("…+00:00"), as Home Assistant stores its own.

Attributes, event data, trigger variables, action responses and diagnostics all use it, so
a gateway's local time (read in the configured gateway zone) never leaks its offset.
No Home Assistant imports.
"""

from __future__ import annotations

from datetime import UTC, datetime


def timestamp_to_utc(timestamp: float) -> datetime:
    """Return unix seconds as an aware UTC time."""
    return datetime.fromtimestamp(timestamp, UTC)


def utc_iso(value: datetime) -> str:
    """Return an aware time as ISO 8601 in UTC: "2026-11-30T12:01:00+00:00"."""
    return value.astimezone(UTC).isoformat()
