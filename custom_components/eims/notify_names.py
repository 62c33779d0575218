"""
Names of the legacy notify services: `notify.eims_<account>` and `notify.eims_<recipient>`.

A name, once given, stays with its account or recipient until the user renames or deletes
that one, across restarts. Deleting or renaming one never renames another, and a name freed
so is never given to anyone else: a newcomer that would take it gets a suffix instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Final, TypedDict

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.singleton import singleton
from homeassistant.util import slugify
from homeassistant.util.hass_dict import HassKey

from .account.recipients import recipients
from .const import CONF_ACCOUNT, DOMAIN
from .store import EimsStore, store_key

# Nobody's key: a target not yet created, which may take no freed name.
_NEWCOMER: Final = ""
DATA_NOTIFY_NAMES: HassKey[NotifyNames] = HassKey(f"{DOMAIN}_notify_names")


@dataclass(frozen=True, slots=True)
class NotifyTarget:
    """What a named notify service sends to: an account, or one recipient of it."""

    entry_id: str
    subentry_id: str | None = None

    @property
    def key(self) -> str:
        """Return the target as the store names it."""
        if self.subentry_id is None:
            return self.entry_id
        return f"{self.entry_id}/{self.subentry_id}"


@dataclass(frozen=True, slots=True)
class Wanted:
    """A target as configured now: when it was created, and the name it asks for."""

    # Entry and subentry ids are ULIDs: they sort by creation.
    created: str
    target: NotifyTarget
    base: str


def base_name(name: str) -> str:
    """Return the service name an account or recipient called `name` asks for."""
    return slugify(f"{DOMAIN}_{name}")


class _Held(TypedDict):
    name: str
    base: str


class StoredNames(TypedDict):
    """The names as stored: who holds which, and who last held each freed one."""

    held: dict[str, _Held]
    freed: dict[str, str]


class NameBook:
    """Who holds which service name, and which freed names newcomers may not take."""

    def __init__(self, stored: StoredNames | None = None) -> None:
        """Start from what was stored, or empty."""
        # Target key: its name, and the base it was made from (a new base is a rename).
        self.held: dict[str, _Held] = dict(stored["held"]) if stored else {}
        # Freed name: the key of the target that held it, the only one that may take it back.
        self.freed: dict[str, str] = dict(stored["freed"]) if stored else {}

    def as_stored(self) -> StoredNames:
        """Return the book as stored."""
        return {"held": self.held, "freed": self.freed}

    def update(self, wanted: Iterable[Wanted]) -> bool:
        """
        Follow the configuration; return whether a name was given or freed.

        The names of deleted and renamed targets are freed first, then targets without a
        name get one, oldest first.
        """
        by_key = {item.target.key: item for item in wanted}
        changed = False
        for key, held in list(self.held.items()):
            if (item := by_key.get(key)) is None or item.base != held["base"]:
                del self.held[key]
                self.freed[held["name"]] = key
                changed = True
        for item in sorted(by_key.values(), key=lambda item: item.created):
            if (key := item.target.key) not in self.held:
                name = self._available(key, item.base)
                self.held[key] = {"name": name, "base": item.base}
                self.freed.pop(name, None)
                changed = True
        return changed

    def name(self, target: NotifyTarget) -> str:
        """Return the name a target holds."""
        return self.held[target.key]["name"]

    def newcomer_name(self, base: str) -> str:
        """Return the name a target created now, asking for `base`, would get."""
        return self._available(_NEWCOMER, base)

    def _available(self, key: str, base: str) -> str:
        """Return `base`, or the first suffixed name after it, that `key` may take."""
        taken = {DOMAIN, *(held["name"] for held in self.held.values())}
        candidate, suffix = base, 2
        while candidate in taken or self.freed.get(candidate, key) != key:
            candidate, suffix = f"{base}_{suffix}", suffix + 1
        return candidate


class NotifyNames:
    """The service names of every account and recipient, loaded or not, kept on disk."""

    def __init__(
        self, hass: HomeAssistant, store: EimsStore[StoredNames], book: NameBook
    ) -> None:
        """Hold the book read from `store`."""
        self._hass = hass
        self._store = store
        self._book = book

    def _wanted(self) -> Iterator[Wanted]:
        # Names depend on configuration only: an account that fails to load keeps its names.
        for entry in self._hass.config_entries.async_entries(
            DOMAIN, include_ignore=False
        ):
            yield Wanted(
                entry.entry_id,
                NotifyTarget(entry.entry_id),
                base_name(entry.data[CONF_ACCOUNT]),
            )
            for subentry in recipients(entry):
                yield Wanted(
                    subentry.subentry_id,
                    NotifyTarget(entry.entry_id, subentry.subentry_id),
                    base_name(subentry.title),
                )

    @callback
    def names(self) -> dict[NotifyTarget, str]:
        """Return every account's and recipient's service name, naming newcomers."""
        wanted = list(self._wanted())
        if self._book.update(wanted):
            # Rare, and must outlive a crash: written at once.
            self._hass.async_create_task(
                self._store.async_save(self._book.as_stored()), f"{DOMAIN} notify names"
            )
        return {item.target: self._book.name(item.target) for item in wanted}

    @callback
    def next_name(self, name: str) -> str:
        """Return the service name an account or recipient called `name` gets when added now."""
        self.names()
        return self._book.newcomer_name(base_name(name))


@singleton(DATA_NOTIFY_NAMES, async_=True)
async def async_get_notify_names(hass: HomeAssistant) -> NotifyNames:
    """Return the service names, read from disk the first time."""
    store = EimsStore[StoredNames](hass, store_key("notify_names"))
    return NotifyNames(hass, store, NameBook(await store.async_load()))
