"""An account's recipients (recipient and device subentries), by name and by number."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Final

from homeassistant.config_entries import ConfigEntry, ConfigSubentry

from ..const import CONF_NUMBERS, SUBENTRY_DEVICE, SUBENTRY_RECIPIENT
from ..matching import sender_key

_RECIPIENT_TYPES: Final = (SUBENTRY_RECIPIENT, SUBENTRY_DEVICE)


def recipients(entry: ConfigEntry) -> Iterator[ConfigSubentry]:
    """Return the entry's recipients: its subentries that are people or devices to text."""
    return (
        subentry
        for subentry in entry.subentries.values()
        if subentry.subentry_type in _RECIPIENT_TYPES
    )


def recipient_name(entry: ConfigEntry | None, key: str) -> str | None:
    """Return the name of the first recipient with this number (a `sender_key`), or None."""
    if entry is None:
        return None
    for subentry in recipients(entry):
        if key in subentry.data[CONF_NUMBERS]:
            return subentry.title
    return None


def contact_names(entry: ConfigEntry) -> dict[str, str]:
    """Return each recipient's numbers with its name; a number in two goes by the first."""
    names: dict[str, str] = {}
    for subentry in recipients(entry):
        for number in subentry.data[CONF_NUMBERS]:
            names.setdefault(number, subentry.title)
    return names


def recipient_numbers(entry: ConfigEntry, name: str) -> list[str] | None:
    """Return the numbers of the recipient called `name` (any case), or None."""
    wanted = name.strip().casefold()
    for subentry in recipients(entry):
        if subentry.title.casefold() == wanted:
            return list(subentry.data[CONF_NUMBERS])
    return None


def is_one_of(
    entry: ConfigEntry | None,
    sender: str,
    wanted: Collection[str],
    *,
    country: str | None,
) -> bool:
    """
    Return whether `sender` is one of `wanted` (sender keys of numbers or of names).

    A name stands for every number of the recipient called so in the entry, as it is now:
    numbers added to a recipient later count without touching the automation.
    """
    key = sender_key(sender, country=country)
    if key in wanted:
        return True
    if entry is None:
        return False
    return any(
        subentry.title.casefold() in wanted and key in subentry.data[CONF_NUMBERS]
        for subentry in recipients(entry)
    )
