"""The "Received SMS" event entity and its automation trigger."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components import automation
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_mock_service,
)

from custom_components.eims.account.receive import EVENT_SMS_RECEIVED
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
