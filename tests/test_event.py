"""The "Received SMS" event entity, its automation trigger and the logbook's words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components import automation
from homeassistant.components.logbook import DOMAIN as LOGBOOK_DOMAIN
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import Event, HomeAssistant, ServiceCall, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.integration_platform import (
    async_process_integration_platforms,
)
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_mock_service,
)

from custom_components.eims.account.receive import EVENT_SMS_RECEIVED
from custom_components.eims.const import DEFAULT_NAME, DOMAIN
from custom_components.eims.logbook import async_describe_events, excerpt
from simulator.testing import RunningSimulator

from .common import async_poll

RECEIVED_SMS = "event.demo_127_0_0_1_received_sms"
SENDER = "+447911123456"


def inject(simulator: RunningSimulator, *texts: str) -> None:
    """Queue SMS with these texts on the simulator's demo account."""
    for text in texts:
        simulator.state.add_inbound(
            simulator.state.accounts["demo"], sender=SENDER, content=text
        )


async def test_entity(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
    entity_registry: er.EntityRegistry,
) -> None:
    """The entity belongs to the account's device and shows the last SMS."""
    entry = entity_registry.async_get(RECEIVED_SMS)
    assert entry is not None
    assert entry.unique_id == f"{init_sim_entry.entry_id}_received_sms"
    assert entry.translation_key == "received_sms"
    assert entry.device_id is not None
    state = hass.states.get(RECEIVED_SMS)
    assert state.state == STATE_UNKNOWN
    assert state.attributes["event_types"] == ["received"]

    inject(simulator, "first", "second")
    await async_poll(hass, freezer)
    state = hass.states.get(RECEIVED_SMS)
    assert state.attributes["event_type"] == "received"
    assert state.attributes["text"] == "second"
    assert state.attributes["sender"] == SENDER


async def test_last_sms_restored(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
) -> None:
    """After a reload the entity still shows the last SMS (no sensor needed)."""
    inject(simulator, "kept")
    await async_poll(hass, freezer)
    before = hass.states.get(RECEIVED_SMS)
    await hass.config_entries.async_reload(init_sim_entry.entry_id)
    await hass.async_block_till_done()
    after = hass.states.get(RECEIVED_SMS)
    assert after.state == before.state
    assert after.attributes["text"] == "kept"


async def test_unavailable_when_unloaded(
    hass: HomeAssistant, init_sim_entry: MockConfigEntry
) -> None:
    """Unloading the entry makes the entity unavailable and drops its listener."""
    inbox = init_sim_entry.runtime_data.account.inbox
    # The entity's and the conversations'.
    assert len(inbox._listeners) == 2
    assert await hass.config_entries.async_unload(init_sim_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(RECEIVED_SMS).state == STATE_UNAVAILABLE
    assert inbox._listeners == []


async def test_automation_fires_per_message(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
) -> None:
    """The automation editor's event-entity trigger runs once per SMS, in order."""
    calls = async_mock_service(hass, "test", "automation")
    assert await async_setup_component(
        hass,
        automation.DOMAIN,
        {
            automation.DOMAIN: [
                {
                    "triggers": {
                        "trigger": "event.received",
                        "target": {"entity_id": RECEIVED_SMS},
                        "options": {"event_type": ["received"]},
                    },
                    "actions": {
                        "action": "test.automation",
                        "data": {
                            "text": "{{ trigger.to_state.attributes.text }}",
                        },
                    },
                },
                {
                    "triggers": {"trigger": "event", "event_type": EVENT_SMS_RECEIVED},
                    "actions": {
                        "action": "test.automation",
                        "data": {
                            "bus": "{{ trigger.event.data.text }}",
                            "entry": "{{ trigger.event.data.entry_id }}",
                        },
                    },
                },
            ]
        },
    )
    inject(simulator, "one", "two", "three")
    await async_poll(hass, freezer)
    entity_calls: list[ServiceCall] = [c for c in calls if "text" in c.data]
    bus_calls: list[ServiceCall] = [c for c in calls if "bus" in c.data]
    assert [call.data["text"] for call in entity_calls] == ["one", "two", "three"]
    assert [call.data["bus"] for call in bus_calls] == ["one", "two", "three"]
    assert {call.data["entry"] for call in bus_calls} == {init_sim_entry.entry_id}


@pytest.fixture
def describe(hass: HomeAssistant) -> Callable[[dict[str, Any]], dict[str, str]]:
    """Return the logbook's description of an `eims_sms_received` event."""
    described: dict[str, Callable[[Event], dict[str, str]]] = {}

    def collect(domain: str, event_type: str, fn: Callable[..., Any]) -> None:
        assert domain == DOMAIN
        described[event_type] = fn

    async_describe_events(hass, collect)
    return lambda data: described[EVENT_SMS_RECEIVED](Event(EVENT_SMS_RECEIVED, data))


async def test_logbook_entry(
    hass: HomeAssistant,
    init_sim_entry: MockConfigEntry,
    describe: Callable[[dict[str, Any]], dict[str, str]],
) -> None:
    """A received SMS reads "<account> received SMS from <number>: <text>"."""
    data = {"entry_id": init_sim_entry.entry_id, "id": 1, "sender": SENDER}
    assert describe({**data, "text": "Hello\nthere"}) == {
        "name": "demo @ 127.0.0.1",
        "message": f"received SMS from {SENDER}: Hello there",
        "icon": "mdi:message-arrow-left",
    }
    long = "x" * 49 + " yz" + "w" * 40
    assert describe({**data, "text": long})["message"].endswith(": " + "x" * 49 + "…")
    assert describe({**data, "text": ""})["message"].endswith(": (empty)")
    undecoded = {**data, "text": "%%", "decoded": False, "raw": "%%"}
    assert describe(undecoded)["message"].endswith(": (not valid text) %%")
    gone = {**data, "entry_id": "removed", "text": "hi"}
    assert describe(gone)["name"] == DEFAULT_NAME


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("short", "short"),
        ("a" * 50, "a" * 50),
        ("a" * 51, "a" * 49 + "…"),
        ("  spaced\t\tout\n", "spaced out"),
    ],
)
def test_excerpt(text: str, expected: str) -> None:
    """Excerpts keep at most 50 characters on one line, the cut mark included."""
    assert excerpt(text) == expected


async def test_logbook_finds_the_platform(
    hass: HomeAssistant, init_sim_entry: MockConfigEntry
) -> None:
    """Home Assistant finds logbook.py the way the logbook integration looks for it."""
    found: dict[str, str] = {}

    @callback
    def process(hass: HomeAssistant, domain: str, platform: Any) -> None:
        platform.async_describe_events(
            hass, lambda owner, event_type, _: found.setdefault(event_type, owner)
        )

    await async_process_integration_platforms(hass, LOGBOOK_DOMAIN, process)
    await hass.async_block_till_done()
    assert found[EVENT_SMS_RECEIVED] == DOMAIN
