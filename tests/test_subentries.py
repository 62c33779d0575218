"""Tests for recipient subentries and the number format option."""

from __future__ import annotations

from unittest.mock import MagicMock

from homeassistant.config_entries import SOURCE_USER, ConfigSubentryData
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.eims.const import (
    CONF_NUMBER_FORMAT,
    DOMAIN,
    NUMBER_FORMAT_DIGITS,
    NUMBER_FORMAT_PLUS,
)

ALICE = ConfigSubentryData(
    subentry_type="recipient",
    title="Alice",
    unique_id=None,
    data={"numbers": ["+447911123456"], "message_type": "sms"},
)


@pytest.fixture(autouse=True)
def country(hass: HomeAssistant) -> None:
    """National numbers are British in these tests."""
    hass.config.country = "GB"


async def _setup(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def test_add_recipient(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    mock_client: MagicMock,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """A new recipient is stored with E.164 numbers and gets a notify entity."""
    result = await hass.config_entries.subentries.async_init(
        (init_integration.entry_id, "recipient"), context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {
            "name": "Night shift",
            "numbers": ["07911 123456", "+44 7911 123457, 07911123456"],
            "sender": "  HOME ",
            "message_type": "mms",
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    # The success dialog names the notify action that alerts and groups call.
    assert result["description"] == "recipient_added"
    assert result["description_placeholders"] == {"notify_service": "eims_night_shift"}
    await hass.async_block_till_done()
    assert hass.services.has_service("notify", "eims_night_shift")
    (subentry,) = init_integration.subentries.values()
    assert subentry.title == "Night shift"
    assert dict(subentry.data) == {
        "numbers": ["+447911123456", "+447911123457"],
        "sender": "HOME",
        "message_type": "mms",
    }
    entity = entity_registry.async_get("notify.night_shift")
    assert entity is not None
    assert entity.config_subentry_id == subentry.subentry_id
    assert entity.unique_id == f"{init_integration.entry_id}_{subentry.subentry_id}"
    device = device_registry.async_get(entity.device_id)
    assert device is not None
    assert device.name == "Night shift"
    assert device.model == "MMS"
    account = device_registry.async_get_device_by_identifier(
        (DOMAIN, init_integration.entry_id), init_integration.entry_id
    )
    assert account is not None
    assert device.via_device_id == account.id
    assert hass.states.get("notify.night_shift") is not None


@pytest.mark.parametrize(
    ("numbers", "error", "placeholders"),
    [
        (["07911 123456", "12", "call me"], "invalid_numbers", "12, call me"),
        ([" ", ","], "no_numbers", None),
    ],
)
async def test_add_recipient_errors(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    numbers: list[str],
    error: str,
    placeholders: str | None,
) -> None:
    """Invalid numbers are named in the form; corrected, the recipient is added."""
    result = await hass.config_entries.subentries.async_init(
        (init_integration.entry_id, "recipient"), context={"source": SOURCE_USER}
    )
    user_input = {"name": "Bob", "numbers": numbers, "message_type": "sms"}
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], user_input
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"numbers": error}
    assert result["description_placeholders"].get("numbers") == placeholders
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], user_input | {"numbers": ["07911 123456"]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {"numbers": ["+447911123456"], "message_type": "sms"}


async def test_reconfigure_recipient(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    mock_client: MagicMock,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Changing a recipient updates its entity's device and its numbers."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=mock_config_entry.title,
        unique_id=mock_config_entry.unique_id,
        data=dict(mock_config_entry.data),
        subentries_data=[ALICE],
    )
    await _setup(hass, entry)
    (subentry_id,) = entry.subentries
    entity_id = "notify.alice"
    assert entity_registry.async_get(entity_id) is not None

    result = await entry.start_subentry_reconfigure_flow(hass, subentry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    assert result["description_placeholders"] == {"notify_service": "notify.eims_alice"}
    schema = result["data_schema"].schema
    suggested = {
        str(key): key.description["suggested_value"]
        for key in schema
        if key.description and "suggested_value" in key.description
    }
    assert suggested == {
        "name": "Alice",
        "numbers": ["+447911123456"],
        "message_type": "sms",
    }
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {"name": "Alice", "numbers": ["nope"], "message_type": "sms"},
    )
    assert result["errors"] == {"numbers": "invalid_numbers"}
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {"name": "Alice B", "numbers": ["07911 123457"], "message_type": "mms"},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    subentry = entry.subentries[subentry_id]
    assert subentry.title == "Alice B"
    assert dict(subentry.data) == {
        "numbers": ["+447911123457"],
        "message_type": "mms",
    }
    entity = entity_registry.async_get(entity_id)
    assert entity is not None
    device = device_registry.async_get(entity.device_id)
    assert device is not None
    assert (device.name, device.model) == ("Alice B", "MMS")
    assert hass.states.get(entity_id) is not None


async def test_remove_recipient(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    mock_client: MagicMock,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Removing a recipient removes its notify entity and its device."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=mock_config_entry.title,
        unique_id=mock_config_entry.unique_id,
        data=dict(mock_config_entry.data),
        subentries_data=[ALICE],
    )
    await _setup(hass, entry)
    (subentry_id,) = entry.subentries
    assert hass.states.get("notify.alice") is not None
    identifier = (DOMAIN, f"{entry.entry_id}_{subentry_id}")
    assert device_registry.async_get_device_by_identifier(identifier, entry.entry_id)
    assert hass.config_entries.async_remove_subentry(entry, subentry_id)
    await hass.async_block_till_done()
    assert entity_registry.async_get("notify.alice") is None
    assert hass.states.get("notify.alice") is None
    assert not device_registry.async_get_device_by_identifier(
        identifier, entry.entry_id
    )


async def test_number_format_option(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The options flow offers the number format, with + by default."""
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    defaults = {
        str(key): key.default()
        for key in result["data_schema"].schema
        if key.default is not vol.UNDEFINED
    }
    assert defaults[CONF_NUMBER_FORMAT] == NUMBER_FORMAT_PLUS
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            "currency": "none",
            "gateway_time_zone": "UTC",
            CONF_NUMBER_FORMAT: NUMBER_FORMAT_DIGITS,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert init_integration.options[CONF_NUMBER_FORMAT] == NUMBER_FORMAT_DIGITS
