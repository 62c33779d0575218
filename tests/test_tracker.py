"""Delivery tracking against the simulator: polled reports, final states, not found, expiry."""

from __future__ import annotations

from datetime import timedelta
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

from custom_components.eims.api import (
    PushedReport,
    SendRequest,
    SendResult,
    SentMessage,
)
from custom_components.eims.const import CONF_TRACKING_WINDOW
from custom_components.eims.coordinator import EimsMessagesCoordinator
from custom_components.eims.sending import async_note_sent
from custom_components.eims.tracker import EVENT_DELIVERY_REPORT, DeliveryTracker
from simulator.accounts import Outcome
from simulator.testing import RunningSimulator

ZONE = "US/Pacific"
NUMBER = "8613800000001"


@pytest.fixture
def simulator_options() -> dict[str, object]:
    """Messages move only when a test steps them; v3.5 rows; the gateway keeps HA's zone."""
    return {"tz": dt_util.get_time_zone(ZONE), "step_seconds": 0, "report_fields": 6}


def coordinator_of(entry: MockConfigEntry) -> EimsMessagesCoordinator:
    """Return the entry's messages coordinator."""
    return entry.runtime_data.messages


def tracker_of(entry: MockConfigEntry) -> DeliveryTracker:
    """Return the entry's delivery tracker."""
    return entry.runtime_data.tracker


async def send(hass: HomeAssistant, entry: MockConfigEntry, *numbers: str) -> list[int]:
    """Send one SMS to `numbers` the way every sending path does; return the ids."""
    result = await entry.runtime_data.client.send_sms(
        [SendRequest(numbers=list(numbers), content="hello")]
    )
    async_note_sent(hass, entry, result, "test")
    await hass.async_block_till_done()
    return [message.id for message in result.messages]


def report_requests(simulator: RunningSimulator) -> int:
    """Count the getreport requests the gateway answered."""
    return sum(
        1 for record in simulator.state.requests if record.endpoint == "getreport"
    )


def set_outcome(simulator: RunningSimulator, number: str, outcome: Any) -> None:
    """Decide how messages to `number` end."""
    simulator.state.accounts["demo"].outcomes[number] = Outcome.parse(outcome)


async def step_and_poll(
    simulator: RunningSimulator, entry: MockConfigEntry, steps: int | None = 1
) -> None:
    """Move the gateway's messages on, then let the coordinator poll."""
    simulator.state.step_messages(steps=steps)
    await coordinator_of(entry).async_refresh()


async def test_delivered(
    hass: HomeAssistant, simulator: RunningSimulator, init_sim_entry: MockConfigEntry
) -> None:
    """Pending, sending, sent, delivered: one event per change, then no more requests."""
    events = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    tracker = tracker_of(init_sim_entry)
    [message_id] = await send(hass, init_sim_entry, NUMBER)
    assert tracker.pending_count == 1
    assert tracker.last_report is not None
    assert tracker.last_report.status == "pending"
    for _ in range(3):
        await step_and_poll(simulator, init_sim_entry)
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
    assert (tracker.pending_count, tracker.sent, tracker.delivered) == (0, 1, 1)
    requests = report_requests(simulator)
    await coordinator_of(init_sim_entry).async_refresh()
    assert report_requests(simulator) == requests
    assert tracker.oldest_pending_age() is None


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
    await step_and_poll(simulator, init_sim_entry, steps=None)
    [event] = events
    assert (event.data["status"], event.data["code"], event.data["reason"]) == (
        status,
        code,
        reason,
    )
    tracker = tracker_of(init_sim_entry)
    assert (tracker.delivered, tracker.failed, tracker.pending_count) == (0, 1, 0)


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
    await step_and_poll(simulator, init_sim_entry, steps=None)
    assert events[-1].data["status"] == status
    assert events[-1].data["final"] is True
    assert tracker_of(init_sim_entry).pending_count == 0


