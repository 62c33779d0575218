"""
Phone numbers: split, validated, normalised to E.164, read back, masked; parsed off the loop.

libphonenumber is imported by the functions that parse, which run in the executor: its
metadata (a third of the integration's import time) loads with the first number parsed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
import re
from typing import TYPE_CHECKING, Final, cast

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

# Commas and semicolons, ASCII or full-width (typed with a Chinese input method), and newlines.
_ENTRY_SEPARATORS: Final = re.compile(r"[,;\uff0c\uff1b\r\n]")
_FORMATTING: Final = re.compile(r"[\s\-.()]")
_DIALLABLE: Final = re.compile(r"\+?[0-9]+")
_SHORT_CODE: Final = re.compile(r"[0-9]{3,8}")
_NOT_DIGIT: Final = re.compile(r"[^0-9]")
_MASK_HEAD: Final = 3
_MASK_TAIL: Final = 2


@dataclass(frozen=True, slots=True)
class ParsedNumbers:
    """Recipients sorted into normalised valid numbers and the entries never to text."""

    valid: list[str]
    # Entries that are no phone number or short code, and emergency numbers.
    invalid: list[str]
    # The invalid entries that are emergency numbers, as written.
    emergency: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class NumberReading:
    """How one entry was read, to show the user before it is saved."""

    written: str
    # E.164 with "+" for a phone number, the digits of a short code.
    number: str
    # How a person writes it: international format for a phone number.
    shown: str
    # The phone number's country (ISO 3166 alpha-2), the given country when it is valid
    # there; None for a short code and for a number of no country (+800).
    region: str | None
    # A phone number of the given country's numbering plan (any phone number without a
    # country): +44 7911 123456 is one in GB though it is a Guernsey number.
    national: bool

    @property
    def is_short_code(self) -> bool:
        """Whether it was read as a short code rather than as a phone number."""
        return not self.number.startswith("+")


async def async_parse[T](hass: HomeAssistant, parse: Callable[[str | None], T]) -> T:
    """
    Return `parse(country)` worked out in the executor, `country` being Home Assistant's.

    libphonenumber is slow on long lists and reads a region's metadata from disk the first
    time it meets one: neither belongs in the event loop.
    """
    return await hass.async_add_executor_job(parse, hass.config.country)


def split_numbers(value: str | Sequence[str]) -> list[str]:
    """
    Return the entries of a list or of a text separated by commas, semicolons or newlines.

    Each list item is split the same way; blanks around entries and empty entries are dropped.
    """
    items = [value] if isinstance(value, str) else value
    return [
        entry
        for item in items
        for raw in _ENTRY_SEPARATORS.split(item)
        if (entry := raw.strip())
    ]


def normalise_numbers(
    value: str | Sequence[str], *, country: str | None, plus: bool
) -> ParsedNumbers:
    """
    Normalise every entry of `value` (see `split_numbers` and `normalise_number`).

    Valid numbers keep their input order and appear once, however they were written; invalid
    entries are kept as the user wrote them, in input order, each spelling once. An emergency
    number (see `is_emergency_number`) is invalid, and listed as an emergency number too.
    """
    valid: dict[str, None] = {}
    invalid: dict[str, None] = {}
    emergency: dict[str, None] = {}
    for entry in split_numbers(value):
        number = normalise_number(entry, country=country, plus=True)
        # No valid phone number is an emergency number in libphonenumber's data (a test
        # checks it): only short codes and what is no number are looked up.
        if (number is None or not number.startswith("+")) and is_emergency_number(
            entry, country=country
        ):
            emergency[entry] = invalid[entry] = None
        elif number is None:
            invalid[entry] = None
        else:
            valid[number if plus else number.removeprefix("+")] = None
    return ParsedNumbers(
        valid=list(valid), invalid=list(invalid), emergency=list(emergency)
    )


def is_emergency_number(number: str, *, country: str | None) -> bool:
    """
    Return whether `number` is an emergency number (libphonenumber's short-number data).

    An international number ("+49 112", "0049 112") is looked up in its own country; any
    other in `country`, or in every country when none is given: a short code reaches the
    service of the country the gateway sends from.
    """
    cleaned = _FORMATTING.sub("", number)
    if not _DIALLABLE.fullmatch(cleaned):
        return False
    return _is_emergency(cleaned, country.upper() if country else None)


def normalise_number(number: str, *, country: str | None, plus: bool) -> str | None:
    """
    Return `number` in E.164, with or without its leading "+", or None when it is invalid.

    Spaces, dashes, dots and parentheses are ignored; any other character makes it invalid.
    "+" or "00" starts an international number; "00" is accepted whatever `country` dials
    abroad with, and `country`'s own international prefix (011 in the US) works too. Any
    other number is national to `country` (ISO 3166 alpha-2): without a country, only
    international numbers are valid.

    Valid means `phonenumbers.is_valid_number`, or else 3 to 8 digits and nothing else: a
    short code (like "10010" in the gateway's samples), returned as its digits. A number
    valid in `country` wins over a short code: "20123456" is +4520123456 in Denmark.
    """
    cleaned = _FORMATTING.sub("", number)
    if not _DIALLABLE.fullmatch(cleaned):
        return None
    normalised = _normalise(cleaned, country.upper() if country else None)
    if normalised is None or plus:
        return normalised
    return normalised.removeprefix("+")


def read_numbers(
    value: str | Sequence[str], *, country: str | None
) -> list[NumberReading]:
    """
    Return how each valid entry of `value` was read, in input order, each spelling once.

    The entries are read as `normalise_number` reads them; invalid ones are left out.
    """
    region = country.upper() if country else None
    readings: list[NumberReading] = []
    for entry in dict.fromkeys(split_numbers(value)):
        number = normalise_number(entry, country=region, plus=True)
        if number is None:
            continue
        if number.startswith("+"):
            readings.append(_read_phone_number(entry, number, region))
        else:
            readings.append(NumberReading(entry, number, number, None, national=False))
    return readings


def _read_phone_number(written: str, number: str, country: str | None) -> NumberReading:
    """Return the reading of a valid phone number in E.164."""
    import phonenumbers

    parsed = phonenumbers.parse(number)
    if country and phonenumbers.is_valid_number_for_region(parsed, country):
        region: str | None = country
    else:
        region = phonenumbers.region_code_for_number(parsed)
    return NumberReading(
        written,
        number,
        phonenumbers.format_number(
            parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL
        ),
        # libphonenumber's region of numbers that belong to no country (+800, +882, ...).
        None if region == phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY else region,
        national=country is None
        or parsed.country_code == phonenumbers.country_code_for_region(country),
    )


def load_metadata(country: str | None) -> None:
    """Read the numbering plans of `country`'s calling code, so numbers of it parse at once."""
    import phonenumbers

    if country:
        code = phonenumbers.country_code_for_region(country)
        for region in phonenumbers.region_codes_for_country_code(code):
            phonenumbers.PhoneMetadata.metadata_for_region(region)


def digits_of(number: str) -> str:
    """Return the digits of a number, without an international "00" prefix."""
    digits = _NOT_DIGIT.sub("", number)
    return digits.removeprefix("00")


def mask_number(number: str) -> str:
    """
    Return `number` for logs and diagnostics: its first 3 and last 2 digits, the rest as "*".

    A leading "+" is kept and formatting dropped ("+447911123456" gives "+447*******56"); a
    number of 5 digits or fewer has nothing left to hide, so all its digits are masked.
    """
    digits = _NOT_DIGIT.sub("", number)
    sign = "+" if number.lstrip().startswith("+") else ""
    hidden = len(digits) - _MASK_HEAD - _MASK_TAIL
    if hidden <= 0:
        return sign + "*" * len(digits)
    return sign + digits[:_MASK_HEAD] + "*" * hidden + digits[-_MASK_TAIL:]


@lru_cache(maxsize=1024)
def _is_emergency(cleaned: str, region: str | None) -> bool:
    """Return whether a cleaned entry is an emergency number (see `is_emergency_number`)."""
    import phonenumbers

    if cleaned.startswith(("+", "00")) and _is_emergency_abroad(cleaned):
        return True
    # Also "000" (Australia's), which "00" does not make international; never a "+" number.
    regions = (region,) if region else phonenumbers.SUPPORTED_SHORT_REGIONS
    return any(phonenumbers.is_emergency_number(cleaned, each) for each in regions)


def _is_emergency_abroad(cleaned: str) -> bool:
    """Return whether an international entry is an emergency number of its own country."""
    import phonenumbers

    try:
        parsed = phonenumbers.parse(_international(cleaned))
    except phonenumbers.NumberParseException:
        return False
    digits = phonenumbers.national_significant_number(parsed)
    # A number parsed from international form always has its country code.
    country_code = cast("int", parsed.country_code)
    return any(
        phonenumbers.is_emergency_number(digits, each)
        for each in phonenumbers.region_codes_for_country_code(country_code)
    )


def _international(cleaned: str) -> str:
    """Return a cleaned entry with "00" in front written as "+"."""
    return "+" + cleaned[2:] if cleaned.startswith("00") else cleaned


# Bulk sends repeat the same recipients and libphonenumber parsing is the slow part.
@lru_cache(maxsize=16384)
def _normalise(cleaned: str, region: str | None) -> str | None:
    """Return the E.164 form (with "+") or the short code of a cleaned entry, or None."""
    import phonenumbers

    try:
        parsed = phonenumbers.parse(_international(cleaned), region)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is not None and phonenumbers.is_valid_number(parsed):
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    if _SHORT_CODE.fullmatch(cleaned):
        return cleaned
    return None
