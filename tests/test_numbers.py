"""Tests for splitting, validating, normalising and masking recipients' numbers."""

from __future__ import annotations

import re
import threading
from unittest.mock import patch

from homeassistant.core import HomeAssistant
from hypothesis import given, strategies as st
import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType
from phonenumbers.phonemetadata import PhoneMetadata
import pytest

from custom_components.eims import numbers
from custom_components.eims.numbers import (
    NumberReading,
    ParsedNumbers,
    async_parse,
    is_emergency_number,
    mask_number,
    normalise_number,
    normalise_numbers,
    read_numbers,
    split_numbers,
)

# libphonenumber's own example number of every region and type: real, varied number plans.
EXAMPLES = [
    (region, example)
    for region in sorted(phonenumbers.SUPPORTED_REGIONS)
    for number_type in (
        PhoneNumberType.MOBILE,
        PhoneNumberType.FIXED_LINE,
        PhoneNumberType.TOLL_FREE,
        PhoneNumberType.VOIP,
    )
    if (example := phonenumbers.example_number_for_type(region, number_type))
    is not None
]
FORMATS = [
    PhoneNumberFormat.E164,
    PhoneNumberFormat.INTERNATIONAL,
    PhoneNumberFormat.NATIONAL,
]
COUNTRIES = st.sampled_from([None, *sorted(phonenumbers.SUPPORTED_REGIONS)])
SEPARATORS = st.sampled_from([" ", "-", ".", "(", ")", "\t", "\u00a0"])


@pytest.mark.parametrize(
    ("number", "country", "expected"),
    [
        ("+44 7911 123456", None, "+447911123456"),
        ("+447911123456", "US", "+447911123456"),
        ("07911 123456", "GB", "+447911123456"),
        ("07911 123456", "gb", "+447911123456"),
        ("(+44) 7911-123-456", None, "+447911123456"),
        ("0044 7911 123456", None, "+447911123456"),
        ("0044.7911.123456", "US", "+447911123456"),
        ("011 44 7911 123456", "US", "+447911123456"),
        ("447911123456", "GB", "+447911123456"),
        ("(201) 555-0123", "US", "+12015550123"),
        ("+1 201.555.0123", None, "+12015550123"),
        ("01512 3456789", "DE", "+4915123456789"),
        ("030 123456", "DE", "+4930123456"),
        ("+49 30 123456", "CN", "+4930123456"),
        ("131 2345 6789", "CN", "+8613123456789"),
        ("+86 10 1234 5678", None, "+861012345678"),
        ("0086 131 2345 6789", "GB", "+8613123456789"),
        ("20123456", "DK", "+4520123456"),
        ("10010", None, "10010"),
        ("10010", "CN", "10010"),
        ("1008611", "CN", "1008611"),
        ("100 10", "GB", "10010"),
        ("112", None, "112"),
        ("12345678", None, "12345678"),
    ],
)
@pytest.mark.parametrize("plus", [True, False])
def test_normalise_valid(
    number: str, country: str | None, expected: str, plus: bool
) -> None:
    assert normalise_number(number, country=country, plus=plus) == (
        expected if plus else expected.removeprefix("+")
    )


