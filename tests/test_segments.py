"""Tests for counting the SMS segments a text costs."""

from __future__ import annotations

from math import ceil

from hypothesis import given, strategies as st
import pytest

from custom_components.eims.segments import (
    GSM7_BASIC,
    GSM7_EXTENSION,
    GSM7_MULTI,
    GSM7_SINGLE,
    UCS2_MULTI,
    UCS2_SINGLE,
    SegmentInfo,
    count_segments,
)

EURO = "\u20ac"
ZHE = "\u0436"  # Cyrillic, outside GSM-7, one UTF-16 unit
EMOJI = "\U0001f600"  # outside the BMP: a surrogate pair, two UTF-16 units

GSM7_TEXT = st.text(alphabet=sorted(GSM7_BASIC | GSM7_EXTENSION), max_size=700)
ANY_TEXT = st.one_of(GSM7_TEXT, st.text(max_size=400))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", SegmentInfo("GSM-7", 0, 0)),
        ("Hello", SegmentInfo("GSM-7", 5, 1)),
        ("Price: 5" + EURO, SegmentInfo("GSM-7", 10, 1)),
        ("{[~]}|^\\\f", SegmentInfo("GSM-7", 18, 1)),
        (
            "@\u00a3$\u00a5\u00e8\u00e9\u00f9\u00ec\u00f2\u00c7\n\r\u0394\u00df",
            SegmentInfo("GSM-7", 14, 1),
        ),
        ("a" * 160, SegmentInfo("GSM-7", 160, 1)),
        ("a" * 161, SegmentInfo("GSM-7", 161, 2)),
        ("a" * 153 * 2, SegmentInfo("GSM-7", 306, 2)),
        ("a" * (153 * 2 + 1), SegmentInfo("GSM-7", 307, 3)),
        ("a" * 159 + EURO, SegmentInfo("GSM-7", 161, 2)),
        (EURO * 80, SegmentInfo("GSM-7", 160, 1)),
        (EURO * 81, SegmentInfo("GSM-7", 162, 2)),
        (EURO * 153, SegmentInfo("GSM-7", 306, 3)),
        # The escape char at position 153 does not fit in the first segment's last septet.
        ("a" * 152 + EURO + "a" * 152, SegmentInfo("GSM-7", 306, 3)),
        ("a" * 151 + EURO + "a" * 153, SegmentInfo("GSM-7", 306, 2)),
        ("a" * 153 + EURO + "a" * 151, SegmentInfo("GSM-7", 306, 2)),
        ("\u00e7", SegmentInfo("UCS-2", 1, 1)),
        ("Caf\u00e9 \u2013 \u2019ok\u2019", SegmentInfo("UCS-2", 11, 1)),
        ("\x1b", SegmentInfo("UCS-2", 1, 1)),
        ("\u4f60\u597d", SegmentInfo("UCS-2", 2, 1)),
        (ZHE * 70, SegmentInfo("UCS-2", 70, 1)),
        (ZHE * 71, SegmentInfo("UCS-2", 71, 2)),
        (ZHE * 67 * 2, SegmentInfo("UCS-2", 134, 2)),
        (ZHE * (67 * 2 + 1), SegmentInfo("UCS-2", 135, 3)),
        ("a" + EMOJI, SegmentInfo("UCS-2", 3, 1)),
        (EMOJI * 35, SegmentInfo("UCS-2", 70, 1)),
        (EMOJI * 36, SegmentInfo("UCS-2", 72, 2)),
        ("a" * 69 + EMOJI, SegmentInfo("UCS-2", 71, 2)),
        # Extension chars cost 1 unit in UCS-2: only a text's GSM-7 form counts them twice.
        (EURO * 69 + ZHE, SegmentInfo("UCS-2", 70, 1)),
        # A surrogate pair at units 67 and 68 moves whole to the second segment.
        (ZHE * 66 + EMOJI + ZHE * 66, SegmentInfo("UCS-2", 134, 3)),
        (ZHE * 65 + EMOJI + ZHE * 67, SegmentInfo("UCS-2", 134, 2)),
    ],
)
def test_count_segments(text: str, expected: SegmentInfo) -> None:
    assert count_segments(text) == expected


