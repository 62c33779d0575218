"""Delivery tracking as users see it: sensors, the event entity, restarts, diagnostics."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.event import ATTR_EVENT_TYPE
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.event import (
    EventStateChangedData,
    async_track_state_change_event,
)
from homeassistant.helpers.update_coordinator import REQUEST_REFRESH_DEFAULT_COOLDOWN
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.eims import logbook
from custom_components.eims.account.track import EVENT_DELIVERY_REPORT
from custom_components.eims.const import CONF_TRACKING_WINDOW
from custom_components.eims.store import SAVE_DELAY, StoreName, store_key
from simulator.accounts import Outcome
from simulator.testing import RunningSimulator

from .common import async_poll, requests_to
from .test_tracker import NUMBER, SENSOR, ZONE, counts, send, state_of, step_and_poll

EVENT = "event.demo_127_0_0_1_delivery_report"
OTHER = "8613800000002"


@pytest.fixture
def simulator_options() -> dict[str, object]:
    """Messages move only when a test steps them; v3.5 rows."""
    return {"tz": dt_util.get_time_zone(ZONE), "step_seconds": 0, "report_fields": 6}


async def test_sensors_follow_the_tracker(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
) -> None:
    """The last status, the count waiting and the counters move with each report."""
    simulator.state.accounts["demo"].outcomes[OTHER] = Outcome.parse(
        {"outcome": "failed", "code": 1011}
    )
    assert state_of(hass, "last_delivery_status") == "unknown"
    [first, _] = await send(hass, init_sim_entry, NUMBER, OTHER)
    assert state_of(hass, "messages_awaiting_report") == "2"
    assert state_of(hass, "sms_sent") == "2"
    assert state_of(hass, "last_delivery_status") == "pending"
    await step_and_poll(hass, simulator, freezer, steps=None)
    assert state_of(hass, "messages_awaiting_report") == "0"
    assert state_of(hass, "delivered") == "1"
    assert state_of(hass, "failed") == "1"
    last = hass.states.get(SENSOR.format("last_delivery_status"))
    assert last is not None
    assert last.state == "failed"
    assert last.attributes["number"] == OTHER
    assert last.attributes["message_id"] == first + 1
    assert last.attributes["code"] == 1011
    assert last.attributes["reason"] == "black_number"
    assert last.attributes["origin"] == "test"
    assert last.attributes["options"][-1] == "expired"


async def test_event_entity_fires_on_final_reports(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
) -> None:
    """The event entity fires once per final report, typed by the final status."""
    fired: list[str] = []

    @callback
    def record(event: Event[EventStateChangedData]) -> None:
        new = event.data["new_state"]
        if new is not None and new.attributes.get(ATTR_EVENT_TYPE):
            fired.append(new.attributes[ATTR_EVENT_TYPE])

    async_track_state_change_event(hass, EVENT, record)
    simulator.state.accounts["demo"].outcomes[NUMBER] = Outcome.parse("timeout")
    await send(hass, init_sim_entry, NUMBER)
    await step_and_poll(hass, simulator, freezer, steps=2)
    assert fired == []
    await step_and_poll(hass, simulator, freezer)
    assert fired == ["delivery_timeout"]
    state = hass.states.get(EVENT)
    assert state is not None
    assert state.attributes["number"] == NUMBER
    assert "delivered" in state.attributes["event_types"]


async def test_restart_keeps_pending(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """Unload in the middle, reload: the waiting messages are finished, counters kept."""
    ids = await send(hass, init_sim_entry, NUMBER, OTHER)
    simulator.state.step_messages(ids=ids[:1], steps=None)
    await async_poll(hass, freezer)
    assert await hass.config_entries.async_unload(init_sim_entry.entry_id)
    stored = hass_storage[store_key(init_sim_entry.entry_id, StoreName.DELIVERIES)][
        "data"
    ]
    assert stored["pending"]["ids"] == ids[1:]
    assert stored["counters"] == {"sent": 2, "delivered": 1, "failed": 0}
    assert await hass.config_entries.async_setup(init_sim_entry.entry_id)
    await hass.async_block_till_done()
    assert counts(hass)["messages_awaiting_report"] == 1
    assert state_of(hass, "last_delivery_status") == "delivered"
    await step_and_poll(hass, simulator, freezer, steps=None)
    assert counts(hass) == {
        "messages_awaiting_report": 0,
        "sms_sent": 2,
        "delivered": 2,
        "failed": 0,
    }


async def test_saved_with_a_delay(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """Changes reach the store after a short delay, not on every report."""
    key = store_key(init_sim_entry.entry_id, StoreName.DELIVERIES)
    await send(hass, init_sim_entry, NUMBER)
    assert key not in hass_storage
    freezer.tick(SAVE_DELAY + 1)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    pending = hass_storage[key]["data"]["pending"]
    assert pending["numbers"] == [-int(NUMBER)]
    assert pending["origins"] == ["test"]


async def test_removed_with_the_entry(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """Deleting the entry deletes its stored deliveries."""
    await send(hass, init_sim_entry, NUMBER)
    assert await hass.config_entries.async_unload(init_sim_entry.entry_id)
    assert store_key(init_sim_entry.entry_id, StoreName.DELIVERIES) in hass_storage
    await hass.config_entries.async_remove(init_sim_entry.entry_id)
    await hass.async_block_till_done()
    assert store_key(init_sim_entry.entry_id, StoreName.DELIVERIES) not in hass_storage


async def test_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
) -> None:
    """Diagnostics show the tracker's size and oldest age, the number masked."""
    await send(hass, init_sim_entry, NUMBER)
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, init_sim_entry
    )
    deliveries = diagnostics["deliveries"]
    assert deliveries["pending"] == 1
    assert deliveries["oldest_pending_age"] >= 0
    assert deliveries["tracking_window_hours"] == 72
    assert deliveries["last_report"]["number"] == "861********01"
    assert NUMBER not in str(diagnostics)


