"""Tests for text cut to fit: characters to read, SMS segments, long lists."""

from __future__ import annotations

from custom_components.eims.segments import SegmentInfo, count_segments
from custom_components.eims.text import listing, one_line, shorten, shorten_to_segments


def test_shorten() -> None:
    """A text cut to its length ends with "…", counted in the length; short ones stay."""
    assert shorten("short", 5) == "short"
    assert shorten("a few words here", 8) == "a few w…"
    assert shorten("a few words", 7) == "a few…"
    assert len(shorten("x" * 100, 40)) == 40


def test_shorten_to_segments() -> None:
    """A long answer fits its segments; the GSM-7 cut mark keeps plain text in GSM-7."""
    plain = "a" * 2000
    cut = shorten_to_segments(plain, 3)
    assert cut == "a" * (3 * 153 - 3) + "..."
    assert count_segments(cut) == SegmentInfo("GSM-7", 459, 3)
    emoji = "😀" * 300
    cut = shorten_to_segments(emoji, 3)
    assert count_segments(cut).segments == 3
    assert cut.endswith("...")
    assert shorten_to_segments("short", 1) == "short"
    assert shorten_to_segments("word " * 100, 1) == ("word " * 32)[:157] + "..."


def test_listing() -> None:
    """Ten items are named; more are counted."""
    assert listing([]) == ""
    assert listing(["a", "b"]) == "a, b"
    assert listing(list(range(12))) == "0, 1, 2, 3, 4, 5, 6, 7, 8, 9 (+2)"


def test_one_line() -> None:
    """Runs of blanks and line breaks become one space."""
    assert one_line(" a\n\n b\tc ") == "a b c"