@pytest.mark.parametrize(
    ("number", "country"),
    [
        ("07911 123456", None),
        ("447911123456", None),
        ("(201) 555-0123", None),
        ("07911 123456", "XX"),
        ("131 2345 6789", "GB"),
        ("+44 7911 12345", None),
        ("+44 7911 1234567", None),
        ("+999 123 456 789", None),
        ("+44 7911 123456 ext. 12", None),
        ("+44+7911123456", None),
        ("7911+123456", "GB"),
        ("1-800-FLOWERS", "US"),
        ("\uff10\uff17\uff19\uff11\uff11\uff11\uff12\uff13\uff14\uff15\uff16", "GB"),
        ("garbage", "GB"),
        ("", "GB"),
        ("+", None),
        ("()", "GB"),
        ("00", None),
        ("12", None),
        ("123456789", None),
        ("1" * 300, "GB"),
    ],
)
@pytest.mark.parametrize("plus", [True, False])
def test_normalise_invalid(number: str, country: str | None, plus: bool) -> None:
    assert normalise_number(number, country=country, plus=plus) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", []),
        (" , ;\n", []),
        ("+447911123456", ["+447911123456"]),
        (
            " +44 7911 123456,07911 123456;10010\n\n0044 7911 123456\r\n(201) 555-0123 ",
            [
                "+44 7911 123456",
                "07911 123456",
                "10010",
                "0044 7911 123456",
                "(201) 555-0123",
            ],
        ),
        ("13123456789\uff0c10010\uff1b1008611", ["13123456789", "10010", "1008611"]),
        ([], []),
        (["+44 7911 123456", "  ", " 10010 "], ["+44 7911 123456", "10010"]),
        (("10010, 1008611", "112"), ["10010", "1008611", "112"]),
    ],
)
def test_split_numbers(
    value: str | list[str] | tuple[str, ...], expected: list[str]
) -> None:
    assert split_numbers(value) == expected


def test_normalise_numbers_orders_and_deduplicates() -> None:
    parsed = normalise_numbers(
        "07911 123456; bad, 10010\n+44 7911 123456, 0044-7911-123456, +1 (201) 555-01234,"
        " 131 2345 6789, 100 10, bad, Bad, 447911123456",
        country="GB",
        plus=True,
    )

    assert parsed == ParsedNumbers(
        valid=["+447911123456", "10010"],
        invalid=["bad", "+1 (201) 555-01234", "131 2345 6789", "Bad"],
    )


@pytest.mark.parametrize(
    ("country", "plus", "expected"),
    [
        (
            None,
            True,
            ParsedNumbers(
                valid=["+447911123456", "+12015550123", "10010"],
                invalid=["07911 123456"],
            ),
        ),
        (
            "GB",
            False,
            ParsedNumbers(valid=["447911123456", "12015550123", "10010"], invalid=[]),
        ),
    ],
)
def test_normalise_numbers_from_list(
    country: str | None, plus: bool, expected: ParsedNumbers
) -> None:
    value = [
        "+44 7911 123456",
        "+1 (201) 555-0123, 07911 123456",
        "10010",
        "00447911123456",
    ]

    assert normalise_numbers(value, country=country, plus=plus) == expected


def test_normalise_numbers_empty() -> None:
    assert normalise_numbers("", country="GB", plus=True) == ParsedNumbers(
        valid=[], invalid=[]
    )


def test_parsing_is_cached_per_unique_number() -> None:
    numbers._normalise.cache_clear()
    entries = [
        "+44 7911 123456",
        "+447911123456",
        "07911 123456",
        "garbage",
        "10010",
    ] * 1000

    with patch.object(phonenumbers, "parse", wraps=phonenumbers.parse) as parse:
        parsed = normalise_numbers(entries, country="GB", plus=True)

    assert parsed == ParsedNumbers(
        valid=["+447911123456", "10010"], invalid=["garbage"]
    )
    # "+44 7911 123456" and "+447911123456" share one parse; "garbage" never reaches it.
    assert parse.call_count == 3


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("+447911123456", "+447*******56"),
        ("+44 7911 123456", "+447*******56"),
        ("447911123456", "447*******56"),
        ("+8613123456789", "+861********89"),
        ("123456", "123*56"),
        ("10010", "*****"),
        ("112", "***"),
        ("+", "+"),
        ("", ""),
    ],
)
def test_mask_number(number: str, expected: str) -> None:
    assert mask_number(number) == expected


@given(example=st.sampled_from(EXAMPLES), number_format=st.sampled_from(FORMATS))
def test_examples_normalise_to_e164(
    example: tuple[str, phonenumbers.PhoneNumber], number_format: int
) -> None:
    region, number = example
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)

    assert (
        normalise_number(
            phonenumbers.format_number(number, number_format), country=region, plus=True
        )
        == e164
    )


