"""No path texts an emergency number: each refuses it, translated, and the gateway gets nothing."""

from __future__ import annotations

from typing import Any

from homeassistant.components.notify import DOMAIN as NOTIFY_DOMAIN
from homeassistant.config_entries import SOURCE_USER, ConfigSubentryData
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulator.testing import RunningSimulator

from .common import action_caller, async_set_up_account
from .conftest import MUM

pytestmark = pytest.mark.usefixtures("in_the_uk")

# 999 is the United Kingdom's; +49 112 is Germany's, written internationally.
EMERGENCY = ["999", "+49 112"]
EMERGENCY_SERVICES = ConfigSubentryData(
    subentry_type="recipient",
    title="Services",
    unique_id=None,
    # Saved before numbers were checked for emergency services.
    data={"numbers": ["999"], "message_type": "sms"},
)


@pytest.fixture
async def entry(hass: HomeAssistant, sim_entry: MockConfigEntry) -> MockConfigEntry:
    """The simulator's account with a recipient whose number is an emergency number."""
    return await async_set_up_account(hass, sim_entry, subentries=[EMERGENCY_SERVICES])


def assert_refused(err: pytest.ExceptionInfo[ServiceValidationError]) -> None:
    """The error names the emergency numbers in its own translated text."""
    assert err.value.translation_key == "emergency_numbers"
    assert str(err.value) == (
        "Emergency numbers are never texted: 999, +49 112. Nothing was sent"
    )


@pytest.mark.parametrize("subentry_type", ["recipient", "device"])
async def test_subentry_refuses_emergency_numbers(
    hass: HomeAssistant, entry: MockConfigEntry, subentry_type: str
) -> None:
    """A recipient or device with an emergency number is not saved; short codes still are."""
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, subentry_type), context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {"name": "Help", "numbers": [*EMERGENCY, "call me", "10010"]},
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"numbers": "emergency_numbers"}
    assert result["description_placeholders"]["numbers"] == "999, +49 112"
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"name": "Help", "numbers": ["10010"]}
    )
    assert result["step_id"] == "check_numbers"


async def test_send_sms_refuses(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """eims.send_sms refuses emergency numbers among others, and sends nothing."""
    with pytest.raises(ServiceValidationError) as err:
        await action_caller(hass, entry, "send_sms")(
            numbers=[MUM, *EMERGENCY, "not-a-number"], message="Help"
        )
    assert_refused(err)
    assert simulator.state.submissions == []


async def test_send_sms_skips_them_as_invalid(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """With invalid numbers skipped, they are reported invalid and never sent."""
    response = await action_caller(hass, entry, "send_sms")(
        numbers=[*EMERGENCY, MUM, "10010"], message="Hi", skip_invalid=True
    )
    assert response["invalid"] == EMERGENCY
    [submission] = simulator.state.submissions
    assert submission.params["numbers"] == f"{MUM},10010"


async def test_send_sms_skips_nothing_when_only_they_are_left(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """With nothing else to send, skipping invalid numbers still says why."""
    with pytest.raises(ServiceValidationError) as err:
        await action_caller(hass, entry, "send_sms")(
            numbers=EMERGENCY, message="Hi", skip_invalid=True
        )
    assert_refused(err)
    assert simulator.state.submissions == []


@pytest.mark.parametrize(
    ("service", "data", "numbers"),
    [
        ("eims_services", {}, "999"),
        ("eims_demo", {"target": EMERGENCY}, "999, +49 112"),
        ("eims", {"target": ["999"]}, "999"),
    ],
)
async def test_named_notify_actions_refuse(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: RunningSimulator,
    service: str,
    data: dict[str, Any],
    numbers: str,
) -> None:
    """The named notify actions refuse a recipient's or a target's emergency number."""
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            NOTIFY_DOMAIN, service, {"message": "Help", **data}, blocking=True
        )
    assert err.value.translation_key == "emergency_numbers"
    assert err.value.translation_placeholders == {"numbers": numbers}
    assert simulator.state.submissions == []


async def test_notify_entity_refuses(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """The recipient's notify entity refuses to text its emergency number."""
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            NOTIFY_DOMAIN,
            "send_message",
            {"entity_id": "notify.services", "message": "Help"},
            blocking=True,
        )
    assert err.value.translation_key == "emergency_numbers"
    assert simulator.state.submissions == []


@pytest.mark.parametrize(
    ("to", "numbers"), [(["999", MUM], "999"), (["Services"], "999")]
)
async def test_ask_refuses(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: RunningSimulator,
    to: list[str],
    numbers: str,
) -> None:
    """eims.ask refuses an emergency number, given as a number or as a recipient's."""
    with pytest.raises(ServiceValidationError) as err:
        await action_caller(hass, entry, "ask")(to=to, question="Need help?")
    assert err.value.translation_key == "emergency_numbers"
    assert err.value.translation_placeholders == {"numbers": numbers}
    assert simulator.state.submissions == []
    assert entry.runtime_data.account.questions.pending == 0


async def test_create_job_refuses(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """eims.create_job refuses a job for emergency numbers; no job reaches the gateway."""
    with pytest.raises(ServiceValidationError) as err:
        await action_caller(hass, entry, "create_job")(
            name="Drill",
            numbers=[MUM, *EMERGENCY],
            message="Help",
            job_type="immediate",
        )
    assert_refused(err)
    assert simulator.state.submissions == []
