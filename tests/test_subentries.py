"""Tests for recipient subentries and the number format option."""

from __future__ import annotations

from typing import Any
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
# A British mobile number, and how the check step shows it.
MOBILE = "07400 123456"
MOBILE_READ = "- 07400 123456 → +44 7400 123456 (GB)"
SAVE = {"next_step_id": "save_numbers"}
CHANGE = {"next_step_id": "change_numbers"}


@pytest.fixture(autouse=True)
def country(hass: HomeAssistant) -> None:
    """National numbers are British in these tests."""
    hass.config.country = "GB"


@pytest.fixture
async def entry(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, mock_client: MagicMock
) -> MockConfigEntry:
    """The account with the recipient Alice, set up."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=mock_config_entry.title,
        unique_id=mock_config_entry.unique_id,
        data=dict(mock_config_entry.data),
        subentries_data=[ALICE],
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def _add(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    user_input: dict[str, Any],
    subentry_type: str = "recipient",
) -> Any:
    """Open the add dialog of `subentry_type` and submit `user_input`."""
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, subentry_type), context={"source": SOURCE_USER}
    )
    return await hass.config_entries.subentries.async_configure(
        result["flow_id"], user_input
    )


async def _configure(
    hass: HomeAssistant, result: Any, user_input: dict[str, Any]
) -> Any:
    """Answer the step the flow shows."""
    return await hass.config_entries.subentries.async_configure(
        result["flow_id"], user_input
    )


def _suggested(result: Any) -> dict[str, Any]:
    """Return the values a form shows filled in."""
    return {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
        if key.description and "suggested_value" in key.description
    }


def _assert_check(result: Any, phone_numbers: str, short_codes: str) -> None:
    """Assert that the flow asks before saving, listing how each entry was read."""
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "check_numbers"
    assert result["menu_options"] == ["save_numbers", "change_numbers"]
    assert result["description_placeholders"] == {
        "phone_numbers": phone_numbers,
        "short_codes": short_codes,
    }


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
    entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Changing a recipient updates its entity's device and its numbers."""
    (subentry_id,) = entry.subentries
    entity_id = "notify.alice"
    assert entity_registry.async_get(entity_id) is not None

    result = await entry.start_subentry_reconfigure_flow(hass, subentry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    assert result["description_placeholders"] == {"notify_service": "notify.eims_alice"}
    assert _suggested(result) == {
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
    entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Removing a recipient removes its notify entity and its device."""
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


async def test_short_code_saved_after_confirmation(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A short code is saved only once the user has seen how every entry was read."""
    result = await _add(
        hass,
        init_integration,
        {"name": "Bob", "numbers": ["12345", MOBILE], "message_type": "sms"},
    )
    _assert_check(result, MOBILE_READ, "- 12345 → 12345")
    assert not init_integration.subentries
    result = await _configure(hass, result, SAVE)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {
        "numbers": ["12345", "+447400123456"],
        "message_type": "sms",
    }
    assert result["description_placeholders"] == {"notify_service": "eims_bob"}
    await hass.async_block_till_done()
    (subentry,) = init_integration.subentries.values()
    assert (subentry.title, subentry.data["numbers"]) == (
        "Bob",
        ["12345", "+447400123456"],
    )


async def test_change_numbers_keeps_the_input(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A mobile number with digits missing reads as a short code; "change" goes back to fix it."""
    typed = {
        "name": "Bob",
        "numbers": ["07400 123"],
        "sender": "HOME",
        "message_type": "mms",
    }
    result = await _add(hass, init_integration, typed)
    _assert_check(result, "—", "- 07400 123 → 07400123")
    result = await _configure(hass, result, CHANGE)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {}
    assert _suggested(result) == typed
    result = await _configure(hass, result, typed | {"numbers": [MOBILE]})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {
        "numbers": ["+447400123456"],
        "sender": "HOME",
        "message_type": "mms",
    }


async def test_number_of_another_country_asks(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A Dutch number is not British: it is listed with its country before it is saved."""
    result = await _add(
        hass,
        init_integration,
        {"name": "Bob", "numbers": ["+31 6 12345678", MOBILE], "message_type": "sms"},
    )
    _assert_check(result, f"- +31 6 12345678 → +31 6 12345678 (NL)\n{MOBILE_READ}", "—")
    result = await _configure(hass, result, SAVE)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["numbers"] == ["+31612345678", "+447400123456"]


@pytest.mark.parametrize(
    "numbers",
    [
        [MOBILE],
        ["+44 7400 123456", "0044 7400 123457"],
        # A Guernsey number is in the United Kingdom's numbering plan.
        ["07911 123456"],
    ],
)
async def test_national_numbers_saved_at_once(
    hass: HomeAssistant, init_integration: MockConfigEntry, numbers: list[str]
) -> None:
    """Phone numbers of Home Assistant's country save without a question."""
    result = await _add(
        hass,
        init_integration,
        {"name": "Bob", "numbers": numbers, "message_type": "sms"},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_reconfigure_asks_about_a_short_code(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """Changing a recipient's number to a short code asks too, and "change" keeps the form."""
    (subentry_id,) = entry.subentries
    typed = {"name": "Alice", "numbers": ["12345"], "message_type": "sms"}
    result = await entry.start_subentry_reconfigure_flow(hass, subentry_id)
    result = await _configure(hass, result, typed)
    _assert_check(result, "—", "- 12345 → 12345")
    result = await _configure(hass, result, CHANGE)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    assert result["description_placeholders"] == {"notify_service": "notify.eims_alice"}
    assert _suggested(result) == typed
    assert entry.subentries[subentry_id].data["numbers"] == ["+447911123456"]
    result = await _configure(hass, result, typed)
    _assert_check(result, "—", "- 12345 → 12345")
    result = await _configure(hass, result, SAVE)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.subentries[subentry_id].data["numbers"] == ["12345"]


async def test_device_asks_about_a_short_code(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """An SMS-controlled device's numbers are checked the same way."""
    result = await _add(
        hass, init_integration, {"name": "Gate", "numbers": ["1234"]}, "device"
    )
    _assert_check(result, "—", "- 1234 → 1234")
    result = await _configure(hass, result, SAVE)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {"numbers": ["1234"]}


async def test_without_a_country(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Without a country only international numbers are valid; a short code still asks."""
    hass.config.country = None
    result = await _add(
        hass,
        init_integration,
        {"name": "Bob", "numbers": ["+31 6 12345678"], "message_type": "sms"},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    result = await _add(
        hass,
        init_integration,
        {
            "name": "Carol",
            "numbers": ["+31 6 12345678", "12345"],
            "message_type": "sms",
        },
    )
    _assert_check(result, "- +31 6 12345678 → +31 6 12345678 (NL)", "- 12345 → 12345")
