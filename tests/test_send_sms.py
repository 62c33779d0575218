"""The eims.send_sms action: what reaches the gateway, what the response says, every error."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, timedelta
from decimal import Decimal
from typing import Any
from unittest.mock import MagicMock
from zoneinfo import ZoneInfo

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.eims.api import (
    Accepted,
    EimsCannotConnectError,
    EimsConnectionError,
    EimsError,
    EimsHttpError,
    EimsPartialSendError,
    EimsTimeoutError,
    SendRequest,
    SendResult,
)
from custom_components.eims.api.exceptions import STATUS_ERRORS, status_error
from custom_components.eims.const import (
    CONF_GATEWAY_TIME_ZONE,
    CONF_NUMBER_FORMAT,
    DOMAIN,
    NUMBER_FORMAT_DIGITS,
)
from custom_components.eims.issues import INSUFFICIENT_BALANCE
from simulator.testing import RunningSimulator

from .common import ActionCall, action_caller, async_set_up_impatient, requests_to

pytestmark = pytest.mark.usefixtures("in_the_uk")

UK_MOBILE = "+447911123456"
UK_MOBILE_2 = "+447911123457"

AWAITING_REPORT = "sensor.demo_127_0_0_1_messages_awaiting_report"
LAST_STATUS = "sensor.demo_127_0_0_1_last_delivery_status"


def assert_followed(
    hass: HomeAssistant, count: int, *, message_id: int, origin: str
) -> None:
    """Assert the delivery sensors follow `count` messages, the last one as given."""
    assert hass.states.get(AWAITING_REPORT).state == str(count)
    last = hass.states.get(LAST_STATUS)
    assert last.state == "pending"
    assert last.attributes["message_id"] == message_id
    assert last.attributes["origin"] == origin


def accepting(
    accepted: SendResult, error: EimsError | None = None
) -> Callable[..., Awaitable[SendResult]]:
    """Answer `send_sms` as the client does: the accepted handed on, then the result or error."""

    async def send_sms(
        requests: Sequence[SendRequest],
        on_accepted: Callable[[Accepted], None] | None = None,
    ) -> SendResult:
        assert on_accepted is not None
        on_accepted(accepted.accepted)
        if error is not None:
            raise EimsPartialSendError(accepted, error)
        return accepted

    return send_sms


@pytest.fixture
def sim_send(hass: HomeAssistant, init_sim_entry: MockConfigEntry) -> ActionCall:
    """Call eims.send_sms on the simulator's entry."""
    return action_caller(hass, init_sim_entry, "send_sms")


@pytest.fixture
def mock_send(hass: HomeAssistant, init_integration: MockConfigEntry) -> ActionCall:
    """Call eims.send_sms on the entry with the mocked client."""
    return action_caller(hass, init_integration, "send_sms")


async def _set_options(
    hass: HomeAssistant, entry: MockConfigEntry, **options: Any
) -> None:
    hass.config_entries.async_update_entry(entry, options={**entry.options, **options})
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()


# Sending through the simulator


async def test_send_response_matches_simulator(
    hass: HomeAssistant, simulator: RunningSimulator, sim_send: ActionCall
) -> None:
    """The response holds what the gateway recorded; a number written twice goes once."""
    response = await sim_send(
        numbers=[UK_MOBILE, "07911 123457", "+44 7911 123456"], message="Door open"
    )
    submission = simulator.state.submissions[-1]
    assert submission.params["numbers"] == f"{UK_MOBILE},{UK_MOBILE_2}"
    assert submission.params["content"] == "Door open"
    assert "smstype" in submission.params
    assert "sendtime" not in submission.params
    assert response == {
        "success": 2,
        "fail": 0,
        "messages": [
            {"number": number, "id": message_id}
            for number, message_id in zip(
                [UK_MOBILE, UK_MOBILE_2], submission.ids, strict=True
            )
        ],
        "failed": [],
        "invalid": [],
        "suppressed": [],
        "segments": 1,
        "encoding": "GSM-7",
    }
    assert {m.number for m in simulator.state.messages.values()} == {
        UK_MOBILE[1:],
        UK_MOBILE_2[1:],
    }


