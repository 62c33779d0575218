"""Delivery tracking against the simulator: polled reports, final states, not found, expiry."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from http import HTTPStatus
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.eims.account.track import EVENT_DELIVERY_REPORT, DeliveryTracker
from custom_components.eims.api import SendRequest
from custom_components.eims.const import CONF_TRACKING_WINDOW
from simulator.accounts import Outcome
from simulator.testing import RunningSimulator

from .common import async_poll, requests_to
from .conftest import ENTRY_DATA

ZONE = "US/Pacific"
NUMBER = "8613800000001"
SENSOR = "sensor.demo_127_0_0_1_{}"


@pytest.fixture
def simulator_options() -> dict[str, object]:
    """Messages move only when a test steps them; v3.5 rows; the gateway keeps HA's zone."""
    return {"tz": dt_util.get_time_zone(ZONE), "step_seconds": 0, "report_fields": 6}


def tracker_of(entry: MockConfigEntry) -> DeliveryTracker:
    """Return the entry's delivery tracker."""
    return entry.runtime_data.account.tracker


def state_of(hass: HomeAssistant, key: str) -> str:
    """Return a delivery sensor's state."""
    state = hass.states.get(SENSOR.format(key))
    assert state is not None
    return state.state


def counts(hass: HomeAssistant) -> dict[str, int]:
    """Return what the counting delivery sensors show."""
    return {
        key: int(state_of(hass, key))
        for key in ("messages_awaiting_report", "sms_sent", "delivered", "failed")
    }


async def poll_after_send(entry: MockConfigEntry) -> None:
    """Poll the balance and messages at once, as the account does after a send."""
    for coordinator in (entry.runtime_data.balance, entry.runtime_data.messages):
        await coordinator.async_request_refresh()


async def send(hass: HomeAssistant, entry: MockConfigEntry, *numbers: str) -> list[int]:
    """Send one SMS to `numbers` as the numbers are written (origin "test"); return the ids."""
    result = await entry.runtime_data.account.client.send_sms(
        [SendRequest(numbers=list(numbers), content="hello")],
        partial(tracker_of(entry).async_track, origin="test"),
    )
    await poll_after_send(entry)
    await hass.async_block_till_done()
    return list(result.accepted)


def ids_asked(simulator: RunningSimulator) -> list[list[int]]:
    """Return the ids of each getreport request the gateway received, in order."""
    return [
        [int(message_id) for message_id in (record.ids or "").split(",")]
        for record in simulator.state.requests
        if record.endpoint == "getreport"
    ]


async def push(
    hass: HomeAssistant, hass_client_no_auth: ClientSessionGenerator, *rows: list[Any]
) -> None:
    """Push v1.0 report rows to the entry's webhook, as the gateway does."""
    client = await hass_client_no_auth()
    response = await client.put(
        f"/api/webhook/{ENTRY_DATA['webhook_id']}",
        json={"type": "report", "cnt": len(rows), "array": list(rows)},
    )
    assert response.status == HTTPStatus.OK
    await hass.async_block_till_done()


async def unknown_ids(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, entry: MockConfigEntry
) -> int:
    """Return how many ids the gateway did not know at the last poll, per diagnostics."""
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    return int(diagnostics["deliveries"]["unknown_ids"])


def set_outcome(simulator: RunningSimulator, number: str, outcome: Any) -> None:
    """Decide how messages to `number` end."""
    simulator.state.accounts["demo"].outcomes[number] = Outcome.parse(outcome)


async def step_and_poll(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
    steps: int | None = 1,
) -> None:
    """Move the gateway's messages on, then let the next poll run."""
    simulator.state.step_messages(steps=steps)
    await async_poll(hass, freezer)


async def test_delivered(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
) -> None:
    """Pending, sending, sent, delivered: one event per change, then no more requests."""
    events = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    [message_id] = await send(hass, init_sim_entry, NUMBER)
    assert counts(hass)["messages_awaiting_report"] == 1
    assert state_of(hass, "last_delivery_status") == "pending"
    for _ in range(3):
        await step_and_poll(hass, simulator, freezer)
    assert [event.data["status"] for event in events] == [
        "sending",
        "sent",
        "delivered",
    ]
    final = events[-1].data
    assert final == {
        "entry_id": init_sim_entry.entry_id,
        "message_id": message_id,
        "number": NUMBER,
        "status": "delivered",
        "final": True,
        "origin": "test",
        "sent_at": final["sent_at"],
        "reported_at": final["reported_at"],
        "code": 0,
        "reason": None,
    }
    assert counts(hass) == {
        "messages_awaiting_report": 0,
        "sms_sent": 1,
        "delivered": 1,
        "failed": 0,
    }
    requests = requests_to(simulator, "getreport")
    await async_poll(hass, freezer)
    assert requests_to(simulator, "getreport") == requests


