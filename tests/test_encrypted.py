"""Encrypted password mode under real faults: a right password is never refused."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from itertools import pairwise
from typing import Any

from aiohttp import web
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_SSL,
    CONF_VERIFY_SSL,
    CONF_WEBHOOK_ID,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.eims.const import CONF_ACCOUNT, CONF_ENCRYPTION_KEY, DOMAIN
from custom_components.eims.seq import (
    STORAGE_KEY as SEQ_STORAGE_KEY,
    async_get_seq_source,
)
from simulator.app import create_app
from simulator.testing import HOST, RunningSimulator

KEY = "k3y"


@pytest.fixture
def simulator_options() -> dict[str, object]:
    """The demo account signs with a key."""
    return {"key": KEY, "step_seconds": 0}


@pytest.fixture
def sim_entry_data() -> dict[str, object]:
    """The entry signs with the key."""
    return {CONF_ENCRYPTION_KEY: KEY}


@pytest.fixture
async def alias_port(simulator: RunningSimulator) -> AsyncIterator[int]:
    """The same gateway (same accounts, same seq history) at a second address."""
    runner = web.AppRunner(create_app(simulator.state, tick_seconds=None))
    await runner.setup()
    site = web.TCPSite(runner, HOST, 0)
    await site.start()
    yield runner.addresses[0][1]
    await runner.cleanup()


def no_refusal(simulator: RunningSimulator) -> None:
    """Assert the gateway refused nothing and took every seq in increasing order."""
    assert all(record.status != -1 for record in simulator.state.requests)
    seqs = simulator.state.accounts["demo"].seqs
    assert all(later > earlier for earlier, later in pairwise(seqs))


def no_reauth(hass: HomeAssistant) -> None:
    """Assert nobody was asked for the password."""
    assert hass.config_entries.flow.async_progress_by_handler(DOMAIN) == []


async def wait_for(condition: Callable[[], bool]) -> None:
    """Wait (real time: the simulator serves on a real socket) until `condition` holds."""
    async with asyncio.timeout(10):
        while not condition():
            await asyncio.sleep(0.01)


async def reconfigure(
    hass: HomeAssistant, entry: MockConfigEntry, port: int
) -> dict[str, Any]:
    """Move the entry to 127.0.0.1:`port`; return the flow's last result."""
    result = await entry.start_reconfigure_flow(hass)
    return await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_HOST: HOST, CONF_PORT: port, CONF_SSL: False, CONF_VERIFY_SSL: True},
    )


async def test_dropped_connection_then_refusal_keeps_the_entry(
    hass: HomeAssistant, sim_entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """Scenario 9: a dropped getbalance, then -1: asked again with fresh seqs, no reauth."""
    simulator.state.add_fault({"kind": "drop", "endpoint": "getbalance", "count": 1})
    simulator.state.add_fault(
        {"kind": "status", "status": -1, "endpoint": "getbalance", "count": 1}
    )
    sim_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(sim_entry.entry_id)
    await hass.async_block_till_done()

    assert sim_entry.state is ConfigEntryState.LOADED
    no_reauth(hass)
    seqs = [r.seq for r in simulator.state.requests if r.seq is not None]
    assert len(seqs) == len(set(seqs))


async def test_reconfigure_to_alias_address_keeps_seq(
    hass: HomeAssistant,
    init_sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
    alias_port: int,
) -> None:
    """Scenario 10: the same gateway at another address continues the account's seq."""
    registry = er.async_get(hass)
    entities = er.async_entries_for_config_entry(registry, init_sim_entry.entry_id)
    result = await reconfigure(hass, init_sim_entry, alias_port)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert init_sim_entry.state is ConfigEntryState.LOADED
    assert init_sim_entry.data[CONF_PORT] == alias_port
    # The unique id follows the address; the entities stay as they were.
    assert init_sim_entry.unique_id == f"{HOST}:{alias_port}:demo"
    assert (
        er.async_entries_for_config_entry(registry, init_sim_entry.entry_id) == entities
    )
    no_refusal(simulator)
    no_reauth(hass)


async def test_same_account_added_via_alias_keeps_seq(
    hass: HomeAssistant,
    init_sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
    alias_port: int,
) -> None:
    """Scenario 10: adding the account again at an alias address is not refused."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_HOST: HOST,
            CONF_PORT: alias_port,
            CONF_SSL: False,
            CONF_VERIFY_SSL: True,
            CONF_ACCOUNT: "demo",
            CONF_PASSWORD: "demo",
            CONF_ENCRYPTION_KEY: KEY,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    no_refusal(simulator)


async def test_alias_entries_started_together_share_seq(
    hass: HomeAssistant,
    sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
    alias_port: int,
) -> None:
    """Scenario 10: two entries of one account start at once (a restart): one counter."""
    alias = MockConfigEntry(
        domain=DOMAIN,
        title="demo @ alias",
        unique_id=f"{HOST}:{alias_port}:demo",
        data={**sim_entry.data, CONF_PORT: alias_port, CONF_WEBHOOK_ID: "alias"},
        version=1,
        minor_version=1,
    )
    sim_entry.add_to_hass(hass)
    alias.add_to_hass(hass)
    # As at startup: the integration sets up both entries concurrently.
    assert await async_setup_component(hass, DOMAIN, {})
    await hass.async_block_till_done()

    assert sim_entry.state is alias.state is ConfigEntryState.LOADED
    no_refusal(simulator)
    no_reauth(hass)


async def test_seq_too_low_recovered_without_user(
    hass: HomeAssistant, sim_entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """Scenario 10: the gateway saw far higher seqs (a restored backup): no user step."""
    simulator.state.accounts["demo"].seqs.append(50_000)
    sim_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(sim_entry.entry_id)
    await hass.async_block_till_done()
    assert sim_entry.state is ConfigEntryState.LOADED
    no_reauth(hass)
    refused = [record for record in simulator.state.requests if record.status == -1]
    assert len(refused) == 1


async def test_reconfigure_races_a_poll(
    hass: HomeAssistant, init_sim_entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """Scenario 11: a check during a slow poll signs after it: the gateway sees seqs in order."""
    simulator.state.add_fault(
        {"kind": "latency", "seconds": 0.4, "endpoint": "getbalance", "count": 1}
    )
    answered = len(simulator.state.requests)
    poll: asyncio.Task[Any] = hass.async_create_task(
        init_sim_entry.runtime_data.account.client.get_balance()
    )
    await wait_for(lambda: len(simulator.state.requests) > answered)

    result = await reconfigure(hass, init_sim_entry, simulator.port)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await poll
    await hass.async_block_till_done()
    no_refusal(simulator)
    no_reauth(hass)


async def test_seq_store_keyed_by_address_is_migrated(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Scenario 10: reservations stored per address continue per account, above the highest."""
    hass_storage[SEQ_STORAGE_KEY] = {
        "version": 1,
        "minor_version": 1,
        "key": SEQ_STORAGE_KEY,
        "data": {"127.0.0.1:20003:demo": 4000, "gw.local:20003:demo": 7000},
    }
    source = await async_get_seq_source(hass, "Demo")
    assert source.next_seq() == 7001
    assert source is await async_get_seq_source(hass, "demo")
