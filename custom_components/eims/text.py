"""
Texts cut to fit, the one owner of truncation: two budgets, two cut marks, and lists.

`shorten` cuts to a number of characters for people to read (diagnostics, logbook lines)
and marks the cut with "…". `shorten_to_segments` cuts a text about to be sent to what
the given number of SMS segments hold and marks the cut with "..." (GSM-7: the ellipsis
character is not in that alphabet and would turn the whole text into UCS-2, twice the
segments). `listing` names the first few items of a long list and counts the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from .segments import count_segments

CUT_MARK: Final = "…"
SMS_CUT_MARK: Final = "..."
# Error texts name this many numbers or ids, then say how many more there are.
_LISTED: Final = 10
# Enough to recognise a message in the logbook without filling it with the message.
EXCERPT_LENGTH: Final = 50


def shorten(text: str, length: int) -> str:
    """Return `text` cut to at most `length` characters, the last one a cut mark if cut."""
    if len(text) <= length:
        return text
    return text[: length - len(CUT_MARK)].rstrip() + CUT_MARK


def shorten_to_segments(text: str, segments: int) -> str:
    """Return `text`, or its longest start that fits in `segments` with the SMS cut mark."""
    if count_segments(text).segments <= segments:
        return text
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if count_segments(text[:middle].rstrip() + SMS_CUT_MARK).segments <= segments:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + SMS_CUT_MARK


def listing(items: Sequence[object]) -> str:
    """Return the first items comma-separated, and how many more there are."""
    text = ", ".join(str(item) for item in items[:_LISTED])
    if len(items) > _LISTED:
        text = f"{text} (+{len(items) - _LISTED})"
    return text


def one_line(text: str) -> str:
    """Return `text` with every run of blanks and line breaks made one space."""
    return " ".join(text.split())


def excerpt(text: str) -> str:
    """Return the start of a text on one line, with "…" when cut (logbook lines)."""
    return shorten(one_line(text), EXCERPT_LENGTH)
