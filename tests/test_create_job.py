"""The eims.create_job action: every job type, what reaches the gateway, every error."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from unittest.mock import MagicMock

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.eims.api import EimsTimeoutError
from custom_components.eims.const import DOMAIN
from simulator.testing import RunningSimulator

from .common import ActionCall, action_caller

pytestmark = pytest.mark.usefixtures("in_the_uk")

UK_MOBILE = "+447911123456"

AWAITING_REPORT = "sensor.demo_127_0_0_1_messages_awaiting_report"


@pytest.fixture
def sim_job(hass: HomeAssistant, init_sim_entry: MockConfigEntry) -> ActionCall:
    """Call eims.create_job on the simulator's entry."""
    return action_caller(hass, init_sim_entry, "create_job")


@pytest.fixture
def mock_job(hass: HomeAssistant, init_integration: MockConfigEntry) -> ActionCall:
    """Call eims.create_job on the entry with the mocked client."""
    return action_caller(hass, init_integration, "create_job")


def _future(days: int = 1) -> datetime:
    return (dt_util.utcnow() + timedelta(days=days)).replace(microsecond=0)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"job_type": "immediate"}, {}),
        (
            {"job_type": "timed", "start": "START"},
            {"jobtype": 1, "planstarttm": "START"},
        ),
        (
            {"job_type": "interval", "interval": 90, "minute": 5, "hour": 8, "day": 1},
            {"jobtype": 2, "interval": 90, "min": 5, "hour": 8, "day": 1},
        ),
        (
            {"job_type": "daily", "hour": 9, "minute": 0, "period": 10},
            {"jobtype": 3, "hour": 9, "min": 0, "period": 10},
        ),
        (
            {"job_type": "weekly", "week": 1, "hour": 7, "minute": 30, "end": "END"},
            {"jobtype": 4, "week": 1, "hour": 7, "min": 30, "planendtm": "END"},
        ),
        (
            {
                "job_type": "monthly",
                "month": 12,
                "day": 24,
                "hour": 18,
                "minute": 0,
                "start": "PAST",
            },
            {
                "jobtype": 5,
                "mon": 12,
                "day": 24,
                "hour": 18,
                "min": 0,
                "planstarttm": "PAST",
            },
        ),
    ],
)
async def test_create_job_types(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    sim_job: ActionCall,
    fields: dict[str, Any],
    expected: dict[str, Any],
) -> None:
    """Every job type reaches the gateway with its fields; the response has its id."""
    times = {"START": _future(1), "END": _future(30), "PAST": _future(-3)}
    fields = {k: times[v].isoformat() if v in times else v for k, v in fields.items()}
    expected = {
        k: int(times[v].timestamp()) if v in times else v for k, v in expected.items()
    }
    response = await sim_job(
        name="Reminder", message="Take your pills", numbers="07911 123456", **fields
    )
    submission = simulator.state.submissions[-1]
    assert submission.endpoint == "smsjob"
    assert response == {"job_id": submission.job_id}
    assert submission.job_id in simulator.state.jobs
    params = submission.params
    assert params["job"] == "Reminder"
    assert params["numbers"] == UK_MOBILE
    assert params["numbersrc"] == 0
    assert {key: params[key] for key in expected} == expected


async def test_create_job_with_url_mms_and_options(
    hass: HomeAssistant, simulator: RunningSimulator, sim_job: ActionCall
) -> None:
    """A numbers URL, an MMS title, a sender, retries and flash reach the gateway."""
    await sim_job(
        name="List",
        message="Sale",
        numbers_url="http://127.0.0.1/lists/customers.xls",
        mms_title="Sale",
        sender="SHOP",
        retry=2,
        flash=True,
    )
    params = simulator.state.submissions[-1].params
    assert params["numbersrc"] == 1
    assert params["numbers"] == "http://127.0.0.1/lists/customers.xls"
    assert params["smstype"] == 1
    assert params["mmstitle"] == "Sale"
    assert params["senderid"] == "SHOP"
    assert params["retry"] == 2
    assert params["flash"] == 1


async def test_create_job_refused_by_gateway(
    hass: HomeAssistant, simulator: RunningSimulator, sim_job: ActionCall
) -> None:
    """A job the gateway refuses gives the error naming the cause."""
    simulator.state.add_fault(
        {"kind": "status", "endpoint": "smsjob", "status": -17, "count": 1}
    )
    with pytest.raises(HomeAssistantError) as err:
        await sim_job(name="j", message="Hi", numbers=UK_MOBILE)
    assert err.value.translation_key == "job_error"


