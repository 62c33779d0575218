"""Conversions between datetimes and the gateway's two time formats."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

from .exceptions import EimsResponseError, EimsValidationError

_GATEWAY_FORMAT = "%Y%m%d%H%M%S"
_GATEWAY_DIGITS = 14


def format_gateway_time(dt: datetime, tz: tzinfo) -> str:
    """Format an aware datetime as the gateway's `yyyyMMddHHmmss` wall time in `tz`."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise EimsValidationError("time", "naive_datetime", dt.isoformat())
    try:
        return dt.astimezone(tz).strftime(_GATEWAY_FORMAT)
    except OverflowError:
        # 9999-12-31T23:59:59-12:00 is in the year 10000 anywhere east of it.
        raise EimsValidationError("time", "out_of_range", dt.isoformat()) from None


def parse_gateway_time(value: int | str, tz: tzinfo) -> datetime:
    """Read a `yyyyMMddHHmmss` int or string as wall time in the gateway's zone `tz`."""
    text = str(value) if isinstance(value, (int, str)) else ""
    if len(text) != _GATEWAY_DIGITS or not text.isascii() or not text.isdigit():
        raise EimsResponseError(f"Not a gateway time: {value!r}")
    try:
        naive = datetime.strptime(text, _GATEWAY_FORMAT)  # noqa: DTZ007
    except ValueError:
        raise EimsResponseError(f"Not a gateway time: {value!r}") from None
    return naive.replace(tzinfo=tz)


def is_gateway_time(value: int) -> bool:
    """Tell a 14-digit `yyyyMMddHHmmss` number from unix seconds."""
    return 10**13 <= value < 10**14


def parse_unix_time(value: int) -> datetime:
    """Read unix seconds as an aware UTC datetime."""
    try:
        return datetime.fromtimestamp(value, UTC)
    except OverflowError, OSError, ValueError:
        raise EimsResponseError(f"Not a unix time: {value!r}") from None


def to_unix_time(dt: datetime, field: str) -> int:
    """Return an aware datetime as unix seconds (the gateway's `planstarttm` form)."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise EimsValidationError(field, "naive_datetime", dt.isoformat())
    return int(dt.timestamp())
