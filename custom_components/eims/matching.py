"""How automations recognise an SMS: one spelling per sender, its first words, a reply's choice."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
import re
from typing import Final

from .numbers import normalise_number

_WORD: Final = re.compile(r"\S+")
_E164: Final = re.compile(r"\+[1-9][0-9]{6,14}")
# Punctuation around a word is not part of it: "Close!" is "close", "(1)" is "1".
_AROUND_WORD: Final = ".,;:!?¡¿'\"()[]{}<>«»“”\u2018\u2019…-"


def sender_key(sender: str, *, country: str | None) -> str:
    """
    Return one spelling for every way of writing a sender.

    "+44 7911 123456", "07911 123456" (in the United Kingdom) and "447911123456" all give
    "+447911123456"; a short code gives its digits; anything else (an alphanumeric sender ID,
    a recipient's name) gives its text, case-folded.
    """
    text = sender.strip()
    if _E164.fullmatch(text):
        # Already one spelling (the inbox and the recipients store numbers so): no parsing.
        return text
    normalised = normalise_number(text, country=country, plus=True)
    if normalised is None and text.isdigit():
        # Bare digits the gateway left without their "+".
        normalised = normalise_number(f"+{text}", country=None, plus=True)
    return normalised or text.casefold()


def _word(raw: str) -> str:
    return raw.strip(_AROUND_WORD).casefold()


def phrase_words(phrase: str) -> tuple[str, ...]:
    """Return a keyword's words as they are compared: case-folded, without punctuation."""
    return tuple(word for raw in phrase.split() if (word := _word(raw)))


def match_keyword(text: str, keywords: Iterable[str]) -> tuple[str, str] | None:
    """
    Return the keyword `text` starts with and the rest of the text, or None.

    A keyword is one word or several ("garage close"), compared word by word without case
    or punctuation; the longest keyword that matches wins.
    """
    words = list(_WORD.finditer(text))
    by_length = sorted(
        ((keyword, phrase_words(keyword)) for keyword in keywords),
        key=lambda item: len(item[1]),
        reverse=True,
    )
    for keyword, wanted in by_length:
        if not wanted or len(wanted) > len(words):
            continue
        if all(_word(words[i].group()) == wanted[i] for i in range(len(wanted))):
            return keyword, text[words[len(wanted) - 1].end() :].strip()
    return None


def first_word(text: str) -> str | None:
    """Return the first word of a text as keywords compare it, or None for an empty text."""
    for raw in _WORD.findall(text):
        if word := _word(raw):
            return word
    return None


def match_choice(text: str, choices: Mapping[str, str]) -> str | None:
    """
    Return the choice a reply picks, or None.

    `choices` maps what the recipient may text to what it means ({"1": "disarm"}); the
    meaning itself is accepted too, so "1" and "disarm" both answer "disarm".
    """
    meanings: dict[tuple[str, ...], str] = {}
    for reply, meaning in (*((m, m) for m in choices.values()), *choices.items()):
        meanings[phrase_words(reply)] = meaning
    matched = match_keyword(text, [" ".join(words) for words in meanings])
    return None if matched is None else meanings[phrase_words(matched[0])]