@given(
    number=st.one_of(
        st.sampled_from(EXAMPLES).map(
            lambda example: phonenumbers.format_number(
                example[1], PhoneNumberFormat.NATIONAL
            )
        ),
        st.text(alphabet="0123456789+ -().", max_size=20),
    ),
    country=COUNTRIES,
)
def test_normalise_is_idempotent(number: str, country: str | None) -> None:
    normalised = normalise_number(number, country=country, plus=True)

    if normalised is not None:
        assert normalise_number(normalised, country=country, plus=True) == normalised
        assert normalise_number(
            number, country=country, plus=False
        ) == normalised.removeprefix("+")
    if normalised is not None and normalised.startswith("+"):
        # E.164 needs no country: the same number whatever the country.
        assert normalise_number(normalised, country=None, plus=True) == normalised


@given(example=st.sampled_from(EXAMPLES), data=st.data())
def test_formatting_is_ignored(
    example: tuple[str, phonenumbers.PhoneNumber], data: st.DataObject
) -> None:
    region, number = example
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    spaced = "".join(char + data.draw(st.text(SEPARATORS, max_size=2)) for char in e164)

    assert normalise_number(spaced, country=region, plus=True) == e164


@st.composite
def written_numbers(draw: st.DrawFn) -> tuple[list[str], str | None]:
    """Example numbers, each in one of the formats, and a country (or none) to read them in."""
    entries = draw(st.lists(st.sampled_from(EXAMPLES), max_size=20))
    formatted = [
        phonenumbers.format_number(number, draw(st.sampled_from(FORMATS)))
        for _, number in entries
    ]
    return formatted, draw(COUNTRIES)


@given(written=written_numbers())
def test_normalise_numbers_is_split_then_each(
    written: tuple[list[str], str | None],
) -> None:
    formatted, country = written

    parsed = normalise_numbers(", ".join(formatted), country=country, plus=True)

    each = [normalise_number(entry, country=country, plus=True) for entry in formatted]
    assert parsed.valid == list(
        dict.fromkeys(number for number in each if number is not None)
    )
    assert parsed.invalid == list(
        dict.fromkeys(
            entry
            for entry, number in zip(formatted, each, strict=True)
            if number is None
        )
    )


def test_read_numbers_in_a_country() -> None:
    """Each valid spelling once, as read in the country; invalid entries left out."""
    readings = read_numbers(
        ["07400 123456, 12345", "+31 6 12345678", "call me", "07400 123456"],
        country="gb",
    )
    assert readings == [
        NumberReading(
            "07400 123456", "+447400123456", "+44 7400 123456", "GB", national=True
        ),
        NumberReading("12345", "12345", "12345", None, national=False),
        NumberReading(
            "+31 6 12345678", "+31612345678", "+31 6 12345678", "NL", national=False
        ),
    ]
    assert [reading.is_short_code for reading in readings] == [False, True, False]


@pytest.mark.parametrize(
    ("written", "country", "region", "national"),
    [
        # A Guernsey mobile, dialled nationally in the United Kingdom.
        ("07911 123456", "GB", "GG", True),
        # One numbering plan, two countries: a Canadian number in the US.
        ("+1 416 555 0123", "US", "CA", True),
        # A toll-free number valid in Canada too is read as Canada's.
        ("1 800 555 0123", "CA", "CA", True),
        # No country: every phone number was written internationally.
        ("+31 6 12345678", None, "NL", True),
        # +800 is a number of no country: national nowhere.
        ("+800 1234 5678", "NL", None, False),
        ("0612345", "NL", None, False),
    ],
)
def test_read_number_region(
    written: str, country: str | None, region: str | None, national: bool
) -> None:
    """The region shown is the number's own; national is its country's numbering plan."""
    (reading,) = read_numbers(written, country=country)
    assert (reading.region, reading.national) == (region, national)
    assert reading.number == normalise_number(written, country=country, plus=True)


