"""How automations recognise an SMS: sender spellings, keywords and a reply's choice."""

from __future__ import annotations

import pytest

from custom_components.eims.matching import (
    PATTERN_MAX_SIZE,
    PatternError,
    compile_pattern,
    first_word,
    match_choice,
    match_keyword,
    phrase_words,
    search_groups,
    sender_key,
)


@pytest.mark.parametrize(
    ("sender", "country", "key"),
    [
        ("+447911123456", None, "+447911123456"),
        ("+44 7911 123456", None, "+447911123456"),
        ("0044 7911 123456", None, "+447911123456"),
        ("07911 123456", "GB", "+447911123456"),
        ("447911123456", "GB", "+447911123456"),
        ("447911123456", None, "+447911123456"),
        ("2025550123", "US", "+12025550123"),
        ("10010", "GB", "10010"),
        (" My Bank ", "GB", "my bank"),
        ("07911 123456", None, "07911 123456"),
    ],
)
def test_sender_key(sender: str, country: str | None, key: str) -> None:
    """Every spelling of a number gives one key; anything else is its text, case-folded."""
    assert sender_key(sender, country=country) == key


def test_phrase_words() -> None:
    """Keywords compare without case or the punctuation around words."""
    assert phrase_words("  Garage,  CLOSE! ") == ("garage", "close")
    assert phrase_words("«Oui»") == ("oui",)
    assert phrase_words("!!") == ()


@pytest.mark.parametrize(
    ("text", "word"),
    [("Hello world", "hello"), ("  ¿Qué? tal", "qué"), ("... ok", "ok"), ("", None)],
)
def test_first_word(text: str, word: str | None) -> None:
    """The first word skips what is only punctuation."""
    assert first_word(text) == word


def test_blank_keyword_never_matches() -> None:
    """A keyword of punctuation only has no words to compare."""
    assert match_keyword("?? help", ["??"]) is None
    assert match_keyword("", ["help"]) is None


@pytest.mark.parametrize(
    ("text", "choice"),
    [
        ("1", "disarm"),
        ("1.", "disarm"),
        (" 1 thanks", "disarm"),
        ("DISARM", "disarm"),
        ("2", "ignore"),
        ("Ignore it", "ignore"),
        ("12", None),
        ("3", None),
        ("", None),
    ],
)
def test_match_choice(text: str, choice: str | None) -> None:
    """A reply picks a choice by what to text or by what it means."""
    assert match_choice(text, {"1": "disarm", "2": "ignore"}) == choice


def test_choice_key_wins_over_meaning() -> None:
    """When a meaning is also another choice's key, the key decides."""
    assert match_choice("yes", {"yes": "no", "no": "yes"}) == "no"


@pytest.mark.parametrize(
    ("pattern", "size"),
    [
        ("a{5000}", 5000),
        ("(?:a{100}){50}", 5000),
        ("(ab){2500}", 7500),
        ("(?=a{5000})", 5001),
        ("(?:a|b{5000})", 5002),
        ("(?P<n>a)(?(n)b{4998}|c)", 5002),
        ("[ab]{1,1000000}", 1),
    ],
)
def test_pattern_size(pattern: str, size: int) -> None:
    """A repeat's minimum counts once per copy, every other item once, lookarounds included."""
    if size <= PATTERN_MAX_SIZE:
        assert compile_pattern(pattern).pattern == pattern
    else:
        with pytest.raises(PatternError) as err:
            compile_pattern(pattern)
        assert err.value.key == "pattern_too_large"
        assert err.value.placeholders == {"limit": "5,000"}


def test_search_groups() -> None:
    """The named groups of the first match, None without a match, whatever the backtracking."""
    pattern = compile_pattern(r"^TEMP (?P<room>\w+)(?: (?P<value>\d+))?$")
    assert search_groups(pattern, "TEMP kitchen 21") == {
        "room": "kitchen",
        "value": "21",
    }
    assert search_groups(pattern, "TEMP attic") == {"room": "attic", "value": None}
    assert search_groups(pattern, "temp attic") is None
    with pytest.raises(TimeoutError):
        search_groups(compile_pattern(r"^(a|a)+$"), "a" * 60 + "!")
