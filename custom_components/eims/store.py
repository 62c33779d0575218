"""What the integration keeps on disk: one kind of store, one key scheme, one way to remove."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum
from typing import Any, Final, cast

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from .const import DOMAIN

# Stores change by minor versions, each read by a migration; a major one would lose downgrades.
STORAGE_VERSION: Final = 1
# Counters change often: written at most this often, and at once on unload.
SAVE_DELAY: Final = 10

# Turns the data of one minor version into the next one's.
type Migration = Callable[[Any], Any]
# What Home Assistant's Store writes: JSON's object or array.
type Stored = Mapping[str, Any] | Sequence[Any]


class StoreName(StrEnum):
    """Every store of a config entry; removing the entry removes each one."""

    INBOX = "inbox"
    QUESTIONS = "questions"
    DELIVERIES = "deliveries"
    SPENDING = "spending"
    HISTORY = "history"


def store_key(*parts: str) -> str:
    """Return the key of a store: `eims.<entry_id>.<name>`, or `eims.<name>` for a shared one."""
    return ".".join((DOMAIN, *parts))


class EimsStore[T: Stored](Store[T]):
    """
    A private store at version 1.N, where N - 1 is the number of its migrations.

    `migrations[i]` reads the data of 1.(i + 1) as 1.(i + 2): adding one raises the minor
    version. Data a later release wrote (a higher minor version) is read as it is, as Home
    Assistant's minor versions promise.
    """

    def __init__(
        self, hass: HomeAssistant, key: str, migrations: Sequence[Migration] = ()
    ) -> None:
        """Create the store of `key`, migrating older data on load."""
        super().__init__(
            hass,
            STORAGE_VERSION,
            key,
            private=True,
            minor_version=len(migrations) + 1,
        )
        self._migrations = migrations

    async def _async_migrate_func(
        self, old_major_version: int, old_minor_version: int, old_data: Any
    ) -> T:
        data = old_data
        for migrate in self._migrations[old_minor_version - 1 :]:
            data = migrate(data)
        return cast("T", data)


class EntryStore[T: Stored](EimsStore[T]):
    """One of a config entry's stores."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry_id: str,
        name: StoreName,
        migrations: Sequence[Migration] = (),
    ) -> None:
        """Create the entry's store called `name`."""
        super().__init__(hass, store_key(entry_id, name), migrations)


async def async_remove_entry_stores(hass: HomeAssistant, entry_id: str) -> None:
    """Delete everything a config entry keeps on disk."""
    for name in StoreName:
        await EntryStore[Any](hass, entry_id, name).async_remove()
