"""The named notify actions describe themselves: whom they text, and what each field takes."""

from __future__ import annotations

from typing import Any

from homeassistant.components.notify import DOMAIN as NOTIFY_DOMAIN
from homeassistant.core import HomeAssistant
from homeassistant.helpers.service import async_get_all_descriptions
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from .common import async_set_up_account
from .test_device_recipients import PANEL
from .test_notify import RECIPIENTS as FAMILY_AND_FRAME

ACCOUNT_FIELDS = ["message", "title", "target", "data"]


async def _described(
    hass: HomeAssistant, sim_entry: MockConfigEntry, language: str
) -> dict[str, dict[str, Any]]:
    """Set the account up in `language`; return the descriptions of its notify actions."""
    hass.config.language = language
    await async_set_up_account(hass, sim_entry, subentries=[*FAMILY_AND_FRAME, PANEL])
    descriptions = (await async_get_all_descriptions(hass))[NOTIFY_DOMAIN]
    return {
        name: description
        for name, description in descriptions.items()
        if name.startswith("eims")
    }


async def test_actions_say_whom_they_text(
    hass: HomeAssistant, sim_entry: MockConfigEntry
) -> None:
    """Each action names its recipient or account, says SMS, and explains its fields."""
    described = await _described(hass, sim_entry, "en")
    assert {name: d["name"] for name, d in described.items()} == {
        "eims": "Send an SMS with EIMS",
        "eims_demo": "Send an SMS with demo @ 127.0.0.1",
        "eims_family": "Send an SMS to Family",
        "eims_photo_frame": "Send an MMS to Photo frame",
        "eims_alarm_panel": "Send an SMS command to Alarm panel",
    }
    for description in described.values():
        # What someone searching the Actions page for "SMS" finds.
        assert "SMS" in description["description"]
        for field in description["fields"].values():
            assert field["name"]
            assert field["description"]
    assert (
        "a recipient of the EIMS account demo @ 127.0.0.1"
        in (described["eims_family"]["description"])
    )
    assert list(described["eims_demo"]["fields"]) == ACCOUNT_FIELDS
    assert list(described["eims"]["fields"]) == ACCOUNT_FIELDS
    assert list(described["eims_family"]["fields"]) == ["message", "title", "data"]
    assert list(described["eims_alarm_panel"]["fields"]) == ["message", "data"]
    target = described["eims_demo"]["fields"]["target"]
    assert "notify.eims_family" in target["description"]
    assert target["selector"] == {"text": {"multiple": True}}
    data = described["eims_family"]["fields"]["data"]["description"]
    assert all(key in data for key in ("sender", "mms_title", "send_time"))
    assert (
        "mms_title"
        not in described["eims_alarm_panel"]["fields"]["data"]["description"]
    )
    assert described["eims_family"]["fields"]["message"]["required"] is True


@pytest.mark.parametrize(
    ("language", "name"),
    [
        ("de", "SMS an Family senden"),
        ("nl", "SMS versturen naar Family"),
        ("fr", "Envoyer un SMS à Family"),
        ("es", "Enviar un SMS a Family"),
        ("zh-Hans", "向 Family 发送短信 (SMS)"),
    ],
)
async def test_actions_speak_home_assistants_language(
    hass: HomeAssistant, sim_entry: MockConfigEntry, language: str, name: str
) -> None:
    """The texts are in Home Assistant's language, and still say SMS."""
    described = await _described(hass, sim_entry, language)
    assert described["eims_family"]["name"] == name
    assert "SMS" in described["eims_family"]["description"]
    message = described["eims_family"]["fields"]["message"]
    assert message["description"] != "The text to send."


async def test_descriptions_follow_a_language_change(
    hass: HomeAssistant, sim_entry: MockConfigEntry
) -> None:
    """Home Assistant's language changed: the actions are described in the new one."""
    await _described(hass, sim_entry, "en")
    await hass.config.async_update(language="de")
    await hass.async_block_till_done()
    descriptions = (await async_get_all_descriptions(hass))[NOTIFY_DOMAIN]
    assert descriptions["eims_family"]["name"] == "SMS an Family senden"
    assert descriptions["eims"]["name"] == "SMS mit EIMS senden"
