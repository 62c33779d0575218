"""Checks on values before they are sent: numbers and message types."""

from __future__ import annotations

from .exceptions import EimsValidationError
from .models import SmsType

MAX_NUMBER_DIGITS = 32


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
