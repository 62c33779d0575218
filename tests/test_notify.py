"""Tests for the recipients' notify entities."""

from __future__ import annotations

from unittest.mock import MagicMock

from homeassistant.components.notify import (
    ATTR_MESSAGE,
    ATTR_TITLE,
    DOMAIN as NOTIFY_DOMAIN,
    SERVICE_SEND_MESSAGE,
)
from homeassistant.components.notify.const import NotifyEntityFeature
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.eims.api.exceptions import status_error
from custom_components.eims.const import DOMAIN
from simulator.testing import RunningSimulator

RECIPIENTS = [
    ConfigSubentryData(
        subentry_type="recipient",
        title="Family",
        unique_id=None,
        data={
            "numbers": ["+447911123456", "+447911123457"],
            "sender": "HOME",
            "message_type": "sms",
        },
    ),
    ConfigSubentryData(
        subentry_type="recipient",
        title="Photo frame",
        unique_id=None,
        data={"numbers": ["+447911123458"], "message_type": "mms"},
    ),
]


def _with_recipients(entry: MockConfigEntry) -> MockConfigEntry:
    return MockConfigEntry(
        domain=DOMAIN,
        title=entry.title,
        unique_id=entry.unique_id,
        data=dict(entry.data),
        subentries_data=RECIPIENTS,
    )


@pytest.fixture
async def sim_recipients(
    hass: HomeAssistant, sim_entry: MockConfigEntry
) -> MockConfigEntry:
    """The simulator's entry with two recipients, set up."""
    entry = _with_recipients(sim_entry)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def _notify(
    hass: HomeAssistant, entity_id: str, message: str, title: str | None = None
) -> None:
    data = {ATTR_ENTITY_ID: entity_id, ATTR_MESSAGE: message}
    if title is not None:
        data[ATTR_TITLE] = title
    await hass.services.async_call(
        NOTIFY_DOMAIN, SERVICE_SEND_MESSAGE, data, blocking=True
    )


async def test_entities(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    mock_client: MagicMock,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Each recipient is a notify entity with a title, on its own device."""
    entry = _with_recipients(mock_config_entry)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    entities = er.async_entries_for_config_entry(entity_registry, entry.entry_id)
    notify = sorted(
        (e.entity_id, e.config_subentry_id, e.unique_id, e.translation_key)
        for e in entities
        if e.domain == NOTIFY_DOMAIN
    )
    family, frame = entry.subentries
    assert notify == [
        ("notify.family", family, f"{entry.entry_id}_{family}", "recipient"),
        ("notify.photo_frame", frame, f"{entry.entry_id}_{frame}", "recipient"),
    ]
    state = hass.states.get("notify.family")
    assert state is not None
    assert state.state == "unknown"
    assert state.attributes == {
        "friendly_name": "Family",
        "supported_features": NotifyEntityFeature.TITLE,
    }
    device = device_registry.async_get_device_by_identifier(
        (DOMAIN, f"{entry.entry_id}_{frame}"), entry.entry_id
    )
    assert device is not None
    assert (device.name, device.model, device.manufacturer) == (
        "Photo frame",
        "MMS",
        "Ejoin",
    )


@pytest.mark.usefixtures("sim_recipients")
async def test_sms_to_recipient(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """An SMS reaches every number of the recipient, its title as the first line."""
    await _notify(hass, "notify.family", "Dinner is ready", "Home")
    submission = simulator.state.submissions[-1]
    assert submission.params["numbers"] == "+447911123456,+447911123457"
    assert submission.params["content"] == "Home\nDinner is ready"
    assert submission.params["sender"] == "HOME"
    assert submission.params["smstype"] == 0
    assert sorted(m.number for m in simulator.state.messages.values()) == [
        "447911123456",
        "447911123457",
    ]
    state = hass.states.get("notify.family")
    assert state is not None
    assert state.state != "unknown"

    await _notify(hass, "notify.family", "No title")
    assert simulator.state.submissions[-1].params["content"] == "No title"


@pytest.mark.usefixtures("sim_recipients")
async def test_mms_to_recipient(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """An MMS is titled by the notification's title, or else the recipient's name."""
    await _notify(hass, "notify.photo_frame", "Look", "Holiday")
    params = simulator.state.submissions[-1].params
    assert (params["smstype"], params["mmstitle"], params["content"]) == (
        1,
        "Holiday",
        "Look",
    )
    assert "sender" not in params
    await _notify(hass, "notify.photo_frame", "Look again")
    assert simulator.state.submissions[-1].params["mmstitle"] == "Photo frame"


@pytest.mark.usefixtures("sim_recipients")
async def test_notify_refused(hass: HomeAssistant, simulator: RunningSimulator) -> None:
    """A refusal reaches the automation as a translated error."""
    simulator.state.add_fault(
        {"kind": "status", "endpoint": "sendsms", "status": -3, "count": 1}
    )
    with pytest.raises(HomeAssistantError) as err:
        await _notify(hass, "notify.family", "Forbidden words")
    assert err.value.translation_key == "sensitive_content"


async def test_notify_error_from_client(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, mock_client: MagicMock
) -> None:
    """The notify path raises the same errors as the action."""
    entry = _with_recipients(mock_config_entry)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    mock_client.send_sms.side_effect = status_error(-10)
    with pytest.raises(HomeAssistantError) as err:
        await _notify(hass, "notify.family", "Hi")
    assert err.value.translation_key == "insufficient_balance"