async def test_send_comma_separated_and_digits_format(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
    sim_send: ActionCall,
) -> None:
    """A comma-separated text works; the digits option drops the +."""
    await _set_options(
        hass, init_sim_entry, **{CONF_NUMBER_FORMAT: NUMBER_FORMAT_DIGITS}
    )
    response = await sim_send(numbers=f"{UK_MOBILE}, 07911123457", message="Hi")
    assert simulator.state.submissions[-1].params["numbers"] == (
        f"{UK_MOBILE[1:]},{UK_MOBILE_2[1:]}"
    )
    assert [m["number"] for m in response["messages"]] == [
        UK_MOBILE[1:],
        UK_MOBILE_2[1:],
    ]


async def test_send_mms_sender_and_time(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
    sim_send: ActionCall,
) -> None:
    """An MMS title makes an MMS; the send time is the gateway's wall time in its zone."""
    await _set_options(
        hass, init_sim_entry, **{CONF_GATEWAY_TIME_ZONE: "Asia/Shanghai"}
    )
    when = (dt_util.utcnow() + timedelta(days=1)).replace(microsecond=0)
    await sim_send(
        numbers=[UK_MOBILE],
        message="Picture",
        mms_title="Doorbell",
        sender="HOME",
        send_time=when.isoformat(),
    )
    params = simulator.state.submissions[-1].params
    assert params["smstype"] == 1
    assert params["mmstitle"] == "Doorbell"
    assert params["sender"] == "HOME"
    assert params["sendtime"] == when.astimezone(ZoneInfo("Asia/Shanghai")).strftime(
        "%Y%m%d%H%M%S"
    )


async def test_naive_send_time_is_local(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
    sim_send: ActionCall,
) -> None:
    """A send time without a zone (the UI's) is Home Assistant's local time."""
    await hass.config.async_set_time_zone("Europe/London")
    await _set_options(hass, init_sim_entry, **{CONF_GATEWAY_TIME_ZONE: "UTC"})
    local = dt_util.now().replace(tzinfo=None, microsecond=0) + timedelta(days=2)
    await sim_send(numbers=[UK_MOBILE], message="Later", send_time=str(local))
    expected = local.replace(tzinfo=ZoneInfo("Europe/London")).astimezone(UTC)
    assert simulator.state.submissions[-1].params["sendtime"] == expected.strftime(
        "%Y%m%d%H%M%S"
    )


async def test_skip_invalid_numbers(
    hass: HomeAssistant, simulator: RunningSimulator, sim_send: ActionCall
) -> None:
    """With skip_invalid the valid numbers go and the response names the others."""
    response = await sim_send(
        numbers=[UK_MOBILE, "not-a-number", "12"], message="Hi", skip_invalid=True
    )
    assert response["invalid"] == ["not-a-number", "12"]
    assert response["success"] == 1
    assert simulator.state.submissions[-1].params["numbers"] == UK_MOBILE


async def test_segments_in_response(hass: HomeAssistant, sim_send: ActionCall) -> None:
    """The response counts segments: UCS-2 for Cyrillic, several for a long text."""
    response = await sim_send(numbers=[UK_MOBILE], message="Привет")
    assert (response["segments"], response["encoding"]) == (1, "UCS-2")
    response = await sim_send(numbers=[UK_MOBILE], message="a" * 200)
    assert (response["segments"], response["encoding"]) == (2, "GSM-7")


async def test_25000_numbers_take_three_posts(
    hass: HomeAssistant, simulator: RunningSimulator, sim_send: ActionCall
) -> None:
    """25,000 numbers go in exactly 3 requests, each number once."""
    simulator.state.accounts["demo"].balance = Decimal(10000)
    numbers = [f"+1650{200 + i // 10000}{i % 10000:04d}" for i in range(25000)]
    before = requests_to(simulator, "sendsms")
    response = await sim_send(numbers=[*numbers, numbers[0]], message="Bulk")
    assert requests_to(simulator, "sendsms") - before == 3
    assert response["success"] == 25000
    assert len({m["id"] for m in response["messages"]}) == 25000
    sent = [n for s in simulator.state.submissions for n in s.numbers]
    assert sorted(sent) == sorted(n[1:] for n in numbers)


