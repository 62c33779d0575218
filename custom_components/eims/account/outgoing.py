"""
A message to send as the user gave it, and the checks it passes before anything is sent.

Text, numbers and send time are refused here with a translated error; `send` sends
what passed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry, ConfigSubentry
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from ..const import (
    CONF_MESSAGE_TYPE,
    CONF_NUMBER_FORMAT,
    CONF_NUMBERS,
    CONF_SENDER,
    MESSAGE_TYPE_MMS,
    NUMBER_FORMAT_PLUS,
    SUBENTRY_DEVICE,
)
from ..errors import validation_error
from ..numbers import ParsedNumbers, async_parse, normalise_numbers
from ..segments import SegmentInfo, count_segments, non_gsm7_characters
from ..text import listing

MAX_MESSAGE_LENGTH: Final = 1024


@dataclass(frozen=True, kw_only=True)
class OutgoingMessage:
    """A text to send and to whom, as the user gave it."""

    numbers: str | Sequence[str]
    message: str
    sender: str | None = None
    mms_title: str | None = None
    send_time: datetime | None = None
    skip_invalid: bool = False
    # A device reads GSM-7 only: UCS-2 text is refused rather than sent.
    gsm7_only: bool = False
    # False for a question: asked again, it is sent again (the repeat guard is for loops).
    hold_repeats: bool = True


def check_message(message: str, *, gsm7_only: bool = False) -> SegmentInfo:
    """Refuse an empty or too long text (or not GSM-7 when required); return its cost."""
    if not message.strip():
        raise validation_error("empty_message")
    if len(message) > MAX_MESSAGE_LENGTH:
        raise validation_error(
            "message_too_long",
            length=str(len(message)),
            max=str(MAX_MESSAGE_LENGTH),
        )
    segments = count_segments(message)
    if gsm7_only and segments.encoding != "GSM-7":
        raise validation_error(
            "device_text_not_gsm7", characters=" ".join(non_gsm7_characters(message))
        )
    return segments


def as_aware(value: datetime) -> datetime:
    """Return `value` with a zone; a naive time is Home Assistant's local time."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt_util.get_default_time_zone())
    return value


def future_time(value: datetime) -> datetime:
    """Return `value` made aware, refusing a time that has passed."""
    aware = as_aware(value)
    if aware <= dt_util.utcnow():
        raise validation_error("time_in_past", time=aware.isoformat())
    return aware


async def async_parse_numbers(
    hass: HomeAssistant,
    entry: ConfigEntry[Any],
    numbers: str | Sequence[str],
    *,
    skip_invalid: bool = False,
) -> ParsedNumbers:
    """Return the numbers normalised; raise ServiceValidationError for invalid ones."""
    plus = (
        entry.options.get(CONF_NUMBER_FORMAT, NUMBER_FORMAT_PLUS) == NUMBER_FORMAT_PLUS
    )
    parsed = await async_parse(
        hass, lambda country: normalise_numbers(numbers, country=country, plus=plus)
    )
    if parsed.invalid and not (skip_invalid and parsed.valid):
        if parsed.emergency:
            raise validation_error(
                "emergency_numbers", numbers=listing(parsed.emergency)
            )
        raise validation_error(
            "invalid_numbers",
            numbers=listing(parsed.invalid),
            count=str(len(parsed.invalid)),
        )
    if not parsed.valid:
        raise validation_error("no_numbers")
    return parsed


@dataclass(frozen=True, kw_only=True)
class MessageOptions:
    """What a notification's `data` may set: the sender, an MMS title, a later send time."""

    sender: str | None = None
    mms_title: str | None = None
    send_time: datetime | None = None


def titled_message(
    numbers: str | Sequence[str],
    message: str,
    title: str | None,
    options: MessageOptions,
) -> OutgoingMessage:
    """Build a notification's message; an SMS has no title field, so it becomes the first line."""
    if title and not options.mms_title:
        message = f"{title}\n{message}"
    return OutgoingMessage(
        numbers=numbers,
        message=message,
        sender=options.sender,
        mms_title=options.mms_title,
        send_time=options.send_time,
    )


def recipient_message(
    subentry: ConfigSubentry,
    message: str,
    title: str | None,
    options: MessageOptions | None = None,
) -> OutgoingMessage:
    """Build the message to a recipient; an MMS is titled by `title` or the recipient."""
    data = subentry.data
    options = options or MessageOptions()
    if subentry.subentry_type == SUBENTRY_DEVICE:
        # A device's command goes byte for byte: no title line, no MMS.
        return OutgoingMessage(
            numbers=data[CONF_NUMBERS],
            message=message,
            sender=options.sender or data.get(CONF_SENDER) or None,
            send_time=options.send_time,
            gsm7_only=True,
        )
    mms_title = options.mms_title
    if mms_title is None and data.get(CONF_MESSAGE_TYPE) == MESSAGE_TYPE_MMS:
        mms_title = title or subentry.title
    return titled_message(
        data[CONF_NUMBERS],
        message,
        title,
        replace(
            options,
            sender=options.sender or data.get(CONF_SENDER) or None,
            mms_title=mms_title,
        ),
    )