@pytest.mark.parametrize(
    ("outcome", "status", "code", "reason"),
    [
        ({"outcome": "failed", "code": 1011}, "failed", 1011, "black_number"),
        ({"outcome": "failed", "code": 1099}, "failed", 1099, "code_1099"),
        ("undelivered", "failed", None, None),
        ("timeout", "delivery_timeout", None, None),
        ("unknown", "failed", None, None),
    ],
)
async def test_not_delivered(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
    outcome: Any,
    status: str,
    code: int | None,
    reason: str | None,
) -> None:
    """Send failures carry the report code; delivery failures the deliver status."""
    set_outcome(simulator, NUMBER, outcome)
    events = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    await send(hass, init_sim_entry, NUMBER)
    await step_and_poll(hass, simulator, freezer, steps=None)
    [event] = events
    assert (event.data["status"], event.data["code"], event.data["reason"]) == (
        status,
        code,
        reason,
    )
    assert counts(hass) == {
        "messages_awaiting_report": 0,
        "sms_sent": 1,
        "delivered": 0,
        "failed": 1,
    }


@pytest.mark.parametrize(
    ("options", "status"),
    [
        ({"report_fields": 4}, "sent"),
        ({"report_fields": 6}, "delivered"),
        ({"report_fields": 7, "number_form": "plus"}, "delivered"),
        ({"report_fields": 6, "deliver_reports": False}, "sent"),
    ],
)
async def test_report_forms(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
    options: dict[str, Any],
    status: str,
) -> None:
    """4-field rows and servers without delivery reports end at a final "sent"."""
    for name, value in options.items():
        setattr(simulator.state.accounts["demo"], name, value)
    events = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    await send(hass, init_sim_entry, NUMBER)
    await step_and_poll(hass, simulator, freezer, steps=None)
    assert events[-1].data["status"] == status
    assert events[-1].data["final"] is True
    assert counts(hass)["messages_awaiting_report"] == 0


async def test_not_found_after_a_while(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    freezer: FrozenDateTimeFactory,
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
) -> None:
    """An id the gateway does not know is given time, then reported not found."""
    events = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    # Asked about at once: the send polls.
    tracker_of(init_sim_entry).async_track({999_999: NUMBER}, "test")
    await poll_after_send(init_sim_entry)
    await hass.async_block_till_done()
    await async_poll(hass, freezer, timedelta(minutes=9))
    assert counts(hass)["messages_awaiting_report"] == 1
    assert await unknown_ids(hass, hass_client, init_sim_entry) == 1
    await async_poll(hass, freezer, timedelta(minutes=1))
    assert [event.data["status"] for event in events] == ["not_found"]
    assert counts(hass)["messages_awaiting_report"] == 0
    assert counts(hass)["failed"] == 1


async def test_unknown_then_found(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    freezer: FrozenDateTimeFactory,
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
) -> None:
    """An id that shows up after being unknown is not reported not found later."""
    [message_id] = await send(hass, init_sim_entry, NUMBER)
    # The gateway forgets the id for a while (as a fresh one it cannot query yet).
    message = simulator.state.messages.pop(message_id)
    simulator.state._active.discard(message_id)
    await async_poll(hass, freezer)
    assert await unknown_ids(hass, hass_client, init_sim_entry) == 1
    simulator.state.messages[message_id] = message
    simulator.state._active.add(message_id)
    await async_poll(hass, freezer)
    assert await unknown_ids(hass, hass_client, init_sim_entry) == 0
    await async_poll(hass, freezer, timedelta(minutes=20))
    assert counts(hass)["messages_awaiting_report"] == 1