@given(written=written_numbers())
def test_read_numbers_reads_as_normalise_numbers(
    written: tuple[list[str], str | None],
) -> None:
    """A reading's number is what the recipient saves; a phone number shows as written abroad."""
    formatted, country = written

    readings = read_numbers(formatted, country=country)

    parsed = normalise_numbers(formatted, country=country, plus=True)
    assert list(dict.fromkeys(reading.number for reading in readings)) == parsed.valid
    for reading in readings:
        if not reading.is_short_code:
            assert reading.shown == phonenumbers.format_number(
                phonenumbers.parse(reading.number),
                PhoneNumberFormat.INTERNATIONAL,
            )


async def test_async_parse_reads_in_the_executor_with_home_assistant_s_country(
    hass: HomeAssistant,
) -> None:
    """Parsing gets Home Assistant's country and runs off the event loop's thread."""
    hass.config.country = "GB"
    loop_thread = threading.get_ident()

    def parse(country: str | None) -> tuple[str | None, bool]:
        return country, threading.get_ident() != loop_thread

    assert await async_parse(hass, parse) == ("GB", True)
    parsed = await async_parse(
        hass,
        lambda country: normalise_numbers("07911 123456", country=country, plus=True),
    )
    assert parsed.valid == ["+447911123456"]


@pytest.mark.parametrize(
    ("number", "country", "emergency"),
    [
        ("112", "DE", True),
        ("1 1 2", "GB", True),
        ("999", "GB", True),
        ("911", "US", True),
        ("110", "CN", True),
        ("911", "GB", False),
        ("10086", "CN", False),
        ("10010", "GB", False),
        # The number's own country, whatever Home Assistant's.
        ("+49 112", "GB", True),
        ("0049 112", None, True),
        ("+1 911", "CN", True),
        ("+49 113", "DE", False),
        # Without a country, a short code that is one anywhere.
        ("112", None, True),
        ("000", None, True),
        ("10010", None, False),
        ("+", "GB", False),
        ("call 112", "GB", False),
        ("+447911123456", "GB", False),
    ],
)
def test_is_emergency_number(number: str, country: str | None, emergency: bool) -> None:
    """libphonenumber's short-number data decides, in the number's or Home Assistant's country."""
    assert is_emergency_number(number, country=country) is emergency


@pytest.mark.parametrize("plus", [True, False])
def test_emergency_numbers_are_invalid(plus: bool) -> None:
    """Emergency numbers are never valid recipients; they are listed as such, as written."""
    parsed = normalise_numbers(
        ["999", "07911 123456", "+49 112", "bad", "10010", "999"],
        country="GB",
        plus=plus,
    )
    mum = "+447911123456" if plus else "447911123456"
    assert parsed == ParsedNumbers(
        valid=[mum, "10010"],
        invalid=["999", "+49 112", "bad"],
        emergency=["999", "+49 112"],
    )


def test_no_phone_number_is_an_emergency_number() -> None:
    """
    No valid phone number is an emergency number of its own country in libphonenumber's data.

    `normalise_numbers` relies on it to look up only short codes and what is no number.
    """
    checked = 0
    for region in phonenumbers.SUPPORTED_SHORT_REGIONS:
        emergency = PhoneMetadata.short_metadata_for_region(region).emergency
        metadata = PhoneMetadata.metadata_for_region(region)
        if emergency is None or metadata is None:
            continue
        pattern = re.compile(emergency.national_number_pattern)
        lengths = set(emergency.possible_length) & set(
            metadata.general_desc.possible_length
        )
        for length in lengths:
            for index in range(10**length):
                digits = f"{index:0{length}d}"
                if pattern.fullmatch(digits):
                    checked += 1
                    number = phonenumbers.parse(digits, region)
                    assert not phonenumbers.is_valid_number(number), (region, digits)
    assert checked > 0