async def test_create_job_timeout(
    hass: HomeAssistant, mock_client: MagicMock, mock_job: ActionCall
) -> None:
    """A job the gateway answers too late may exist: the error says so, no retry."""
    mock_client.create_job.side_effect = EimsTimeoutError("No reply")
    with pytest.raises(HomeAssistantError) as err:
        await mock_job(name="Night", message="Hi", numbers=UK_MOBILE)
    assert err.value.translation_key == "job_timeout"
    assert err.value.translation_placeholders == {"name": "Night"}
    mock_client.create_job.assert_awaited_once()


async def test_create_job_handled_as_sent(
    hass: HomeAssistant, mock_client: MagicMock, mock_job: ActionCall
) -> None:
    """After a job is created the balance is fetched again; no message id to follow."""
    mock_client.create_job.return_value = 42
    balance_polls = mock_client.get_balance.await_count
    assert await mock_job(name="j", message="Hi", numbers=UK_MOBILE) == {"job_id": 42}
    await hass.async_block_till_done()
    assert mock_client.get_balance.await_count == balance_polls + 1
    assert hass.states.get(AWAITING_REPORT).state == "0"


@pytest.mark.parametrize(
    ("data", "key", "placeholders"),
    [
        ({"name": "x" * 65}, "job_name_invalid", {"field": "name", "value": "x" * 65}),
        ({"name": ""}, "job_name_invalid", {"field": "name", "value": ""}),
        ({"message": ""}, "empty_message", {}),
        ({"numbers": None}, "no_numbers", {}),
        (
            {"numbers": "+44 7911 123456, nope"},
            "invalid_numbers",
            {"numbers": "nope", "count": "1"},
        ),
        (
            {"numbers": None, "numbers_url": "https://127.0.0.1/list.xlsx"},
            "numbers_url_not_xls",
            {"url": "https://127.0.0.1/list.xlsx"},
        ),
        (
            {"numbers": [f"+447911{i:06d}" for i in range(300)]},
            "job_numbers_too_long",
            {"field": "numbers", "value": str(300 * 14 - 1)},
        ),
        (
            {"job_type": "daily", "minute": 60, "hour": 1},
            "job_field_out_of_range",
            {"field": "minute", "value": "60"},
        ),
        (
            {"job_type": "weekly", "minute": 0, "hour": 1},
            "job_field_required",
            {"field": "week", "value": "None"},
        ),
        (
            {"job_type": "interval", "minute": 0, "hour": 1, "day": 1},
            "job_field_required",
            {"field": "interval", "value": "None"},
        ),
        (
            {"job_type": "timed"},
            "job_field_required",
            {"field": "start", "value": "None"},
        ),
        ({"retry": -1}, "job_field_out_of_range", {"field": "retry", "value": "-1"}),
        (
            {"job_type": "timed", "start": "2020-01-01T00:00:00+00:00"},
            "time_in_past",
            {"time": "2020-01-01T00:00:00+00:00"},
        ),
        (
            {"end": "2020-01-01T00:00:00+00:00"},
            "time_in_past",
            {"time": "2020-01-01T00:00:00+00:00"},
        ),
    ],
)
async def test_create_job_validation_errors(
    hass: HomeAssistant,
    mock_client: MagicMock,
    mock_job: ActionCall,
    data: dict[str, Any],
    key: str,
    placeholders: dict[str, str],
) -> None:
    """Job fields are checked before anything is sent, each with its own error."""
    call = {"name": "Job", "message": "Hi", "numbers": UK_MOBILE} | data
    with pytest.raises(ServiceValidationError) as err:
        await mock_job(**{k: v for k, v in call.items() if v is not None})
    assert err.value.translation_key == key
    assert err.value.translation_placeholders == placeholders
    mock_client.create_job.assert_not_called()


async def test_create_job_end_before_start(
    hass: HomeAssistant, mock_client: MagicMock, mock_job: ActionCall
) -> None:
    """An end before the start is refused."""
    with pytest.raises(ServiceValidationError) as err:
        await mock_job(
            name="Job",
            message="Hi",
            numbers=UK_MOBILE,
            job_type="daily",
            hour=1,
            minute=0,
            start=_future(5).isoformat(),
            end=_future(2).isoformat(),
        )
    assert err.value.translation_key == "job_end_before_start"
    assert err.value.translation_placeholders["field"] == "end"


async def test_entry_not_loaded(
    hass: HomeAssistant, init_integration: MockConfigEntry, mock_client: MagicMock
) -> None:
    """An entry that is not loaded is refused by name."""
    await hass.config_entries.async_unload(init_integration.entry_id)
    assert init_integration.state is ConfigEntryState.NOT_LOADED
    with pytest.raises(ServiceValidationError) as err:
        await action_caller(hass, init_integration, "create_job")(
            name="j", message="Hi", numbers=UK_MOBILE
        )
    assert err.value.translation_key == "service_config_entry_not_loaded"
    assert err.value.translation_placeholders == {
        "domain": DOMAIN,
        "entry_title": init_integration.title,
    }
    mock_client.create_job.assert_not_called()
