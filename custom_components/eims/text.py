"""Texts cut to fit: Assist's answers, diagnostics and logbook lines."""

from __future__ import annotations

from typing import Final

CUT_MARK: Final = "…"


def shorten(text: str, length: int) -> str:
    """Return `text` cut to at most `length` characters, the last one a cut mark if cut."""
    if len(text) <= length:
        return text
    return text[: length - len(CUT_MARK)].rstrip() + CUT_MARK


def one_line(text: str) -> str:
    """Return `text` with every run of blanks and line breaks made one space."""
    return " ".join(text.split())
