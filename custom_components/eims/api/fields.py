"""Typed readers for values in the gateway's JSON, raising EimsResponseError on anything else."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any

from .exceptions import EimsResponseError
from .times import parse_gateway_time

_MAX_DIGITS = 40


def as_int(value: object, name: str) -> int:
    """Read an int, or a string of one (the texts call some ints "numeric characters")."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip()
        digits = text.removeprefix("-")
        if digits.isascii() and digits.isdigit() and len(digits) <= _MAX_DIGITS:
            return int(text)
    raise EimsResponseError(f"{name} is not an integer: {type(value).__name__}")


def as_number(value: object, name: str) -> str:
    """Read a phone number, sent as an int (v3.4) or a string (v3.5)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise EimsResponseError(f"{name} is not a number: {type(value).__name__}")


def is_int(value: object) -> bool:
    """Tell a JSON int from every other value (bool included)."""
    return isinstance(value, int) and not isinstance(value, bool)


def as_list(value: object, name: str) -> list[Any]:
    """Read a JSON array."""
    if isinstance(value, list):
        return value
    raise EimsResponseError(f"{name} is not an array: {type(value).__name__}")


def optional_int(data: Mapping[str, Any], key: str) -> int | None:
    """Read an optional int field; absent or null gives None."""
    value = data.get(key)
    return None if value is None else as_int(value, key)


def optional_gateway_time(value: object, tz: tzinfo, name: str) -> datetime | None:
    """Read a `yyyyMMddHHmmss` field where 0 or empty means "no time yet"."""
    if value in (0, "", "0", None) and not isinstance(value, bool):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise EimsResponseError(f"{name} is not a time: {type(value).__name__}")
    return parse_gateway_time(value, tz)