async def test_not_found_after_a_while(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An id the gateway does not know is given time, then reported not found."""
    coordinator = coordinator_of(init_sim_entry)
    tracker = tracker_of(init_sim_entry)
    events = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    async_note_sent(
        hass,
        init_sim_entry,
        SendResult(messages=[SentMessage(number=NUMBER, id=999_999)]),
        "test",
    )
    await hass.async_block_till_done()
    freezer.tick(timedelta(minutes=9))
    await coordinator.async_refresh()
    assert tracker.pending_count == 1
    assert tracker.diagnostics()["unknown_ids"] == 1
    freezer.tick(timedelta(minutes=1))
    await coordinator.async_refresh()
    assert tracker.pending_count == 0
    assert [event.data["status"] for event in events] == ["not_found"]
    assert tracker.failed == 1


async def test_unknown_then_found(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An id that shows up after being unknown is not reported not found later."""
    tracker = tracker_of(init_sim_entry)
    coordinator = coordinator_of(init_sim_entry)
    [message_id] = await send(hass, init_sim_entry, NUMBER)
    # The gateway forgets the id for a while (as a fresh one it cannot query yet).
    message = simulator.state.messages.pop(message_id)
    simulator.state._active.discard(message_id)
    await coordinator.async_refresh()
    assert tracker.diagnostics()["unknown_ids"] == 1
    simulator.state.messages[message_id] = message
    simulator.state._active.add(message_id)
    await coordinator.async_refresh()
    assert tracker.diagnostics()["unknown_ids"] == 0
    freezer.tick(timedelta(minutes=20))
    await coordinator.async_refresh()
    assert tracker.pending_count == 1


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
    requests = report_requests(simulator)
    freezer.tick(timedelta(hours=1, seconds=1))
    await coordinator_of(sim_entry).async_refresh()
    assert [event.data["status"] for event in events] == ["expired"]
    assert report_requests(simulator) == requests + 1
    tracker = tracker_of(sim_entry)
    assert (tracker.pending_count, tracker.delivered, tracker.failed) == (0, 0, 0)


async def test_requests_per_poll(
    hass: HomeAssistant, simulator: RunningSimulator, init_sim_entry: MockConfigEntry
) -> None:
    """Nothing pending: no request; 1,000 pending: 5 getreport requests of 200."""
    coordinator = coordinator_of(init_sim_entry)
    before = report_requests(simulator)
    await coordinator.async_refresh()
    assert report_requests(simulator) == before
    numbers = [f"86138{index:08d}" for index in range(1000)]
    await send(hass, init_sim_entry, *numbers)
    assert tracker_of(init_sim_entry).pending_count == 1000
    before = report_requests(simulator)
    await coordinator.async_refresh()
    assert report_requests(simulator) == before + 5


async def test_big_backlog_polled_in_turns(
    hass: HomeAssistant, simulator: RunningSimulator, init_sim_entry: MockConfigEntry
) -> None:
    """Over the per-poll limit, each poll takes the next slice, oldest first, then wraps."""
    tracker = tracker_of(init_sim_entry)
    await send(hass, init_sim_entry, *(f"86138{index:08d}" for index in range(5)))
    with (
        patch("custom_components.eims.tracker.MAX_IDS_PER_POLL", 2),
        patch.object(
            tracker._client, "get_reports", wraps=tracker._client.get_reports
        ) as get_reports,
    ):
        for _ in range(4):
            await tracker.async_poll()
    asked = [call.args[0] for call in get_reports.call_args_list]
    ids = list(tracker._pending)
    assert asked == [ids[0:2], ids[2:4], ids[4:5], ids[0:2]]


async def test_push_backs_off_polling(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """While pushes arrive, only ids older than the back-off window are polled."""
    tracker = tracker_of(init_sim_entry)
    coordinator = coordinator_of(init_sim_entry)
    [old_id] = await send(hass, init_sim_entry, NUMBER)
    freezer.tick(timedelta(minutes=6))
    [new_id] = await send(hass, init_sim_entry, "8613800000002")
    # A push counts once it carries a report, even one for an id not followed.
    tracker.async_handle_pushed([PushedReport(424242, NUMBER, None, 0, None, "V1.0")])
    with patch.object(
        tracker._client, "get_reports", wraps=tracker._client.get_reports
    ) as get_reports:
        await coordinator.async_refresh()
        assert get_reports.call_args.args[0] == [old_id]
        freezer.tick(timedelta(minutes=5))
        await coordinator.async_refresh()
        assert get_reports.call_args.args[0] == [old_id, new_id]


async def test_reports_never_move_back(
    hass: HomeAssistant, simulator: RunningSimulator, init_sim_entry: MockConfigEntry
) -> None:
    """A late "sending" after "sent" changes nothing; a report after the final is ignored."""
    tracker = tracker_of(init_sim_entry)
    events = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    [message_id] = await send(hass, init_sim_entry, NUMBER)
    await step_and_poll(simulator, init_sim_entry, steps=2)
    assert tracker.last_report is not None
    assert tracker.last_report.status == "sent"
    message = simulator.state.messages[message_id]
    message.phase = type(message.phase)("sending")
    await coordinator_of(init_sim_entry).async_refresh()
    assert [event.data["status"] for event in events] == ["sent"]
    delivered = PushedReport(
        id=message_id, number=NUMBER, time=None, status=0, reason=None, version="V1.0"
    )
    assert tracker.async_handle_pushed([delivered]) == 1
    assert tracker.async_handle_pushed([delivered]) == 0
    assert [event.data["status"] for event in events] == ["sent", "delivered"]
    assert tracker.delivered == 1


async def test_sending_again_is_counted_once(
    hass: HomeAssistant, simulator: RunningSimulator, init_sim_entry: MockConfigEntry
) -> None:
    """An id handed in twice is tracked once; an empty send changes nothing."""
    tracker = tracker_of(init_sim_entry)
    result = SendResult(messages=[SentMessage(number=NUMBER, id=1)])
    async_note_sent(hass, init_sim_entry, result, "test")
    async_note_sent(hass, init_sim_entry, result, "test")
    async_note_sent(hass, init_sim_entry, SendResult(), "test")
    await hass.async_block_till_done()
    assert (tracker.sent, tracker.pending_count) == (1, 1)
