"""How automations recognise an SMS: one spelling per sender, its first words, a pattern, a reply's choice."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
import re
from re import _parser  # type: ignore[attr-defined]  # re's own parser; typeshed has no stub
from typing import TYPE_CHECKING, Any, Final

from .numbers import normalise_number

if TYPE_CHECKING:
    import regex

_WORD: Final = re.compile(r"\S+")
_E164: Final = re.compile(r"\+[1-9][0-9]{6,14}")
# Punctuation around a word is not part of it: "Close!" is "close", "(1)" is "1".
_AROUND_WORD: Final = ".,;:!?¡¿'\"()[]{}<>«»“”\u2018\u2019…-"

# Characters a pattern may spell out, a repeated part once per repeat: `regex` writes each copy
# of a repeat's minimum out when it compiles, so `a{4294967294}` alone would take gigabytes.
PATTERN_MAX_SIZE: Final = 5_000
# Seconds one search may take; a slower one (catastrophic backtracking) gives up: no match.
SEARCH_TIMEOUT: Final = 0.25
_REPEATS: Final = frozenset(
    {_parser.MAX_REPEAT, _parser.MIN_REPEAT, _parser.POSSESSIVE_REPEAT}
)


class PatternError(ValueError):
    """A pattern that cannot be used, with the translation key that says why."""

    def __init__(self, key: str, **placeholders: str) -> None:
        """Keep the key and its placeholders."""
        super().__init__(key, placeholders)
        self.key = key
        self.placeholders = placeholders


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


def compile_pattern(text: str) -> regex.Pattern[str]:
    """
    Compile a trigger's pattern (Python's syntax) for `search_groups`.

    Raise PatternError when it is no regular expression or spells out more than
    PATTERN_MAX_SIZE characters.
    """
    too_large = PatternError("pattern_too_large", limit=f"{PATTERN_MAX_SIZE:,}")
    if len(text) > PATTERN_MAX_SIZE:
        raise too_large
    try:
        # Parsing alone writes nothing out: the size is known before `regex` compiles.
        size = _spelled_out(_parser.parse(text))
    except re.error as err:
        raise PatternError("invalid_pattern", error=str(err)) from err
    except RecursionError as err:
        raise PatternError("invalid_pattern", error="groups nested too deeply") from err
    if size > PATTERN_MAX_SIZE:
        raise too_large
    # Imported here, in the executor: it takes a few hundred ms, and most setups have no pattern.
    import regex

    try:
        return regex.compile(text)
    except regex.error as err:
        # Braces `re` reads as text can be `regex`'s fuzzy matching: "x{i" is no pattern there.
        raise PatternError("invalid_pattern", error=str(err)) from err


def _spelled_out(parsed: Any) -> int:
    """Count the items of a parsed pattern, those in a repeat once per copy compiled."""
    total = 0
    for operator, argument in parsed:
        if operator in _REPEATS:
            low, _high, item = argument
            total += max(low, 1) * _spelled_out(item)
        else:
            total += 1 + sum(_spelled_out(part) for part in _parts(argument))
    return total


def _parts(argument: Any) -> Iterator[Any]:
    """Yield the parsed patterns nested in an item's argument (a group's, a branch's)."""
    if isinstance(argument, _parser.SubPattern):
        yield argument
    elif isinstance(argument, tuple | list):
        for element in argument:
            yield from _parts(element)


def search_groups(
    pattern: regex.Pattern[str], text: str
) -> dict[str, str | None] | None:
    """
    Return the named groups of the pattern's first match in `text`, or None when none.

    Raise TimeoutError when the search takes longer than SEARCH_TIMEOUT. `regex` lets go of
    the GIL while it searches, so from an executor thread it never holds up the event loop.
    """
    match = pattern.search(text, timeout=SEARCH_TIMEOUT)
    return None if match is None else match.groupdict()
