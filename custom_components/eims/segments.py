"""How many SMS segments a text costs, in the GSM 03.38 alphabet or in UCS-2."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

# 3GPP TS 23.038 default alphabet, in table order; 0x1B (the escape to the extension table) left out.
GSM7_BASIC: Final = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
    " !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Extension table: each is sent as the escape septet followed by its own, so it costs 2 septets.
GSM7_EXTENSION: Final = frozenset("\f^{}\\[~]|€")

GSM7_SINGLE: Final = 160
# Concatenated segments lose room to the user data header: 7 septets (GSM-7) or 3 units (UCS-2).
GSM7_MULTI: Final = 153
UCS2_SINGLE: Final = 70
UCS2_MULTI: Final = 67

type SmsEncoding = Literal["GSM-7", "UCS-2"]

_GSM7: Final = GSM7_BASIC | GSM7_EXTENSION
# Code points above the BMP take a UTF-16 surrogate pair.
_BMP_MAX: Final = 0xFFFF


@dataclass(frozen=True, slots=True)
class SegmentInfo:
    """The encoding a text needs, its length in that encoding's units and its segment count."""

    encoding: SmsEncoding
    characters: int
    segments: int


def count_segments(text: str) -> SegmentInfo:
    """
    Return what sending `text` costs.

    GSM-7 when every character is in the default alphabet or its extension table (extension
    characters count 2 septets), UCS-2 otherwise (counted in UTF-16 code units, so emoji count 2).
    One segment holds 160 septets or 70 units; a longer text is split into segments of 153 septets
    or 67 units, never between an escape and its character nor inside a surrogate pair, so the
    count comes from walking the text. An empty text costs 0 segments.
    """
    if _GSM7.issuperset(text):
        costs = [2 if char in GSM7_EXTENSION else 1 for char in text]
        return _segment_info("GSM-7", costs, GSM7_SINGLE, GSM7_MULTI)
    costs = [2 if ord(char) > _BMP_MAX else 1 for char in text]
    return _segment_info("UCS-2", costs, UCS2_SINGLE, UCS2_MULTI)


def non_gsm7_characters(text: str) -> list[str]:
    """Return the characters of `text` outside the GSM-7 alphabet, each once, in order."""
    return list(dict.fromkeys(char for char in text if char not in _GSM7))


def _segment_info(
    encoding: SmsEncoding, costs: list[int], single: int, multi: int
) -> SegmentInfo:
    """Count segments of characters costing 1 or 2 units, a character never split between two."""
    length = sum(costs)
    if length <= single:
        return SegmentInfo(encoding, length, 1 if length else 0)
    segments, used = 1, 0
    for cost in costs:
        if used + cost > multi:
            segments += 1
            used = 0
        used += cost
    return SegmentInfo(encoding, length, segments)
