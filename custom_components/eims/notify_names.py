"""Names of the legacy notify services: `notify.eims_<account>` and `notify.eims_<recipient>`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.util import slugify

from .account.recipients import recipients
from .const import CONF_ACCOUNT, DOMAIN

# Sorts after every ULID: a recipient or account not yet created is the newest.
_NEWEST: Final = "~"


@dataclass(frozen=True, slots=True)
class NotifyTarget:
    """What a named notify service sends to: an account, or one recipient of it."""

    entry_id: str
    subentry_id: str | None = None


def assign_names(
    items: Iterable[tuple[str, NotifyTarget, str]],
) -> dict[NotifyTarget, str]:
    """
    Return each target's service name, `eims_<slug of its name>`.

    Items are (creation key, target, name); the older one keeps a name and the newer one
    gets a suffix (`_2`, `_3`), so adding an account or a recipient never renames another.
    """
    used = {DOMAIN}
    names: dict[NotifyTarget, str] = {}
    for _key, target, name in sorted(items, key=lambda item: item[0]):
        base = slugify(f"{DOMAIN}_{name}")
        candidate, suffix = base, 2
        while candidate in used:
            candidate, suffix = f"{base}_{suffix}", suffix + 1
        used.add(candidate)
        names[target] = candidate
    return names


def service_names(
    entries: Iterable[ConfigEntry], new: tuple[NotifyTarget, str] | None = None
) -> dict[NotifyTarget, str]:
    """
    Return the names of every account's and recipient's service, loaded or not.

    Names depend on configuration only (entry and subentry ids are ULIDs, so they sort by
    creation): an account that fails to load never hands its names to another. `new` is a
    target about to be created, named as it will be.
    """
    items: list[tuple[str, NotifyTarget, str]] = []
    for entry in entries:
        items.append(
            (entry.entry_id, NotifyTarget(entry.entry_id), entry.data[CONF_ACCOUNT])
        )
        items.extend(
            (
                subentry.subentry_id,
                NotifyTarget(entry.entry_id, subentry.subentry_id),
                subentry.title,
            )
            for subentry in recipients(entry)
        )
    if new is not None:
        items.append((_NEWEST, *new))
    return assign_names(items)


def next_service_name(entries: Iterable[ConfigEntry], name: str) -> str:
    """Return the service name an account or recipient called `name` gets when added now."""
    new = NotifyTarget(_NEWEST)
    return service_names(entries, (new, name))[new]
