"""Tests for the named notify services: `notify.eims_<account>` and `notify.eims_<recipient>`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.notify import (
    ATTR_MESSAGE,
    ATTR_TARGET,
    DOMAIN as NOTIFY_DOMAIN,
    BaseNotificationService,
)
from homeassistant.config_entries import ConfigSubentry, ConfigSubentryData
from homeassistant.const import ATTR_ENTITY_ID, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.eims.const import DOMAIN
from simulator.testing import RunningSimulator

from .common import async_set_up_account
from .test_notify import RECIPIENTS as FAMILY_AND_FRAME

RECIPIENTS = [
    *FAMILY_AND_FRAME,
    ConfigSubentryData(
        subentry_type="recipient",
        title="Neighbour",
        unique_id=None,
        data={"numbers": ["+447911123459"], "message_type": "sms"},
    ),
]


def _our_services(hass: HomeAssistant) -> list[str]:
    return sorted(
        name
        for name in hass.services.async_services_for_domain(NOTIFY_DOMAIN)
        if name.startswith(DOMAIN)
    )


async def _set_up(hass: HomeAssistant, sim_entry: MockConfigEntry) -> MockConfigEntry:
    """Set the simulator's account up with three recipients."""
    return await async_set_up_account(hass, sim_entry, subentries=RECIPIENTS)


@pytest.fixture
async def entry(hass: HomeAssistant, sim_entry: MockConfigEntry) -> MockConfigEntry:
    """The simulator's account with three recipients, set up."""
    return await _set_up(hass, sim_entry)


async def _notify(
    hass: HomeAssistant, service: str, message: str, **fields: Any
) -> None:
    await hass.services.async_call(
        NOTIFY_DOMAIN, service, {"message": message, **fields}, blocking=True
    )


@pytest.mark.usefixtures("entry")
async def test_services_follow_the_account(hass: HomeAssistant) -> None:
    """A service per account and per recipient, plus `notify.eims`, while it is loaded."""
    assert _our_services(hass) == [
        "eims",
        "eims_demo",
        "eims_family",
        "eims_neighbour",
        "eims_photo_frame",
    ]


