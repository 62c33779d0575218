"""Reading and checking request parameters the way the gateway does."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import tzinfo
import re
from typing import Any

from .clock import parse_stamp
from .status import Status, StatusError

type Params = dict[str, Any]

MAX_CONTENT_LENGTH = 1024
_NUMBER = re.compile(r"\+?\d{3,20}")


def read_str(params: Params, key: str, status: Status = Status.OTHER) -> str:
    """Return a text parameter ("" when absent); numbers are accepted as their text."""
    value = params.get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise StatusError(status)
    return str(value)


def read_int(
    params: Params, key: str, default: int, status: Status = Status.OTHER
) -> int:
    """Return an integer parameter, or `default` when it is absent."""
    value = read_opt_int(params, key, status)
    return default if value is None else value


def read_opt_int(params: Params, key: str, status: Status = Status.OTHER) -> int | None:
    """Return an integer parameter given as a JSON number or as digits, None when absent."""
    value = params.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise StatusError(status)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    raise StatusError(status)


def split_list(value: Any, status: Status) -> list[str]:
    """Split a comma-separated string (or accept a JSON list) into stripped items."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [item.strip() for item in value.split(",")]
    if isinstance(value, int) and not isinstance(value, bool):
        return [str(value)]
    if isinstance(value, list) and all(
        isinstance(item, str | int) and not isinstance(item, bool) for item in value
    ):
        return [str(item).strip() for item in value]
    raise StatusError(status)


def parse_numbers(value: Any, limit: int) -> list[str]:
    """Return the numbers' digits; -8 when none, -7 over `limit`, -9 when one is malformed."""
    numbers = split_list(value, Status.BAD_NUMBER)
    if not numbers:
        raise StatusError(Status.NUMBERS_EMPTY)
    if len(numbers) > limit:
        raise StatusError(Status.TOO_MANY)
    if not all(_NUMBER.fullmatch(number) for number in numbers):
        raise StatusError(Status.BAD_NUMBER)
    return [number.removeprefix("+") for number in numbers]


def check_content(content: str, sensitive_words: Iterable[str], unit: str) -> None:
    """Refuse empty (-4), too long (-5) or sensitive (-3) content."""
    if not content:
        raise StatusError(Status.CONTENT_EMPTY)
    length = len(content.encode()) if unit == "bytes" else len(content)
    if length > MAX_CONTENT_LENGTH:
        raise StatusError(Status.CONTENT_TOO_LONG)
    folded = content.casefold()
    if any(word and word.casefold() in folded for word in sensitive_words):
        raise StatusError(Status.SENSITIVE)


def parse_sendtime(value: Any, tz: tzinfo) -> float | None:
    """Return the scheduled unix time of a yyyyMMddHHmmss `sendtime`; -11 when malformed."""
    if value is None or value == "":
        return None
    try:
        return parse_stamp(str(value), tz)
    except ValueError:
        raise StatusError(Status.BAD_TIME) from None