async def test_expired(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    sim_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A message still open at the end of the tracking window is asked about, then expires."""
    sim_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(sim_entry, options={CONF_TRACKING_WINDOW: 1})
    assert await hass.config_entries.async_setup(sim_entry.entry_id)
    await hass.async_block_till_done()
    events = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    await send(hass, sim_entry, NUMBER)
    requests = requests_to(simulator, "getreport")
    await async_poll(hass, freezer, timedelta(hours=1))
    assert [event.data["status"] for event in events] == ["expired"]
    assert requests_to(simulator, "getreport") == requests + 1
    assert counts(hass) == {
        "messages_awaiting_report": 0,
        "sms_sent": 1,
        "delivered": 0,
        "failed": 0,
    }


async def test_requests_per_poll(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
) -> None:
    """Nothing pending: no request; 1,000 pending: 5 getreport requests of 200."""
    before = requests_to(simulator, "getreport")
    await async_poll(hass, freezer)
    assert requests_to(simulator, "getreport") == before
    numbers = [f"86138{index:08d}" for index in range(1000)]
    await send(hass, init_sim_entry, *numbers)
    assert counts(hass)["messages_awaiting_report"] == 1000
    before = requests_to(simulator, "getreport")
    await async_poll(hass, freezer)
    assert requests_to(simulator, "getreport") == before + 5


async def test_big_backlog_polled_in_turns(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
) -> None:
    """Over the per-poll limit, each poll takes the next slice, oldest first, then wraps."""
    # A limit of 2 stands for the real 10,000: the turns, not the size, are under test.
    before = requests_to(simulator, "getreport")
    with patch("custom_components.eims.account.track.MAX_IDS_PER_POLL", 2):
        # The send polls at once, then three scheduled polls.
        ids = await send(hass, init_sim_entry, *(f"86138{i:08d}" for i in range(5)))
        for _ in range(3):
            await async_poll(hass, freezer)
    assert ids_asked(simulator)[before:] == [ids[0:2], ids[2:4], ids[4:5], ids[0:2]]


async def test_push_backs_off_polling(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    freezer: FrozenDateTimeFactory,
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
) -> None:
    """While pushes arrive, only ids older than the back-off window are polled."""
    [old_id] = await send(hass, init_sim_entry, NUMBER)
    freezer.tick(timedelta(minutes=6))
    [new_id] = await send(hass, init_sim_entry, "8613800000002")
    # A push counts once it carries a report, even one for an id not followed.
    await push(hass, hass_client_no_auth, [424242, NUMBER, None, 0])
    before = requests_to(simulator, "getreport")
    await async_poll(hass, freezer)
    await async_poll(hass, freezer, timedelta(minutes=5))
    assert ids_asked(simulator)[before:] == [[old_id], [old_id, new_id]]


async def test_reports_never_move_back(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    freezer: FrozenDateTimeFactory,
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
) -> None:
    """A late "sending" after "sent" changes nothing; a report after the final is ignored."""
    events = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    [message_id] = await send(hass, init_sim_entry, NUMBER)
    await step_and_poll(hass, simulator, freezer, steps=2)
    assert state_of(hass, "last_delivery_status") == "sent"
    message = simulator.state.messages[message_id]
    message.phase = type(message.phase)("sending")
    await async_poll(hass, freezer)
    assert [event.data["status"] for event in events] == ["sent"]
    for _ in range(2):
        await push(hass, hass_client_no_auth, [message_id, NUMBER, None, 0])
    assert [event.data["status"] for event in events] == ["sent", "delivered"]
    assert counts(hass)["delivered"] == 1


async def test_tracked_once_while_known(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    freezer: FrozenDateTimeFactory,
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
) -> None:
    """An id handed in again is refused while followed and a tracking window after its end."""
    tracker = tracker_of(init_sim_entry)
    first = {1: NUMBER}
    tracker.async_track(first, "test")
    tracker.async_track({}, "test")
    assert counts(hass) == {
        "messages_awaiting_report": 1,
        "sms_sent": 1,
        "delivered": 0,
        "failed": 0,
    }
    await push(hass, hass_client_no_auth, [1, NUMBER, None, 0])
    tracker.async_track(first, "test")
    assert counts(hass)["sms_sent"] == 1
    assert counts(hass)["messages_awaiting_report"] == 0
    # Still known one window later; forgotten after two, so memory stays bounded.
    for message_id in (2, 3):
        freezer.tick(timedelta(hours=72, seconds=1))
        tracker.async_track({message_id: NUMBER}, "test")
        await push(hass, hass_client_no_auth, [message_id, NUMBER, None, 0])
        tracker.async_track(first, "test")
    assert counts(hass) == {
        "messages_awaiting_report": 1,
        "sms_sent": 4,
        "delivered": 3,
        "failed": 0,
    }
