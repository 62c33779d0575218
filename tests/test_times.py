"""Every time the integration shows is ISO 8601 in UTC, whatever the gateway's zone."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
import re
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    WebSocketGenerator,
)

from custom_components.eims.account.ask import EVENT_REPLY_RECEIVED
from custom_components.eims.account.receive import EVENT_SMS_RECEIVED
from custom_components.eims.account.track import EVENT_DELIVERY_REPORT
from custom_components.eims.const import CONF_GATEWAY_TIME_ZONE, DOMAIN
from simulator.accounts import Outcome
from simulator.testing import RunningSimulator

from .common import async_poll
from .conftest import DAD, ENTRY_DATA, MUM, STRANGER
from .test_trigger import attach
from .test_webhook import pushed_body

# Ejoin's own zone (+08:00); Home Assistant's test zone is US/Pacific, neither is UTC.
GATEWAY_ZONE = "Asia/Shanghai"
# An SMS the gateway received at 07:30 on 1 December, its time: 23:30 on 30 November in UTC.
RECEIVED = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
RECEIVED_SHOWN = "2026-11-30T23:30:00+00:00"
UTC_ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00")
# Anything that reads as a date and a time, in any form.
LOOKS_LIKE_TIME = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d")
LAST_STATUS = "sensor.demo_127_0_0_1_last_delivery_status"
RECEIVED_SMS = "event.demo_127_0_0_1_received_sms"
DELIVERY_REPORT = "event.demo_127_0_0_1_delivery_report"
# Where each time must show up (list positions left out of the paths).
EXPECTED = {
    "event data/eims_sms_received/received_at",
    "event data/eims_delivery_report/sent_at",
    "event data/eims_delivery_report/reported_at",
    "event data/eims_reply_received/asked_at",
    f"attributes/{RECEIVED_SMS}/received_at",
    f"attributes/{DELIVERY_REPORT}/sent_at",
    f"attributes/{DELIVERY_REPORT}/reported_at",
    f"attributes/{LAST_STATUS}/sent_at",
    f"attributes/{LAST_STATUS}/reported_at",
    "trigger variables/sms_received/received_at",
    "trigger variables/delivery_failed/sent_at",
    "trigger variables/delivery_failed/reported_at",
    "trigger variables/reply_received/asked_at",
    "action responses/ask/expires_at",
    "diagnostics/balance_poll/updated_at",
    "diagnostics/deliveries/last_push",
    "diagnostics/deliveries/last_report/sent_at",
    "diagnostics/deliveries/last_report/reported_at",
}


@pytest.fixture
def recorder_db_url() -> str:
    """An in-memory database for the logbook (hass exists before the recorder fixture)."""
    return "sqlite://"


@pytest.fixture
def simulator_options() -> dict[str, object]:
    """A gateway in its own zone, giving delivery times; messages move when stepped."""
    return {
        "tz": dt_util.get_time_zone(GATEWAY_ZONE),
        "step_seconds": 0,
        "report_fields": 6,
    }


@pytest.fixture
def sim_entry_options() -> dict[str, object]:
    """The user told the integration the gateway's zone."""
    return {CONF_GATEWAY_TIME_ZONE: GATEWAY_ZONE}


def times_in(value: Any, path: str) -> Iterator[tuple[str, datetime | str]]:
    """Yield every time in `value` (a datetime, or text that reads as one) with its path."""
    if isinstance(value, datetime):
        yield path, value
    elif isinstance(value, str):
        if LOOKS_LIKE_TIME.search(value):
            yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from times_in(item, f"{path}/{key}")
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from times_in(item, path)


async def logbook_entries(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, since: datetime
) -> list[dict[str, Any]]:
    """Return what the logbook shows since `since`, as the frontend asks for it."""
    await async_wait_recording_done(hass)
    client = await hass_ws_client()
    await client.send_json_auto_id(
        {"type": "logbook/get_events", "start_time": since.isoformat()}
    )
    response = await client.receive_json()
    assert response["success"]
    entries: list[dict[str, Any]] = response["result"]
    return entries


