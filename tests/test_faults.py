"""Faults injected into the simulator: nothing received is lost, nothing sent goes out twice."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from itertools import pairwise
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import CONF_PASSWORD, STATE_UNAVAILABLE
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.eims.account.receive import EVENT_SMS_RECEIVED
from custom_components.eims.account.track import EVENT_DELIVERY_REPORT
from custom_components.eims.const import (
    BALANCE_INTERVAL,
    CONF_ENCRYPTION_KEY,
    DOMAIN,
    UPDATE_INTERVAL,
)
from custom_components.eims.seq import DATA_SEQ, STORAGE_KEY as SEQ_STORAGE_KEY
from simulator.testing import RunningSimulator

from .common import async_poll, async_set_up_impatient, requests_to

BALANCE = "sensor.demo_127_0_0_1_balance"
KEY = "k3y"
# Valid UK mobiles, so the send action takes them.
NUMBERS = [f"+4479111234{index:02d}" for index in range(40)]


@pytest.fixture
def simulator_options() -> dict[str, object]:
    """Messages move only when a test steps them; reports carry delivery fields."""
    return {"step_seconds": 0, "report_fields": 6}


def inject(simulator: RunningSimulator, count: int) -> list[int]:
    """Queue `count` SMS on the gateway; return their ids."""
    account = simulator.state.accounts["demo"]
    return [
        simulator.state.add_inbound(
            account, sender="+447911000000", content=f"sms {index}"
        ).id
        for index in range(count)
    ]


def announced(events: list[Event[Any]]) -> list[int]:
    """Return the ids of the SMS events, in order."""
    return [event.data["id"] for event in events]


def unexpected_errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return errors logged other than the coordinator's one line per failed cycle."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.levelno >= logging.ERROR
        and (record.exc_info or not record.getMessage().startswith("Error fetching"))
    ]


def final_reports(events: list[Event[Any]]) -> Counter[int]:
    """Count the final delivery reports per message id."""
    return Counter(event.data["message_id"] for event in events if event.data["final"])


async def send(hass: HomeAssistant, entry: MockConfigEntry, numbers: list[str]) -> Any:
    """Send through the send_sms action, as an automation does, and let its refresh end."""
    try:
        return await hass.services.async_call(
            DOMAIN,
            "send_sms",
            {"config_entry_id": entry.entry_id, "numbers": numbers, "message": "Hi"},
            blocking=True,
            return_response=True,
        )
    finally:
        # A request in flight would see the frozen clock jump at the next cycle.
        await hass.async_block_till_done(wait_background_tasks=True)


async def test_gateway_down_then_back(
    hass: HomeAssistant,
    init_sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Every connection dropped for minutes: entities go unavailable, then every SMS arrives once."""
    events = async_capture_events(hass, EVENT_SMS_RECEIVED)
    before = inject(simulator, 3)
    simulator.state.add_fault({"kind": "drop"})
    during: list[int] = []
    for _ in range(4):
        during += inject(simulator, 30)
        await async_poll(hass, freezer, BALANCE_INTERVAL)
        assert hass.states.get(BALANCE).state == STATE_UNAVAILABLE
    assert events == []

    simulator.state.faults.clear()
    await async_poll(hass, freezer)
    assert hass.states.get(BALANCE).state != STATE_UNAVAILABLE
    assert announced(events) == before + during
    assert simulator.state.accounts["demo"].inbound == []


@pytest.mark.parametrize("endpoint", ["getsms", "getreport", "getbalance"])
async def test_http_500_on_a_cycle(
    hass: HomeAssistant,
    init_sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
    endpoint: str,
) -> None:
    """Cycles answered with HTTP 500 fail; the next good one delivers everything, once."""
    sms_events = async_capture_events(hass, EVENT_SMS_RECEIVED)
    report_events = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    response = await send(hass, init_sim_entry, NUMBERS[:3])
    ids = [message["id"] for message in response["messages"]]
    simulator.state.step_messages(steps=None)
    sms = inject(simulator, 60)
    simulator.state.add_fault({"kind": "http500", "endpoint": endpoint, "count": 2})
    for _ in range(2):
        await async_poll(hass, freezer, BALANCE_INTERVAL)
        # Only the balance's own failure makes its sensor unavailable.
        assert (hass.states.get(BALANCE).state == STATE_UNAVAILABLE) is (
            endpoint == "getbalance"
        )

    await async_poll(hass, freezer)
    assert hass.states.get(BALANCE).state != STATE_UNAVAILABLE
    assert announced(sms_events) == sms
    assert final_reports(report_events) == dict.fromkeys(ids, 1)
    assert init_sim_entry.runtime_data.account.tracker.pending_count == 0
    assert requests_to(simulator, "sendsms") == 1


