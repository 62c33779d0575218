"""
Sequence numbers for the gateway's encrypted password mode, never reused across restarts.

The one thing of ours in `hass.data`, on purpose: the counter belongs to the gateway
account, not to a config entry. The entries of one account (the same gateway at two
ports, or added twice before the flow compared addresses) start concurrently when Home
Assistant starts, before either has runtime data; a config flow checks an account whose
entry is loading, retrying setup or absent.
Had each its own signer, two would read the same reservation and sign with the same
`seq` (refused), or sign out of order under separate locks (refused), and the one store
file would have two writers, the later able to lower a reservation the other relies on.
So one registry per process hands out one signer and lock per account, and owns the
store (test_encrypted.py: alias entries started together, reconfigure racing a poll).
"""

from __future__ import annotations

import asyncio
from typing import Final

from homeassistant.core import HomeAssistant
from homeassistant.helpers.singleton import singleton
from homeassistant.util.hass_dict import HassKey

from .const import DOMAIN
from .store import EimsStore, store_key

STORAGE_KEY: Final = store_key("seq")
# Values handed out stay below a reservation already on disk; the next one is written halfway.
BLOCK: Final = 1000

DATA_SEQ: HassKey[SeqRegistry] = HassKey(f"{DOMAIN}_seq")


def seq_key(account: str) -> str:
    """
    Return the store's key of an account: its name alone.

    The gateway counts per account, whatever address it is reached at; two gateways with
    the same account name sharing one counter only see it climb faster, never repeat.
    """
    return account.lower()


class StoredSeqSource:
    """
    The signer of one gateway account.

    A strictly increasing `seq`, persisted in reserved blocks, and the lock every client
    of the account (the loaded entry, config flow checks) signs under.
    """

    def __init__(self, registry: SeqRegistry, start: int) -> None:
        """Start after every value handed out before."""
        self._registry = registry
        self._next = start
        self.reserved = start - 1
        self.lock = asyncio.Lock()

    def next_seq(self) -> int:
        """Return the next value; never the same twice, even across restarts."""
        value = self._next
        self._next += 1
        self._reserve_if_needed()
        return value

    def skip_to(self, floor: int) -> None:
        """Continue at `floor` or above: the gateway has seen higher values than ours."""
        self._next = max(self._next, floor)
        self._reserve_if_needed()

    def _reserve_if_needed(self) -> None:
        if self.needs_reservation():
            self.reserve()
            self._registry.schedule_save()

    def reserve(self) -> None:
        """Move the reservation a block ahead of the next value."""
        self.reserved = self._next + BLOCK

    def needs_reservation(self) -> bool:
        """Say whether fewer than half a block is left on disk."""
        return self.reserved < self._next + BLOCK // 2


def _keyed_by_account(old_data: dict[str, int]) -> dict[str, int]:
    """Read 1.1, whose reservations were keyed by host, port and account, as 1.2 (by account)."""
    migrated: dict[str, int] = {}
    for key, reserved in old_data.items():
        account = seq_key(key.rsplit(":", 1)[-1])
        migrated[account] = max(migrated.get(account, 0), reserved)
    return migrated


class SeqRegistry:
    """Every account's signer, in one store shared by config entries and config flows."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Create the registry; `async_load` runs before use."""
        self._store = EimsStore[dict[str, int]](hass, STORAGE_KEY, [_keyed_by_account])
        self._sources: dict[str, StoredSeqSource] = {}
        self._stored: dict[str, int] = {}

    async def async_load(self) -> None:
        """Read the reservations from disk."""
        self._stored = await self._store.async_load() or {}

    async def async_source(self, account: str) -> StoredSeqSource:
        """Return the account's signer, its reservation written before any value is used."""
        key = seq_key(account)
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


async def async_get_seq_source(hass: HomeAssistant, account: str) -> StoredSeqSource:
    """Return the signer of a gateway account, shared by everything in this process."""
    return await (await _async_get_registry(hass)).async_source(account)
