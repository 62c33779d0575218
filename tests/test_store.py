"""The one store helper: its versions, its migrations, its keys, removing an entry's stores."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import UnsupportedStorageVersionError
import pytest

from custom_components.eims.store import (
    EimsStore,
    EntryStore,
    StoreName,
    async_remove_entry_stores,
    store_key,
)

KEY = store_key("test")


def _stored(version: int, minor_version: int, data: Any) -> dict[str, Any]:
    return {
        "version": version,
        "minor_version": minor_version,
        "key": KEY,
        "data": data,
    }


def _add_b(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "b": data["a"] * 2}


def _rename_a(data: dict[str, Any]) -> dict[str, Any]:
    return {"first": data.pop("a"), **data}


def _store(hass: HomeAssistant) -> EimsStore[dict[str, Any]]:
    return EimsStore(hass, KEY, [_add_b, _rename_a])


def test_keys() -> None:
    """An entry's store is eims.<entry_id>.<name>; a shared one eims.<name>."""
    assert store_key("01JENTRY", StoreName.DELIVERIES) == "eims.01JENTRY.deliveries"
    assert store_key("seq") == "eims.seq"


async def test_each_migration_runs_once_from_the_stored_version(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Data of 1.1 goes through both migrations, 1.2 only the second; both are saved as 1.3."""
    hass_storage[KEY] = _stored(1, 1, {"a": 1})
    assert await _store(hass).async_load() == {"first": 1, "b": 2}
    assert hass_storage[KEY]["version"] == 1
    assert hass_storage[KEY]["minor_version"] == 3
    assert hass_storage[KEY]["data"] == {"first": 1, "b": 2}

    hass_storage[KEY] = _stored(1, 2, {"a": 5, "b": 0})
    assert await _store(hass).async_load() == {"first": 5, "b": 0}


async def test_current_version_is_read_as_stored(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Data at the store's version goes through no migration."""
    hass_storage[KEY] = _stored(1, 3, {"a": 1})
    assert await _store(hass).async_load() == {"a": 1}


async def test_later_minor_version_is_read_as_it_is(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """A downgrade reads what a later release wrote: minor versions keep older readers working."""
    hass_storage[KEY] = _stored(1, 7, {"first": 1, "b": 2, "c": 3})
    assert await _store(hass).async_load() == {"first": 1, "b": 2, "c": 3}


async def test_later_major_version_is_refused(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """A major version we do not know is not read as if it were ours."""
    hass_storage[KEY] = _stored(2, 1, {"a": 1})
    with pytest.raises(UnsupportedStorageVersionError):
        await _store(hass).async_load()


async def test_store_without_migrations_is_version_1_1(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """A store that never changed its format writes 1.1."""
    store = EntryStore[dict[str, int]](hass, "01JENTRY", StoreName.SPENDING)
    await store.async_save({"segments": 3})
    written = hass_storage[store_key("01JENTRY", StoreName.SPENDING)]
    assert (written["version"], written["minor_version"]) == (1, 1)


async def test_removing_an_entry_removes_each_of_its_stores(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Every named store of the entry goes; another entry's and shared stores stay."""
    for entry_id in ("01JGONE", "01JKEPT"):
        for name in StoreName:
            await EntryStore[list[int]](hass, entry_id, name).async_save([1])
    await EimsStore[list[int]](hass, KEY).async_save([1])

    await async_remove_entry_stores(hass, "01JGONE")

    assert sorted(hass_storage) == sorted(
        [KEY, *(store_key("01JKEPT", name) for name in StoreName)]
    )