async def test_http_500_on_send_is_not_retried(
    hass: HomeAssistant,
    init_sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A send answered with HTTP 500 raises, goes out once, and is not tried again by a cycle."""
    simulator.state.add_fault({"kind": "http500", "endpoint": "sendsms", "count": 1})
    with pytest.raises(HomeAssistantError):
        await send(hass, init_sim_entry, NUMBERS[:2])
    for _ in range(2):
        await async_poll(hass, freezer)
    assert requests_to(simulator, "sendsms") == 1
    assert simulator.state.messages == {}

    response = await send(hass, init_sim_entry, NUMBERS[:2])
    assert response["success"] == 2
    assert requests_to(simulator, "sendsms") == 2


async def test_timeout_between_batches_sends_each_number_once(
    hass: HomeAssistant, simulator: RunningSimulator, sim_entry: MockConfigEntry
) -> None:
    """The second of two 10,000-number requests times out: nothing is sent a second time."""
    await async_set_up_impatient(hass, sim_entry, 0.3)
    runtime = sim_entry.runtime_data
    state = simulator.state
    state.accounts["demo"].balance = Decimal(10_000)
    accept = state.send

    def slow_down_the_next(*args: Any, **kwargs: Any) -> Any:
        # Latency applies from the next request: the first batch answers in time.
        state.add_fault(
            {"kind": "latency", "endpoint": "sendsms", "seconds": 0.8, "count": 1}
        )
        state.send = accept  # type: ignore[method-assign]
        return accept(*args, **kwargs)

    state.send = slow_down_the_next  # type: ignore[method-assign]
    numbers = [f"+86138{index:08d}" for index in range(10_050)]
    with pytest.raises(HomeAssistantError) as err:
        await send(hass, sim_entry, numbers)
    assert err.value.translation_key == "send_timeout"
    assert err.value.translation_placeholders["accepted"] == "10000"
    # The accepted batch is tracked; the late one is the gateway's alone.
    assert runtime.account.tracker.pending_count == 10_000

    # The gateway handles the late request once its latency (real time) is over.
    async with asyncio.timeout(10):
        while len(state.messages) < len(numbers):
            await asyncio.sleep(0.05)
    # Real time, not frozen: the scheduled polls run early.
    for _ in range(2):
        async_fire_time_changed(
            hass, dt_util.utcnow() + UPDATE_INTERVAL + timedelta(seconds=1)
        )
        await hass.async_block_till_done(wait_background_tasks=True)
    assert requests_to(simulator, "sendsms") == 2
    sent = Counter(message.number for message in state.messages.values())
    assert len(sent) == len(numbers)
    assert set(sent.values()) == {1}


@pytest.mark.parametrize("drops", [1, 3])
async def test_dropped_connections_during_getsms(
    hass: HomeAssistant,
    init_sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
    drops: int,
) -> None:
    """Reads dropped after each page: every SMS is announced once, in order, none lost."""
    events = async_capture_events(hass, EVENT_SMS_RECEIVED)
    queued = inject(simulator, 170)

    @callback
    def drop_after_page(event: Event[Any]) -> None:
        if len(events) % 50 == 0:
            # The client never lets aiohttp resend a dropped getsms: one drop, one failure.
            simulator.state.add_fault(
                {"kind": "drop", "endpoint": "getsms", "count": drops}
            )

    hass.bus.async_listen(EVENT_SMS_RECEIVED, drop_after_page)
    for _ in range(12):
        await async_poll(hass, freezer)
        queued += inject(simulator, 5)
    simulator.state.faults.clear()
    await async_poll(hass, freezer)

    assert announced(events) == queued
    assert simulator.state.accounts["demo"].inbound == []
    dropped = [record for record in simulator.state.requests if record.fault == "drop"]
    assert len(dropped) >= drops


@pytest.mark.parametrize("endpoint", ["getsms", "getreport", "getbalance", None])
async def test_malformed_json(
    hass: HomeAssistant,
    init_sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    endpoint: str | None,
) -> None:
    """Truncated JSON from one endpoint or all: cycles fail cleanly, then catch up."""
    sms_events = async_capture_events(hass, EVENT_SMS_RECEIVED)
    report_events = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    response = await send(hass, init_sim_entry, NUMBERS[:4])
    ids = [message["id"] for message in response["messages"]]
    simulator.state.step_messages(steps=None)
    sms = inject(simulator, 55)
    fault: dict[str, Any] = {"kind": "malformed"}
    if endpoint is not None:
        fault["endpoint"] = endpoint
    simulator.state.add_fault(fault)
    for _ in range(2):
        await async_poll(hass, freezer, BALANCE_INTERVAL)
        assert (hass.states.get(BALANCE).state == STATE_UNAVAILABLE) is (
            endpoint in ("getbalance", None)
        )
    if endpoint is None:
        with pytest.raises(HomeAssistantError):
            await send(hass, init_sim_entry, NUMBERS[4:6])

    simulator.state.faults.clear()
    await async_poll(hass, freezer)
    assert hass.states.get(BALANCE).state != STATE_UNAVAILABLE
    assert announced(sms_events) == sms
    assert final_reports(report_events) == dict.fromkeys(ids, 1)
    assert unexpected_errors(caplog) == []
    assert requests_to(simulator, "sendsms") == (2 if endpoint is None else 1)


@pytest.mark.parametrize(
    ("simulator_options", "sim_entry_data"),
    [({"key": KEY, "step_seconds": 0}, {CONF_ENCRYPTION_KEY: KEY})],
)
async def test_seq_never_reused_across_restarts(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    sim_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """Encrypted mode: reloads and restarts continue above every seq the gateway saw."""
    entry = sim_entry
    entry.add_to_hass(hass)
    account = simulator.state.accounts["demo"]

    async def use(requests: int) -> None:
        client = entry.runtime_data.account.client
        for _ in range(requests):
            await client.get_balance()

    restart: list[Callable[[], object]] = [
        lambda: None,
        # A restart: the registry is read back from the store.
        lambda: hass.data.pop(DATA_SEQ),
    ]
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    for round_ in range(4):
        await use(600)
        await hass.async_block_till_done()
        assert await hass.config_entries.async_unload(entry.entry_id)
        restart[round_ % 2]()
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        assert entry.state is ConfigEntryState.LOADED

    await use(10)
    seqs = account.seqs
    assert len(seqs) > 2400
    assert all(later > earlier for earlier, later in pairwise(seqs))
    assert all(record.status != -1 for record in simulator.state.requests)
    stored = hass_storage[SEQ_STORAGE_KEY]["data"]
    assert max(stored.values()) > seqs[-1]


async def test_auth_refused_then_accepted(
    hass: HomeAssistant,
    init_sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The gateway refuses the password for a while: reauth starts, polling waits, then recovers."""
    events = async_capture_events(hass, EVENT_SMS_RECEIVED)
    sms = inject(simulator, 5)
    simulator.state.add_fault({"kind": "status", "status": -1})
    # Both coordinators meet the refusal.
    await async_poll(hass, freezer, BALANCE_INTERVAL)
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    assert hass.states.get(BALANCE).state == STATE_UNAVAILABLE
    # Until the user answers, the refused password is not tried again and again.
    refused = len(simulator.state.requests)
    for _ in range(3):
        await async_poll(hass, freezer)
    assert len(simulator.state.requests) == refused
    assert events == []

    simulator.state.faults.clear()
    result = await hass.config_entries.flow.async_configure(
        flows[0]["flow_id"], {CONF_PASSWORD: "demo"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert init_sim_entry.state is ConfigEntryState.LOADED
    assert hass.states.get(BALANCE).state != STATE_UNAVAILABLE
    assert announced(events) == sms

    later = inject(simulator, 1)
    await async_poll(hass, freezer)
    assert announced(events) == sms + later
