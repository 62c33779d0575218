"""Delivery tracking on the gateway's worst day: bad rows, empty pushes, clock jumps, crashes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from http import HTTPStatus
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import ATTR_CONFIG_ENTRY_ID, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.eims.account.track import EVENT_DELIVERY_REPORT
from custom_components.eims.const import DOMAIN
from custom_components.eims.store import StoreName, store_key
from simulator.testing import RunningSimulator

from .common import async_poll
from .conftest import ENTRY_DATA

NUMBERS = ["+447911123401", "+447911123402", "+447911123403"]
BALANCE = "sensor.demo_127_0_0_1_balance"
WEBHOOK = f"/api/webhook/{ENTRY_DATA['webhook_id']}"


@pytest.fixture
def simulator_options() -> dict[str, object]:
    """Messages move only when a test steps them; v3.5 rows with delivery fields."""
    return {"step_seconds": 0, "report_fields": 6}


async def send(hass: HomeAssistant, entry: MockConfigEntry, *numbers: str) -> list[int]:
    """Send one SMS with the action; return the message ids in number order."""
    response = await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {
            ATTR_CONFIG_ENTRY_ID: entry.entry_id,
            "numbers": list(numbers),
            "message": "hi",
        },
        blocking=True,
        return_response=True,
    )
    assert response is not None
    # The polls a send brings run now, not across a tick of frozen time.
    await hass.async_block_till_done(wait_background_tasks=True)
    return [message["id"] for message in response["messages"]]


def statuses(events: list[Any], message_id: int) -> list[str]:
    """Return the statuses reported for one message, in order."""
    return [e.data["status"] for e in events if e.data["message_id"] == message_id]


BAD_ROWS: dict[str, Callable[[list[Any]], list[Any]]] = {
    "deliver_time_null": lambda row: [*row[:4], None, row[5]],
    "number_null": lambda row: [row[0], None, *row[2:]],
    "eight_fields": lambda row: [*row, "extra", 1],
}


@pytest.mark.parametrize("spoil", BAD_ROWS.values(), ids=BAD_ROWS)
async def test_malformed_report_row_skips_only_itself(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    spoil: Callable[[list[Any]], list[Any]],
) -> None:
    """Scenario 4: one bad getreport row is skipped and counted; the others are applied."""
    events = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    ids = await send(hass, init_sim_entry, *NUMBERS)
    state = simulator.state
    state.step_messages(steps=None)
    bad = state.messages[ids[1]]
    bad.row = spoil(bad.report_row(state.accounts["demo"], state.tz))
    await async_poll(hass, freezer)

    assert statuses(events, ids[0])[-1] == "delivered"
    assert statuses(events, ids[2])[-1] == "delivered"
    assert statuses(events, ids[1]) == []
    assert hass.states.get(BALANCE).state != STATE_UNAVAILABLE
    # The gateway knows the id: its message is followed on, never reported not found.
    for _ in range(25):
        await async_poll(hass, freezer)
    assert statuses(events, ids[1]) == []
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, init_sim_entry
    )
    assert diagnostics["deliveries"]["pending"] == 1
    assert diagnostics["deliveries"]["malformed_rows"] >= 1

    bad.row = None
    await async_poll(hass, freezer)
    assert statuses(events, ids[1])[-1] == "delivered"


async def test_empty_push_does_not_pause_polling(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Scenario 6: a push without reports is no sign the gateway pushes: new ids are polled."""
    client = await hass_client_no_auth()
    response = await client.put(WEBHOOK, json={"type": "report", "cnt": 0, "array": []})
    assert response.status == HTTPStatus.OK
    events = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    [message_id] = await send(hass, init_sim_entry, NUMBERS[0])
    simulator.state.step_messages(steps=None)
    await async_poll(hass, freezer)
    assert statuses(events, message_id)[-1] == "delivered"


async def test_clock_jump_asks_before_expiring(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Scenario 7: the clock jumps past the tracking window; the gateway's answer wins."""
    events = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    [message_id] = await send(hass, init_sim_entry, NUMBERS[0])
    simulator.state.step_messages(steps=None)
    await async_poll(hass, freezer, timedelta(hours=100))
    assert statuses(events, message_id) == ["delivered"]


async def test_new_ids_on_disk_before_send_returns(
    hass: HomeAssistant,
    init_sim_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """Scenario 8: a crash right after the action returns loses no message's tracking."""
    ids = await send(hass, init_sim_entry, *NUMBERS)
    stored = hass_storage[store_key(init_sim_entry.entry_id, StoreName.DELIVERIES)][
        "data"
    ]
    assert stored["pending"]["ids"] == ids
    assert stored["counters"]["sent"] == 3
