"""Tests for SMS-controlled devices: text exactly as written, GSM-7 only."""

from __future__ import annotations

from homeassistant.components.notify import DOMAIN as NOTIFY_DOMAIN
from homeassistant.config_entries import SOURCE_USER, ConfigSubentryData
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulator.testing import RunningSimulator

from .common import async_set_up_account

PANEL = ConfigSubentryData(
    subentry_type="device",
    title="Alarm panel",
    unique_id=None,
    data={"numbers": ["+447911123470"]},
)


@pytest.fixture
async def panel_entry(
    hass: HomeAssistant, sim_entry: MockConfigEntry
) -> MockConfigEntry:
    """The simulator's account with an alarm panel, set up."""
    return await async_set_up_account(hass, sim_entry, subentries=[PANEL])


@pytest.mark.usefixtures("mock_client")
async def test_add_device(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """A device has a name, numbers and a sender; it becomes a notify entity without title."""
    result = await hass.config_entries.subentries.async_init(
        (init_integration.entry_id, "device"), context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    assert [str(key) for key in result["data_schema"].schema] == [
        "name",
        "numbers",
        "sender",
    ]
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"name": "Gate", "numbers": ["+44 7911 123471"]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {"numbers": ["+447911123471"]}
    assert result["description_placeholders"] == {"notify_service": "eims_gate"}
    await hass.async_block_till_done()
    state = hass.states.get("notify.gate")
    assert state is not None
    assert state.attributes["supported_features"] == 0
    entity = entity_registry.async_get("notify.gate")
    assert entity is not None
    assert entity.translation_key == "device"
    device = device_registry.async_get(entity.device_id)
    assert device is not None
    assert device.model == "SMS-controlled device"
    assert hass.services.has_service(NOTIFY_DOMAIN, "eims_gate")


@pytest.mark.usefixtures("panel_entry")
async def test_command_sent_exactly(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """ "ARM 1234" goes byte for byte: no title line, no change, as an SMS."""
    await hass.services.async_call(
        NOTIFY_DOMAIN,
        "send_message",
        {ATTR_ENTITY_ID: "notify.alarm_panel", "message": "ARM 1234", "title": "Hi"},
        blocking=True,
    )
    params = simulator.state.submissions[-1].params
    assert params["content"].encode() == b"ARM 1234"
    assert (params["numbers"], params["smstype"]) == ("+447911123470", 0)
    assert "mmstitle" not in params

    # Through the named action too, with spaces and an extension character kept.
    await hass.services.async_call(
        NOTIFY_DOMAIN,
        "eims_alarm_panel",
        {"message": " #SET{1}€ ", "title": "Alert"},
        blocking=True,
    )
    assert simulator.state.submissions[-1].params["content"] == " #SET{1}€ "


@pytest.mark.usefixtures("panel_entry")
@pytest.mark.parametrize(
    ("service", "data"),
    [
        ("send_message", {ATTR_ENTITY_ID: "notify.alarm_panel"}),
        ("eims_alarm_panel", {}),
    ],
)
async def test_not_gsm7_refused(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    service: str,
    data: dict[str, str],
) -> None:
    """ "Arm ✓" is refused with a translated error naming the character; nothing is sent."""
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            NOTIFY_DOMAIN, service, {**data, "message": "Arm ✓ ✓"}, blocking=True
        )
    assert err.value.translation_key == "device_text_not_gsm7"
    assert err.value.translation_placeholders == {"characters": "✓"}
    assert simulator.state.submissions == []
