"""How automations recognise an SMS: sender spellings, keywords and a reply's choice."""

from __future__ import annotations

import pytest

from custom_components.eims.matching import (
    first_word,
    match_choice,
    match_keyword,
    phrase_words,
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