async def test_tracking_window_option(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
) -> None:
    """The options form asks for the tracking window, 72 hours unless changed."""
    result = await hass.config_entries.options.async_init(init_sim_entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    fields = {str(key): key for key in result["data_schema"].schema}
    assert fields[CONF_TRACKING_WINDOW].default() == 72
    hass.config_entries.async_update_entry(
        init_sim_entry, options={CONF_TRACKING_WINDOW: 5}
    )
    await hass.config_entries.async_reload(init_sim_entry.entry_id)
    await hass.async_block_till_done()
    assert init_sim_entry.state is ConfigEntryState.LOADED
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, init_sim_entry
    )
    assert diagnostics["deliveries"]["tracking_window_hours"] == 5


async def test_logbook(
    hass: HomeAssistant, simulator: RunningSimulator, init_sim_entry: MockConfigEntry
) -> None:
    """Delivery reports read as one line in the logbook."""
    describers: dict[str, Callable[[Event[Any]], dict[str, str]]] = {}
    logbook.async_describe_events(
        hass,
        lambda domain, event_type, describe: describers.update({event_type: describe}),
    )
    describe = describers[EVENT_DELIVERY_REPORT]
    data = {
        "entry_id": init_sim_entry.entry_id,
        "message_id": 7,
        "number": NUMBER,
        "status": "failed",
        "reason": "black_number",
    }
    assert describe(Event(EVENT_DELIVERY_REPORT, data)) == {
        "name": init_sim_entry.title,
        "message": f"SMS 7 to {NUMBER}: failed (black number)",
        "icon": "mdi:message-alert",
    }
    data |= {"entry_id": "gone", "status": "delivery_timeout", "reason": None}
    assert describe(Event(EVENT_DELIVERY_REPORT, data)) == {
        "name": "EIMS",
        "message": f"SMS 7 to {NUMBER}: delivery timeout",
        "icon": "mdi:message-alert",
    }
    data |= {"status": "delivered"}
    assert describe(Event(EVENT_DELIVERY_REPORT, data))["icon"] == "mdi:message-check"
    data |= {"status": "sent"}
    assert describe(Event(EVENT_DELIVERY_REPORT, data))["icon"] == (
        "mdi:message-arrow-right"
    )


async def test_restored_from_storage(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    sim_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """Stored messages come back in send order, with their send's time and origin."""
    sent_at = dt_util.utcnow().timestamp()
    pending = {
        "ids": [900_001, 900_002, 900_003],
        "numbers": [-int(NUMBER), 8613800000002, "0612345678"],
        "sent_at": [sent_at, sent_at, sent_at],
        "origins": ["job", "job", "job"],
        "statuses": ["pending", "sending", "sent"],
    }
    hass_storage[store_key(sim_entry.entry_id, StoreName.DELIVERIES)] = {
        "version": 1,
        "minor_version": 1,
        "key": store_key(sim_entry.entry_id, StoreName.DELIVERIES),
        "data": {
            "counters": {"sent": 9, "delivered": 4, "failed": 2},
            "last": None,
            "pending": pending,
        },
    }
    sim_entry.add_to_hass(hass)
    # Restored in chunks of 2, the event loop getting a turn between them.
    with patch("custom_components.eims.account.track.WORK_CHUNK", 2):
        assert await hass.config_entries.async_setup(sim_entry.entry_id)
        await hass.async_block_till_done()
    assert counts(hass) == {
        "messages_awaiting_report": 3,
        "sms_sent": 9,
        "delivered": 4,
        "failed": 2,
    }
    # Stored again on unload exactly as they were read.
    assert await hass.config_entries.async_unload(sim_entry.entry_id)
    assert (
        hass_storage[store_key(sim_entry.entry_id, StoreName.DELIVERIES)]["data"][
            "pending"
        ]
        == pending
    )


async def test_update_entity_polls_reports_now(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
) -> None:
    """`homeassistant.update_entity` on a delivery sensor asks the gateway at once."""
    assert await async_setup_component(hass, "homeassistant", {})
    await send(hass, init_sim_entry, NUMBER)
    # Past the cool-down of the poll the send asked for, before the next scheduled one.
    freezer.tick(REQUEST_REFRESH_DEFAULT_COOLDOWN + 1)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    simulator.state.step_messages(steps=None)
    requests = requests_to(simulator, "getreport")
    await hass.services.async_call(
        "homeassistant",
        "update_entity",
        {"entity_id": SENSOR.format("last_delivery_status")},
        blocking=True,
    )
    await hass.async_block_till_done()
    assert requests_to(simulator, "getreport") == requests + 1
    assert state_of(hass, "last_delivery_status") == "delivered"
