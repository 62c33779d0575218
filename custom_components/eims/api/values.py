"""
The gateway's formats for single values, both ways.

Ints, phone numbers and times read from its JSON (raising EimsResponseError on anything
else), and numbers, message types and times checked or written before a request
(raising EimsValidationError).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, tzinfo
from typing import Any

from .exceptions import EimsResponseError, EimsValidationError
from .models import SmsType

_GATEWAY_FORMAT = "%Y%m%d%H%M%S"
_GATEWAY_DIGITS = 14
_MAX_INT_DIGITS = 40
MAX_NUMBER_DIGITS = 32


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
    # Read by position, as strptime would with _GATEWAY_FORMAT, at a tenth of its cost: a
    # poll reads two of these per report, 20,000 in a poll of 10,000.
    try:
        return datetime(
            int(text[:4]),
            int(text[4:6]),
            int(text[6:8]),
            int(text[8:10]),
            int(text[10:12]),
            int(text[12:]),
            tzinfo=tz,
        )
    except ValueError:
        raise EimsResponseError(f"Not a gateway time: {value!r}") from None


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


def optional_gateway_time(value: object, tz: tzinfo, name: str) -> datetime | None:
    """Read a `yyyyMMddHHmmss` field where 0 or empty means "no time yet"."""
    if value in (0, "", "0", None) and not isinstance(value, bool):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise EimsResponseError(f"{name} is not a time: {type(value).__name__}")
    return parse_gateway_time(value, tz)


def is_int(value: object) -> bool:
    """Tell a JSON int from every other value (bool included)."""
    return isinstance(value, int) and not isinstance(value, bool)


def as_int(value: object, name: str) -> int:
    """Read an int, or a string of one (the texts call some ints "numeric characters")."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip()
        digits = text.removeprefix("-")
        if digits.isascii() and digits.isdigit() and len(digits) <= _MAX_INT_DIGITS:
            return int(text)
    raise EimsResponseError(f"{name} is not an integer: {type(value).__name__}")


def optional_int(data: Mapping[str, Any], key: str) -> int | None:
    """Read an optional int field; absent or null gives None."""
    value = data.get(key)
    return None if value is None else as_int(value, key)


def as_list(value: object, name: str) -> list[Any]:
    """Read a JSON array."""
    if isinstance(value, list):
        return value
    raise EimsResponseError(f"{name} is not an array: {type(value).__name__}")


def as_number(value: object, name: str) -> str:
    """Read a phone number, sent as an int (v3.4) or a string (v3.5)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise EimsResponseError(f"{name} is not a number: {type(value).__name__}")


def digits_key(number: str) -> str:
    """Return the digits of a number: replies give `10010` or `"+10010"` for `+10010`."""
    return number.removeprefix("+")


def checked_number(number: object, field: str = "numbers") -> str:
    """Return a number stripped of outer blanks; only digits with an optional leading + pass."""
    if not isinstance(number, str):
        raise EimsValidationError(field, "invalid_number", number)
    text = number.strip()
    digits = digits_key(text)
    if not (digits.isascii() and digits.isdigit() and len(digits) <= MAX_NUMBER_DIGITS):
        raise EimsValidationError(field, "invalid_number", number)
    return text


def check_message_type(sms_type: int, mms_title: str | None) -> None:
    """Refuse an unknown message type, and an MMS without a title."""
    if sms_type not in tuple(SmsType):
        raise EimsValidationError("sms_type", "invalid_sms_type", sms_type)
    if sms_type == SmsType.MMS and not mms_title:
        raise EimsValidationError("mms_title", "required")