def test_gsm7_tables() -> None:
    # 128 code points minus the escape; the extension table's printable characters.
    assert len(GSM7_BASIC) == 127
    assert set(GSM7_EXTENSION) == set("\f^{}\\[~]|" + EURO)
    assert not GSM7_BASIC & GSM7_EXTENSION


@pytest.mark.parametrize("char", sorted(GSM7_BASIC))
def test_basic_characters_cost_one_septet(char: str) -> None:
    assert count_segments(char * 160) == SegmentInfo("GSM-7", 160, 1)


@pytest.mark.parametrize("char", sorted(GSM7_EXTENSION))
def test_extension_characters_cost_two_septets(char: str) -> None:
    assert count_segments(char * 80) == SegmentInfo("GSM-7", 160, 1)
    assert count_segments(char * 81) == SegmentInfo("GSM-7", 162, 2)


@given(text=ANY_TEXT, suffix=ANY_TEXT)
def test_segments_grow_with_the_text(text: str, suffix: str) -> None:
    shorter, longer = count_segments(text), count_segments(text + suffix)

    assert longer.segments >= shorter.segments
    assert (
        longer.characters >= shorter.characters or longer.encoding != shorter.encoding
    )


@given(text=ANY_TEXT)
def test_segments_hold_their_capacity_less_at_most_one_unit(text: str) -> None:
    info = count_segments(text)
    single, multi = (
        (GSM7_SINGLE, GSM7_MULTI)
        if info.encoding == "GSM-7"
        else (UCS2_SINGLE, UCS2_MULTI)
    )

    if info.characters <= single:
        assert info.segments == (1 if text else 0)
    else:
        # A two-unit character that does not fit leaves at most one unit of a segment empty.
        assert (
            ceil(info.characters / multi)
            <= info.segments
            <= (info.characters - 1) // (multi - 1) + 1
        )


@given(
    count=st.integers(min_value=0, max_value=1000),
    char=st.sampled_from(sorted(GSM7_EXTENSION)),
)
def test_escape_pairs_are_never_split(count: int, char: str) -> None:
    info = count_segments(char * count)

    # 153 septets hold 76 escape pairs; one septet stays empty.
    expected = ceil(count / 76) if 2 * count > GSM7_SINGLE else min(count, 1)
    assert info == SegmentInfo("GSM-7", 2 * count, expected)


@given(count=st.integers(min_value=1, max_value=600))
def test_surrogate_pairs_are_never_split(count: int) -> None:
    info = count_segments(EMOJI * count)

    # 67 units hold 33 surrogate pairs; one unit stays empty.
    expected = ceil(count / 33) if 2 * count > UCS2_SINGLE else 1
    assert info == SegmentInfo("UCS-2", 2 * count, expected)


@given(
    before=st.integers(min_value=0, max_value=700),
    after=st.integers(min_value=0, max_value=700),
)
def test_one_pair_anywhere(before: int, after: int) -> None:
    gsm7 = count_segments("a" * before + EURO + "a" * after)
    ucs2 = count_segments(ZHE * before + EMOJI + ZHE * after)

    length = before + 2 + after
    # The pair straddles a boundary only when it starts on a segment's last unit: then it moves on.
    gsm7_units = length + (before % GSM7_MULTI == GSM7_MULTI - 1)
    ucs2_units = length + (before % UCS2_MULTI == UCS2_MULTI - 1)
    assert gsm7 == SegmentInfo(
        "GSM-7", length, 1 if length <= GSM7_SINGLE else ceil(gsm7_units / GSM7_MULTI)
    )
    assert ucs2 == SegmentInfo(
        "UCS-2", length, 1 if length <= UCS2_SINGLE else ceil(ucs2_units / UCS2_MULTI)
    )