async def test_every_time_shown_is_utc(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_client: ClientSessionGenerator,
    hass_client_no_auth: ClientSessionGenerator,
    hass_ws_client: WebSocketGenerator,
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
) -> None:
    """
    A day with a gateway 8 hours ahead of UTC: every time shown anywhere is UTC ISO 8601.

    Sent, polled and pushed reports, a received SMS and a reply to a question; then the
    event data, entity attributes, trigger variables, action responses, diagnostics and
    the logbook are searched for anything that reads as a time.
    """
    since = dt_util.utcnow() - timedelta(seconds=1)
    assert await async_setup_component(hass, "logbook", {})
    entry = init_sim_entry
    account = simulator.state.accounts["demo"]
    account.outcomes[DAD.removeprefix("+")] = Outcome.parse(
        {"outcome": "failed", "code": 1011}
    )
    bus = {
        event_type: async_capture_events(hass, event_type)
        for event_type in (
            EVENT_SMS_RECEIVED,
            EVENT_DELIVERY_REPORT,
            EVENT_REPLY_RECEIVED,
        )
    }
    triggers = {
        name: await attach(hass, {}, f"{DOMAIN}.{name}")
        for name in ("sms_received", "delivery_failed", "reply_received")
    }

    sent = await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {"config_entry_id": entry.entry_id, "numbers": [MUM, DAD], "message": "Hi"},
        blocking=True,
        return_response=True,
    )
    asked = await hass.services.async_call(
        DOMAIN,
        "ask",
        {
            "config_entry_id": entry.entry_id,
            "to": [MUM],
            "question": "Open the gate? Reply 1",
            "choices": {"1": "open"},
        },
        blocking=True,
        return_response=True,
    )
    assert sent is not None
    assert asked is not None
    polled = [message["id"] for message in sent["messages"]]
    [question_id] = set(simulator.state.messages) - set(polled)
    # Reports: two polled, then the question's pushed (polling leaves recent messages to
    # pushes once they arrive); the gateway writes its own local times.
    simulator.state.step_messages(ids=polled, steps=None)
    await async_poll(hass, freezer)
    client = await hass_client_no_auth()
    response = await client.put(
        f"/api/webhook/{ENTRY_DATA['webhook_id']}",
        data=pushed_body(simulator, [question_id], "1.0"),
    )
    assert response.status == HTTPStatus.OK
    simulator.state.add_inbound(
        account, sender=STRANGER, content="Hello", received=RECEIVED.timestamp()
    )
    simulator.state.add_inbound(account, sender=MUM, content="1")
    await async_poll(hass, freezer)
    # The logbook shows what happened before now: let the poll's moment pass.
    freezer.tick(1)

    shown = {
        "event data": {
            event_type: [event.data for event in events]
            for event_type, events in bus.items()
        },
        "attributes": {
            entity_id: dict(state.attributes)
            for entity_id in (LAST_STATUS, RECEIVED_SMS, DELIVERY_REPORT)
            if (state := hass.states.get(entity_id)) is not None
        },
        "trigger variables": triggers,
        "action responses": {"send_sms": sent, "ask": asked},
        "diagnostics": await get_diagnostics_for_config_entry(hass, hass_client, entry),
        "logbook": await logbook_entries(hass, hass_ws_client, since),
    }

    found = [(path.removeprefix("/"), value) for path, value in times_in(shown, "")]
    assert sorted(EXPECTED - {path for path, _ in found}) == []
    for path, value in found:
        text = value.isoformat() if isinstance(value, datetime) else value
        assert UTC_ISO.fullmatch(text), f"{path}: {text}"
    # The gateway's local times read in its own zone, not in Home Assistant's.
    assert bus[EVENT_SMS_RECEIVED][0].data["received_at"] == RECEIVED_SHOWN
    assert triggers["sms_received"][0]["received_at"] == RECEIVED
    now = dt_util.utcnow() + timedelta(seconds=1)
    for event in bus[EVENT_DELIVERY_REPORT]:
        assert since <= datetime.fromisoformat(event.data["reported_at"]) <= now
    # The logbook shows the integration's entries (their times are Home Assistant's).
    messages = [entry.get("message", "") for entry in shown["logbook"]]
    assert any(message.startswith("from ") for message in messages)