async def test_services_follow_subentries_and_unload(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """A recipient added or removed adds or removes its service; unloading removes all."""
    subentry = ConfigSubentry(
        subentry_type="recipient",
        title="Gate",
        unique_id=None,
        data={"numbers": ["+447911123460"], "message_type": "sms"},
    )
    hass.config_entries.async_add_subentry(entry, subentry)
    await hass.async_block_till_done()
    assert "eims_gate" in _our_services(hass)

    hass.config_entries.async_remove_subentry(entry, subentry.subentry_id)
    await hass.async_block_till_done()
    assert "eims_gate" not in _our_services(hass)

    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert _our_services(hass) == ["eims"]

    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert "eims_family" in _our_services(hass)


@pytest.mark.usefixtures("entry")
async def test_recipient_service_sends(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """`notify.eims_<recipient>` sends like its entity; `data` sets sender and MMS title."""
    await _notify(hass, "eims_family", "Dinner is ready", title="Home")
    params = simulator.state.submissions[-1].params
    assert params["numbers"] == "+447911123456,+447911123457"
    assert params["content"] == "Home\nDinner is ready"
    assert params["sender"] == "HOME"

    await _notify(
        hass,
        "eims_photo_frame",
        "Look",
        data={"sender": "GRAN", "push": {"sound": "ignored"}},
    )
    params = simulator.state.submissions[-1].params
    assert (params["smstype"], params["mmstitle"], params["sender"]) == (
        1,
        "Photo frame",
        "GRAN",
    )

    await _notify(hass, "eims_neighbour", "Parcel", data={"mms_title": "Post"})
    params = simulator.state.submissions[-1].params
    assert (params["smstype"], params["mmstitle"], params["content"]) == (
        1,
        "Post",
        "Parcel",
    )


@pytest.mark.usefixtures("entry")
async def test_account_service_sends_to_numbers_and_recipients(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """Numbers go in one send; recipients, by name or service, each with their settings."""
    before = len(simulator.state.submissions)
    await _notify(
        hass,
        "eims_demo",
        "Water leak",
        title="Alarm",
        target=["+447911123461", "+44 7911 123462", "family", "notify.eims_neighbour"],
    )
    sent = [s.params for s in simulator.state.submissions[before:]]
    assert [(p["numbers"], p["content"], p.get("sender")) for p in sent] == [
        ("+447911123461,+447911123462", "Alarm\nWater leak", None),
        ("+447911123456,+447911123457", "Alarm\nWater leak", "HOME"),
        ("+447911123459", "Alarm\nWater leak", None),
    ]
    # With one account, `notify.eims` is the account's service.
    await _notify(hass, "eims", "Hello", target="+447911123463")
    assert simulator.state.submissions[-1].params["numbers"] == "+447911123463"


@pytest.mark.usefixtures("entry")
async def test_send_time_from_data(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """`data.send_time` schedules the message on the gateway."""
    await _notify(
        hass, "eims_neighbour", "Later", data={"send_time": "2099-01-01 08:00:00"}
    )
    assert simulator.state.submissions[-1].params["sendtime"].startswith("20990101")


@pytest.mark.usefixtures("entry")
@pytest.mark.parametrize(
    ("service", "fields", "key"),
    [
        ("eims_demo", {}, "no_notify_target"),
        ("eims_demo", {"target": ["12"]}, "invalid_numbers"),
        ("eims_family", {"data": {"send_time": "soon"}}, "invalid_notify_data"),
        ("eims_family", {"data": {"send_time": "2001-01-01 08:00"}}, "time_in_past"),
        ("eims_family", {"message": " "}, "empty_message"),
    ],
)
async def test_refused_input(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    service: str,
    fields: dict[str, Any],
    key: str,
) -> None:
    """Bad input gets the same translated errors as eims.send_sms; nothing is sent."""
    before = len(simulator.state.submissions)
    with pytest.raises(ServiceValidationError) as err:
        await _notify(hass, service, **{"message": "Hi", **fields})
    assert err.value.translation_key == key
    assert len(simulator.state.submissions) == before


@pytest.mark.usefixtures("entry")
async def test_gateway_refusal(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """A refusal reaches the caller as the action's translated error; others still go."""
    simulator.state.add_fault(
        {"kind": "status", "endpoint": "sendsms", "status": -3, "count": 1}
    )
    before = len(simulator.state.submissions)
    with pytest.raises(HomeAssistantError) as err:
        await _notify(hass, "eims_demo", "Forbidden", target=["family", "neighbour"])
    assert err.value.translation_key == "sensitive_content"
    # The second recipient was still sent to after the first was refused.
    assert [s.params["numbers"] for s in simulator.state.submissions[before:]] == [
        "+447911123459"
    ]


@pytest.mark.usefixtures("entry")
async def test_eims_service_needs_one_account(
    hass: HomeAssistant, sim_entry: MockConfigEntry
) -> None:
    """With two accounts, `notify.eims` asks for the account's own service."""
    second = MockConfigEntry(
        domain=DOMAIN,
        title="demo2",
        unique_id="second",
        data={**sim_entry.data, CONF_WEBHOOK_ID: "second_webhook"},
    )
    second.add_to_hass(hass)
    assert await hass.config_entries.async_setup(second.entry_id)
    await hass.async_block_till_done()
    # Same account name: the newer account gets the suffix.
    assert "eims_demo_2" in _our_services(hass)
    with pytest.raises(ServiceValidationError) as err:
        await _notify(hass, "eims", "Hi", target="+447911123463")
    assert err.value.translation_key == "notify_account_ambiguous"


@pytest.mark.usefixtures("entry")
async def test_alert_repeats_until_acknowledged(
    hass: HomeAssistant, simulator: RunningSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """`alert:` sends on turn on, repeats on schedule, stops when acknowledged, says done."""
    hass.states.async_set("binary_sensor.door", "off")
    assert await async_setup_component(
        hass,
        "alert",
        {
            "alert": {
                "door": {
                    "name": "Door open",
                    "entity_id": "binary_sensor.door",
                    "state": "on",
                    "repeat": 5,
                    "can_acknowledge": True,
                    "message": "The door is open",
                    "done_message": "The door is closed",
                    "notifiers": ["eims_family"],
                }
            }
        },
    )
    await hass.async_block_till_done()

    def contents() -> list[str]:
        return [
            s.params["content"]
            for s in simulator.state.submissions
            if s.params["numbers"] == "+447911123456,+447911123457"
        ]

    hass.states.async_set("binary_sensor.door", "on")
    await hass.async_block_till_done()
    assert contents() == ["The door is open"]

    freezer.tick(timedelta(minutes=5))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert contents() == ["The door is open"] * 2

    await hass.services.async_call(
        "alert", "turn_off", {ATTR_ENTITY_ID: "alert.door"}, blocking=True
    )
    for _ in range(3):
        freezer.tick(timedelta(minutes=5))
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
    assert contents() == ["The door is open"] * 2

    hass.states.async_set("binary_sensor.door", "off")
    await hass.async_block_till_done()
    assert contents() == ["The door is open"] * 2 + ["The door is closed"]


async def test_notify_group_of_two_recipients(
    hass: HomeAssistant, sim_entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """A notify group (`platform: group`) reaches both recipients through their services."""
    # YAML notify platforms are read when notify starts, before the account loads.
    assert await async_setup_component(
        hass,
        NOTIFY_DOMAIN,
        {
            NOTIFY_DOMAIN: [
                {
                    "platform": "group",
                    "name": "household",
                    "services": [
                        {"action": "eims_family"},
                        # A group member's `data` is merged into the call: ours sits under `data`.
                        {
                            "action": "eims_neighbour",
                            "data": {"data": {"sender": "HOUSE"}},
                        },
                    ],
                }
            ]
        },
    )
    await _set_up(hass, sim_entry)
    await hass.async_block_till_done()
    before = len(simulator.state.submissions)
    await _notify(hass, "household", "Storm warning", title="Weather")
    sent = sorted(
        (s.params["numbers"], s.params["content"], s.params.get("sender"))
        for s in simulator.state.submissions[before:]
    )
    assert sent == [
        ("+447911123456,+447911123457", "Weather\nStorm warning", "HOME"),
        ("+447911123459", "Weather\nStorm warning", "HOUSE"),
    ]


class _Recorder(BaseNotificationService):
    """A legacy notify platform with one target, recording what it is asked to send."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    @property
    def targets(self) -> dict[str, str]:
        return {"one": "registered"}

    async def async_send_message(self, message: str = "", **kwargs: Any) -> None:
        self.sent.append({ATTR_MESSAGE: message, **kwargs})


async def test_home_assistant_replaces_the_target_of_a_target_service(
    hass: HomeAssistant,
) -> None:
    """
    Pin what the account's service works around (README, named notify actions).

    Home Assistant's legacy notify services hand a target's service only its registered
    target, dropping the call's `target`; `notify.eims_<account>` re-registers its handler
    to read it. Should this test fail, Home Assistant passes the call's `target` on and the
    handler in `EimsNotificationService.async_register_services` can go.
    """
    assert await async_setup_component(hass, NOTIFY_DOMAIN, {})
    service = _Recorder()
    await service.async_setup(hass, "pin", "pin")
    await service.async_register_services()
    await _notify(hass, "pin_one", "Hi", target=["+447911123456"])
    await _notify(hass, "pin", "Hi", target=["+447911123456"])
    assert [sent[ATTR_TARGET] for sent in service.sent] == [
        ["registered"],
        ["+447911123456"],
    ]