async def test_send_refreshes_balance_once(
    hass: HomeAssistant, simulator: RunningSimulator, sim_send: ActionCall
) -> None:
    """After a send the balance is fetched once, and the sensor shows the new one."""
    balance_calls = requests_to(simulator, "getbalance")
    await sim_send(numbers=[UK_MOBILE], message="Hi")
    await hass.async_block_till_done()
    assert requests_to(simulator, "getbalance") == balance_calls + 1
    state = hass.states.get("sensor.demo_127_0_0_1_balance")
    assert state is not None
    assert Decimal(state.state) == simulator.state.accounts["demo"].balance


@pytest.mark.parametrize("status", sorted(STATUS_ERRORS, reverse=True))
async def test_gateway_status_on_send(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
    sim_send: ActionCall,
    status: int,
) -> None:
    """Every status the simulator answers becomes a translated error naming its cause."""
    simulator.state.add_fault(
        {"kind": "status", "endpoint": "sendsms", "status": status, "count": 1}
    )
    with pytest.raises(HomeAssistantError) as err:
        await sim_send(numbers=[UK_MOBILE], message="Hi")
    assert not isinstance(err.value, ServiceValidationError)
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == STATUS_ERRORS[status][1]
    assert requests_to(simulator, "sendsms") == 1


async def test_insufficient_balance_issue(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
    sim_send: ActionCall,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A send the balance cannot pay raises a repair issue; the next send clears it."""
    issue_id = f"{INSUFFICIENT_BALANCE}_{init_sim_entry.entry_id}"
    account = simulator.state.accounts["demo"]
    account.balance = account.gift = Decimal(0)
    with pytest.raises(HomeAssistantError) as err:
        await sim_send(numbers=[UK_MOBILE], message="Hi")
    assert err.value.translation_key == INSUFFICIENT_BALANCE
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is not None
    assert not simulator.state.messages
    account.balance = Decimal(10)
    await sim_send(numbers=[UK_MOBILE], message="Hi")
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None


@pytest.mark.parametrize(
    ("endpoint", "action", "data"),
    [
        ("sendsms", "send_sms", {}),
        ("smsjob", "create_job", {"name": "job"}),
    ],
)
async def test_locked_on_send_raises_the_polls_repair(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
    endpoint: str,
    action: str,
    data: dict[str, Any],
) -> None:
    """A send or job refused as locked raises the repair a poll would; an answer clears it."""
    issue_id = f"account_locked_{init_sim_entry.entry_id}"
    simulator.state.add_fault(
        {"kind": "status", "endpoint": endpoint, "status": -13, "count": 1}
    )
    call = action_caller(hass, init_sim_entry, action)
    with pytest.raises(HomeAssistantError) as err:
        await call(numbers=[UK_MOBILE], message="Hi", **data)
    assert err.value.translation_key == "account_locked"
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is not None
    await call(numbers=[UK_MOBILE], message="Hi", **data)
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None


async def test_auth_refused_on_send_starts_reauth(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
    sim_send: ActionCall,
) -> None:
    """A password refused on a send asks the user to sign in again."""
    simulator.state.add_fault(
        {"kind": "status", "endpoint": "sendsms", "status": -1, "count": 1}
    )
    with pytest.raises(HomeAssistantError):
        await sim_send(numbers=[UK_MOBILE], message="Hi")
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]


async def test_timeout_is_not_retried(
    hass: HomeAssistant, simulator: RunningSimulator, sim_entry: MockConfigEntry
) -> None:
    """A send the gateway answers too late is not sent again; the error says so."""
    await async_set_up_impatient(hass, sim_entry, 0.2)
    simulator.state.add_fault(
        {"kind": "latency", "endpoint": "sendsms", "seconds": 0.6, "count": 1}
    )
    with pytest.raises(HomeAssistantError) as err:
        await action_caller(hass, sim_entry, "send_sms")(
            numbers=[UK_MOBILE, UK_MOBILE_2], message="Hi"
        )
    assert err.value.translation_key == "send_timeout"
    assert err.value.translation_placeholders == {
        "count": "2",
        "accepted": "0",
        "ids": "-",
    }
    assert requests_to(simulator, "sendsms") == 1


# Sending with the mocked client: error paths


@pytest.mark.parametrize("status", sorted(STATUS_ERRORS, reverse=True))
async def test_client_status_errors(
    hass: HomeAssistant, mock_client: MagicMock, mock_send: ActionCall, status: int
) -> None:
    """Each status error of the client becomes the error named by its reason."""
    mock_client.send_sms.side_effect = status_error(status)
    with pytest.raises(HomeAssistantError) as err:
        await mock_send(numbers=[UK_MOBILE], message="Hi")
    assert err.value.translation_key == STATUS_ERRORS[status][1]
    mock_client.send_sms.assert_awaited_once()


@pytest.mark.parametrize(
    ("error", "key"),
    [
        (EimsCannotConnectError("refused"), "cannot_connect"),
        (EimsConnectionError("server disconnected"), "send_timeout"),
        (EimsHttpError(502, "/sendsms"), "send_timeout"),
    ],
)
async def test_client_connection_error(
    hass: HomeAssistant,
    mock_client: MagicMock,
    mock_send: ActionCall,
    error: Exception,
    key: str,
) -> None:
    """Only a refused connection proves nothing went; a broken one may have sent it."""
    mock_client.send_sms.side_effect = error
    with pytest.raises(HomeAssistantError) as err:
        await mock_send(numbers=[UK_MOBILE], message="Hi")
    assert err.value.translation_key == key
    mock_client.send_sms.assert_awaited_once()


async def test_timeout_after_earlier_batches(
    hass: HomeAssistant, mock_client: MagicMock, mock_send: ActionCall
) -> None:
    """A timeout after accepted batches names their ids, and they are followed."""
    accepted = SendResult(
        success=12,
        accepted={i: f"+4479111234{i:02d}" for i in range(12)},
        requests=1,
    )
    mock_client.send_sms.side_effect = accepting(accepted, EimsTimeoutError("No reply"))
    balance_polls = mock_client.get_balance.await_count
    with pytest.raises(HomeAssistantError) as err:
        await mock_send(numbers=[UK_MOBILE], message="Hi")
    assert err.value.translation_placeholders == {
        "count": "1",
        "accepted": "12",
        "ids": "0, 1, 2, 3, 4, 5, 6, 7, 8, 9 (+2)",
    }
    await hass.async_block_till_done()
    assert_followed(hass, 12, message_id=11, origin="action")
    assert mock_client.get_balance.await_count == balance_polls + 1
    mock_client.send_sms.assert_awaited_once()


async def test_refusal_after_earlier_batches(
    hass: HomeAssistant, mock_client: MagicMock, mock_send: ActionCall
) -> None:
    """A refusal after accepted batches still follows what was accepted."""
    accepted = SendResult(success=1, accepted={7: UK_MOBILE}, requests=1)
    mock_client.send_sms.side_effect = accepting(accepted, status_error(-12))
    with pytest.raises(HomeAssistantError) as err:
        await mock_send(numbers=[UK_MOBILE], message="Hi")
    assert err.value.translation_key == "platform_error"
    await hass.async_block_till_done()
    assert_followed(hass, 1, message_id=7, origin="action")


async def test_balance_refused_after_earlier_batches(
    hass: HomeAssistant,
    mock_client: MagicMock,
    mock_config_entry: MockConfigEntry,
    mock_send: ActionCall,
    issue_registry: ir.IssueRegistry,
) -> None:
    """The failure that ended a partial send is what the user is told and repaired by."""
    accepted = SendResult(success=1, accepted={7: UK_MOBILE}, requests=1)
    mock_client.send_sms.side_effect = accepting(accepted, status_error(-10))
    with pytest.raises(HomeAssistantError) as err:
        await mock_send(numbers=[UK_MOBILE], message="Hi")
    assert err.value.translation_key == INSUFFICIENT_BALANCE
    assert err.value.translation_placeholders == {
        "error": "Balance is insufficient (status -10)"
    }
    issue_id = f"{INSUFFICIENT_BALANCE}_{mock_config_entry.entry_id}"
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is not None
    await hass.async_block_till_done()
    assert_followed(hass, 1, message_id=7, origin="action")


async def test_send_followed_and_balance_fetched(
    hass: HomeAssistant, mock_client: MagicMock, mock_send: ActionCall
) -> None:
    """A successful send is followed with its origin, and the balance is fetched again."""
    result = SendResult(success=1, accepted={3: UK_MOBILE}, requests=1)
    mock_client.send_sms.side_effect = accepting(result)
    balance_polls = mock_client.get_balance.await_count
    response = await mock_send(numbers=[UK_MOBILE], message="Hi")
    assert response["messages"] == [{"number": UK_MOBILE, "id": 3}]
    await hass.async_block_till_done()
    assert_followed(hass, 1, message_id=3, origin="action")
    assert mock_client.get_balance.await_count == balance_polls + 1


@pytest.mark.parametrize(
    ("data", "key", "placeholders"),
    [
        ({"message": ""}, "empty_message", {}),
        ({"message": "  \n "}, "empty_message", {}),
        (
            {"message": "x" * 1025},
            "message_too_long",
            {"length": "1025", "max": "1024"},
        ),
        ({"numbers": []}, "no_numbers", {}),
        ({"numbers": " , ;"}, "no_numbers", {}),
        (
            {"numbers": [UK_MOBILE, "0800 abc", "12"]},
            "invalid_numbers",
            {"numbers": "0800 abc, 12", "count": "2"},
        ),
        (
            {"numbers": ["nope"], "skip_invalid": True},
            "invalid_numbers",
            {"numbers": "nope", "count": "1"},
        ),
        (
            {"numbers": [f"bad{i}" for i in range(12)]},
            "invalid_numbers",
            {
                "numbers": ", ".join(f"bad{i}" for i in range(10)) + " (+2)",
                "count": "12",
            },
        ),
        (
            {"send_time": "2020-01-01T00:00:00+00:00"},
            "time_in_past",
            {"time": "2020-01-01T00:00:00+00:00"},
        ),
    ],
)
async def test_send_validation_errors(
    hass: HomeAssistant,
    mock_client: MagicMock,
    mock_send: ActionCall,
    data: dict[str, Any],
    key: str,
    placeholders: dict[str, str],
) -> None:
    """Input is refused with a translated error before anything is sent."""
    with pytest.raises(ServiceValidationError) as err:
        await mock_send(**({"numbers": [UK_MOBILE], "message": "Hi"} | data))
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == key
    assert err.value.translation_placeholders == placeholders
    mock_client.send_sms.assert_not_called()


async def test_entry_not_found(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """An unknown entry id, or another integration's entry, is refused (HA's own errors)."""
    other = MockConfigEntry(domain="other", title="Other")
    other.add_to_hass(hass)
    for entry_id, key, placeholders in (
        ("nope", "service_config_entry_not_found", {"entry_id": "nope"}),
        (other.entry_id, "service_config_entry_wrong_domain", {"entry_title": "Other"}),
    ):
        with pytest.raises(ServiceValidationError) as err:
            await hass.services.async_call(
                DOMAIN,
                "send_sms",
                {"config_entry_id": entry_id, "numbers": UK_MOBILE, "message": "Hi"},
                blocking=True,
            )
        assert err.value.translation_domain == "homeassistant"
        assert err.value.translation_key == key
        assert err.value.translation_placeholders == {"domain": DOMAIN, **placeholders}
