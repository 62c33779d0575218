"""Sequence numbers for the gateway's encrypted password mode, never reused across restarts."""

from __future__ import annotations

from typing import Final

from homeassistant.core import HomeAssistant
from homeassistant.helpers.singleton import singleton
from homeassistant.helpers.storage import Store
from homeassistant.util.hass_dict import HassKey

from .const import DOMAIN

STORAGE_KEY: Final = f"{DOMAIN}.seq"
STORAGE_VERSION: Final = 1
# Values handed out stay below a reservation already on disk; the next one is written halfway.
BLOCK: Final = 1000

DATA_SEQ: HassKey[SeqRegistry] = HassKey(f"{DOMAIN}_seq")


class StoredSeqSource:
    """A strictly increasing `seq` for one gateway account, persisted in reserved blocks."""

    def __init__(self, registry: SeqRegistry, start: int) -> None:
        """Start after every value handed out before."""
        self._registry = registry
        self._next = start
        self.reserved = start - 1

    def next_seq(self) -> int:
        """Return the next value; never the same twice, even across restarts."""
        value = self._next
        self._next += 1
        if self.needs_reservation():
            self.reserve()
            self._registry.schedule_save()
        return value

    def reserve(self) -> None:
        """Move the reservation a block ahead of the next value."""
        self.reserved = self._next + BLOCK

    def needs_reservation(self) -> bool:
        """Say whether fewer than half a block is left on disk."""
        return self.reserved < self._next + BLOCK // 2


class SeqRegistry:
    """Every account's reservation, in one store shared by config entries and config flows."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Create the registry; `async_load` runs before use."""
        self._store: Store[dict[str, int]] = Store(hass, STORAGE_VERSION, STORAGE_KEY)
        self._sources: dict[str, StoredSeqSource] = {}
        self._stored: dict[str, int] = {}

    async def async_load(self) -> None:
        """Read the reservations from disk."""
        self._stored = await self._store.async_load() or {}

    async def async_source(self, key: str) -> StoredSeqSource:
        """Return the account's source, its reservation written before any value is used."""
        if (source := self._sources.get(key)) is None:
            source = self._sources[key] = StoredSeqSource(
                self, self._stored.get(key, 0) + 1
            )
        if source.needs_reservation():
            source.reserve()
            await self._store.async_save(self._data())
        return source

    def schedule_save(self) -> None:
        """Write the new reservations at once, in the background."""
        self._store.async_delay_save(self._data, 0)

    def _data(self) -> dict[str, int]:
        return self._stored | {key: s.reserved for key, s in self._sources.items()}


@singleton(DATA_SEQ, async_=True)
async def _async_get_registry(hass: HomeAssistant) -> SeqRegistry:
    registry = SeqRegistry(hass)
    await registry.async_load()
    return registry


async def async_get_seq_source(hass: HomeAssistant, key: str) -> StoredSeqSource:
    """Return the persisted seq source of a gateway account (host, port and account)."""
    return await (await _async_get_registry(hass)).async_source(key)
