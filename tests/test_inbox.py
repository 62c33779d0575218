"""Inbound SMS against the simulator: stored before announced, each id announced once."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
import json
import logging
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, EventBus, HomeAssistant, callback
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.eims.account.receive import (
    EVENT_SMS_RECEIVED,
    fingerprint,
    international,
)
from custom_components.eims.api import InboundSms as ParsedSms, SmsPage
from custom_components.eims.const import UPDATE_INTERVAL
from custom_components.eims.store import StoreName, store_key
from simulator.accounts import InboundSms as QueuedSms
from simulator.testing import RunningSimulator

from .common import async_poll, requests_to

RECEIVED_SMS = "event.demo_127_0_0_1_received_sms"
SENDER = "+447911123456"
# What a v3.4 gateway returns for it: an int without "+".
SENDER_DIGITS = "447911123456"
ZONE = "US/Pacific"
# 2026-03-01 12:34:56 in the gateway's (and Home Assistant's) zone.
RECEIVED_AT = datetime(2026, 3, 1, 12, 34, 56, tzinfo=dt_util.get_time_zone(ZONE))
# The same instant as every time the integration shows: ISO 8601 in UTC.
RECEIVED_AT_UTC = "2026-03-01T20:34:56+00:00"


@pytest.fixture
def simulator_options() -> dict[str, object]:
    """The gateway keeps Home Assistant's test time zone."""
    return {"tz": dt_util.get_time_zone(ZONE)}


def inject(
    simulator: RunningSimulator,
    count: int = 1,
    *,
    text: Callable[[int], str] = lambda index: f"message {index}",
    **options: Any,
) -> list[QueuedSms]:
    """Queue `count` SMS on the simulator's demo account."""
    account = simulator.state.accounts["demo"]
    options.setdefault("received", RECEIVED_AT.timestamp())
    return [
        simulator.state.add_inbound(
            account, sender=SENDER, content=text(index), **options
        )
        for index in range(count)
    ]


def entity_events(hass: HomeAssistant) -> list[dict[str, Any]]:
    """Collect the attributes of every state the event entity writes."""
    states: list[dict[str, Any]] = []

    @callback
    def record(event: Event[Any]) -> None:
        if event.data["entity_id"] == RECEIVED_SMS and event.data["new_state"]:
            states.append(dict(event.data["new_state"].attributes))

    hass.bus.async_listen(EVENT_STATE_CHANGED, record)
    return states


def stored(hass_storage: dict[str, Any], entry: MockConfigEntry) -> dict[str, Any]:
    """Return the inbox as written to disk."""
    return hass_storage[store_key(entry.entry_id, StoreName.INBOX)]["data"]


async def test_one_message(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
    hass_storage: dict[str, Any],
) -> None:
    """One SMS: one bus event and one entity event with the same data."""
    bus = async_capture_events(hass, EVENT_SMS_RECEIVED)
    states = entity_events(hass)
    [queued] = inject(simulator, text=lambda _: "Hello 👋")
    await async_poll(hass, freezer)

    expected = {
        "id": queued.id,
        "sender": SENDER,
        "text": "Hello 👋",
        "received_at": RECEIVED_AT_UTC,
    }
    assert [event.data for event in bus] == [
        {"entry_id": init_sim_entry.entry_id, **expected}
    ]
    assert states == [
        {
            "event_type": "received",
            "event_types": ["received"],
            "friendly_name": "demo @ 127.0.0.1 Received SMS",
            **expected,
        }
    ]
    assert stored(hass_storage, init_sim_entry) == {
        "pending": [],
        "seen": [
            [
                fingerprint(
                    ParsedSms(queued.id, SENDER, None, None, "", queued.payload, True)
                ),
                pytest.approx(dt_util.utcnow().timestamp(), abs=60),
            ]
        ],
        "unreadable": [],
    }


async def test_receiver_given(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
) -> None:
    """A v3.5 gateway names the receiving number: the event carries it."""
    simulator.state.accounts["demo"].getsms_receiver = True
    simulator.state.accounts["demo"].number_form = "plus"
    bus = async_capture_events(hass, EVENT_SMS_RECEIVED)
    inject(simulator, receiver="+8613800000001")
    await async_poll(hass, freezer)
    assert [(e.data["sender"], e.data["receiver"]) for e in bus] == [
        (SENDER, "+8613800000001")
    ]
    assert hass.states.get(RECEIVED_SMS).attributes["receiver"] == "+8613800000001"


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (SENDER_DIGITS, SENDER),
        (SENDER, SENDER),
        ("10690000", "10690000"),
        ("BANK", "BANK"),
        ("0000000000000", "0000000000000"),
    ],
)
def test_international(number: str, expected: str) -> None:
    """Bare international digits gain their "+"; short codes and names stay."""
    assert international(number) == expected


async def test_120_messages_three_pages(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
    hass_storage: dict[str, Any],
) -> None:
    """120 waiting: 3 getsms calls, each page saved before the next read, all in order."""
    bus = async_capture_events(hass, EVENT_SMS_RECEIVED)
    states = entity_events(hass)
    queued = inject(simulator, 120)
    before = requests_to(simulator, "getsms")
    saves: list[tuple[int, int]] = []
    save = Store.async_save

    async def record_save(store: Store[Any], data: Any) -> None:
        if store.key == store_key(init_sim_entry.entry_id, StoreName.INBOX):
            saves.append(
                (requests_to(simulator, "getsms") - before, len(data["pending"]))
            )
        await save(store, data)

    with patch.object(Store, "async_save", autospec=True, side_effect=record_save):
        await async_poll(hass, freezer)

    assert requests_to(simulator, "getsms") - before == 3
    ids = [sms.id for sms in queued]
    assert [event.data["id"] for event in bus] == ids
    assert [event.data["text"] for event in bus] == [f"message {i}" for i in range(120)]
    assert [state["id"] for state in states] == ids
    # Each page is on disk (pending) before it is announced and before the next read.
    assert saves == [(1, 50), (1, 0), (2, 50), (2, 0), (3, 20), (3, 0)]
    assert len(stored(hass_storage, init_sim_entry)["seen"]) == 120


async def test_polls_every_cycle(
    hass: HomeAssistant,
    init_sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """SMS arrive with the next 30-second cycle, not with the 30-minute balance."""
    bus = async_capture_events(hass, EVENT_SMS_RECEIVED)
    inject(simulator)
    await async_poll(hass, freezer)
    assert len(bus) == 1


async def test_duplicates_dropped(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
) -> None:
    """A repeated id is announced once: in one page, across pages and across polls."""
    bus = async_capture_events(hass, EVENT_SMS_RECEIVED)
    inject(simulator, inbound_id=7, duplicate=True)
    inject(simulator, 49)
    # The second page starts with id 7 again.
    inject(simulator, inbound_id=7)
    inject(simulator, 2)
    await async_poll(hass, freezer)
    assert [event.data["id"] for event in bus] == [7, *range(8, 57), 57, 58]

    inject(simulator, inbound_id=7)
    await async_poll(hass, freezer)
    assert len(bus) == 52
    counts = init_sim_entry.runtime_data.account.inbox.counts()
    assert counts["received"] == 52
    assert counts["announced"] == 52


async def test_repeat_within_page_dropped_by_inbox(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
) -> None:
    """The inbox drops a repeat even when the client lets one through."""
    bus = async_capture_events(hass, EVENT_SMS_RECEIVED)
    client = init_sim_entry.runtime_data.account.client
    inject(simulator)
    [sms] = (await client.get_sms_page()).messages
    page = SmsPage(messages=[sms, sms], unreadable=[], rows=2)

    with patch.object(client, "get_sms_page", return_value=page):
        await async_poll(hass, freezer)
    assert [event.data["id"] for event in bus] == [sms.id]
    assert init_sim_entry.runtime_data.account.inbox.counts()["duplicates"] == 1


@pytest.mark.parametrize(
    ("options", "raw"),
    [
        ({"payload": "%%not base64%%"}, "%%not base64%%"),
        (
            {"content": "价格", "encoding": "gbk"},
            base64.b64encode("价格".encode("gbk")).decode(),
        ),
    ],
    ids=["not_base64", "not_utf8"],
)
async def test_undecodable_content(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
    options: dict[str, str],
    raw: str,
) -> None:
    """Content that is not base64 UTF-8 is still announced, raw and flagged."""
    bus = async_capture_events(hass, EVENT_SMS_RECEIVED)
    simulator.state.add_inbound(
        simulator.state.accounts["demo"], sender=SENDER, **options
    )
    await async_poll(hass, freezer)
    [event] = bus
    assert event.data["decoded"] is False
    assert event.data["raw"] == raw
    assert event.data["text"] == raw
    state = hass.states.get(RECEIVED_SMS)
    assert state.attributes["decoded"] is False
    assert state.attributes["raw"] == raw


def failing_bus(*failing: int) -> AbstractContextManager[Any]:
    """Make Home Assistant's bus raise on these SMS events (counted from 1; none: all)."""
    fire = EventBus.async_fire
    count = 0

    def async_fire(bus: EventBus, event_type: str, *args: Any, **kwargs: Any) -> None:
        nonlocal count
        if event_type == EVENT_SMS_RECEIVED:
            count += 1
            if not failing or count in failing:
                raise RuntimeError("bus failed")
        fire(bus, event_type, *args, **kwargs)

    return patch.object(EventBus, "async_fire", autospec=True, side_effect=async_fire)


async def test_crash_after_save_replays_at_start(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
    hass_storage: dict[str, Any],
) -> None:
    """Announcing fails once the page reached the disk: the next start announces, once."""
    bus = async_capture_events(hass, EVENT_SMS_RECEIVED)
    states = entity_events(hass)
    queued = inject(simulator, 3)
    with failing_bus():
        await async_poll(hass, freezer)
    assert bus == []
    assert len(stored(hass_storage, init_sim_entry)["pending"]) == 3
    # The gateway has forgotten them: only the store can bring them back.
    assert simulator.state.accounts["demo"].inbound == []

    await hass.config_entries.async_reload(init_sim_entry.entry_id)
    await hass.async_block_till_done()
    await async_poll(hass, freezer)

    ids = [sms.id for sms in queued]
    assert [event.data["id"] for event in bus] == ids
    assert [state["id"] for state in states if "id" in state][-3:] == ids
    assert stored(hass_storage, init_sim_entry)["pending"] == []
    assert bus[0].data["received_at"] == RECEIVED_AT_UTC


async def test_failure_mid_announcement(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Announcing fails at the 2nd SMS: after a restart, every SMS is announced exactly once."""
    bus = async_capture_events(hass, EVENT_SMS_RECEIVED)
    queued = inject(simulator, 3)
    with failing_bus(2):
        await async_poll(hass, freezer)
    assert "bus failed" in caplog.text
    assert [event.data["id"] for event in bus] == [queued[0].id]

    await hass.config_entries.async_reload(init_sim_entry.entry_id)
    await hass.async_block_till_done()
    assert [event.data["id"] for event in bus] == [sms.id for sms in queued]


async def test_failed_announcement_retried_next_cycle(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
) -> None:
    """Without a restart, SMS whose announcement failed go first at the next poll."""
    bus = async_capture_events(hass, EVENT_SMS_RECEIVED)
    queued = inject(simulator, 2)
    with failing_bus():
        await async_poll(hass, freezer)
    assert bus == []
    later = inject(simulator)
    await async_poll(hass, freezer)
    assert [event.data["id"] for event in bus] == [sms.id for sms in queued + later]


async def test_raising_listener_stops_nothing(
    hass: HomeAssistant,
    init_sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A listener raises: logged once; the next still hears it, the poll goes on, no repeat."""
    bus = async_capture_events(hass, EVENT_SMS_RECEIVED)
    states = entity_events(hass)
    inbox = init_sim_entry.runtime_data.account.inbox
    heard: list[int] = []

    def broken(sms: ParsedSms) -> None:
        raise RuntimeError("listener broke")

    init_sim_entry.async_on_unload(inbox.async_add_listener(broken))
    init_sim_entry.async_on_unload(
        inbox.async_add_listener(lambda sms: heard.append(sms.id))
    )
    [first] = inject(simulator)
    for _ in range(2):
        await async_poll(hass, freezer)
        assert init_sim_entry.runtime_data.messages.last_update_success

    assert heard == [first.id]
    assert [event.data["id"] for event in bus] == [first.id]
    assert [state["id"] for state in states] == [first.id]
    assert stored(hass_storage, init_sim_entry)["pending"] == []
    failures = [r for r in caplog.records if "listener broke" in str(r.exc_info)]
    assert len(failures) == 1
    assert "test_raising_listener_stops_nothing.<locals>.broken" in failures[0].message
    assert SENDER not in failures[0].message

    [second] = inject(simulator)
    await async_poll(hass, freezer)
    assert heard == [first.id, second.id]


async def test_raising_reply_handler_announces_the_sms(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The reply check raises: the SMS is announced as an ordinary one, once."""
    bus = async_capture_events(hass, EVENT_SMS_RECEIVED)

    def broken(sms: ParsedSms) -> str | None:
        raise RuntimeError("handler broke")

    init_sim_entry.runtime_data.account.inbox.async_set_reply_handler(broken)
    [queued] = inject(simulator)
    await async_poll(hass, freezer)
    await async_poll(hass, freezer)
    assert [event.data["id"] for event in bus] == [queued.id]
    assert "ask_id" not in bus[0].data
    assert "handler broke" in caplog.text
    assert init_sim_entry.runtime_data.messages.last_update_success


async def test_ids_persist_across_reload(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
) -> None:
    """The gateway hands out an id announced before the restart: it is dropped."""
    bus = async_capture_events(hass, EVENT_SMS_RECEIVED)
    [first] = inject(simulator)
    await async_poll(hass, freezer)
    await hass.config_entries.async_reload(init_sim_entry.entry_id)
    await hass.async_block_till_done()
    assert init_sim_entry.state is ConfigEntryState.LOADED

    inject(simulator, inbound_id=first.id)
    [second] = inject(simulator)
    await async_poll(hass, freezer)
    assert [event.data["id"] for event in bus] == [first.id, second.id]


async def test_received_before_setup(
    hass: HomeAssistant,
    sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
) -> None:
    """SMS read by the first poll are announced once the event entity listens."""
    bus = async_capture_events(hass, EVENT_SMS_RECEIVED)
    states = entity_events(hass)
    [queued] = inject(simulator)
    sim_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(sim_entry.entry_id)
    await hass.async_block_till_done()
    assert [event.data["id"] for event in bus] == [queued.id]
    assert [state["id"] for state in states if "id" in state] == [queued.id]


async def test_drop_on_second_page_loses_nothing(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
    hass_storage: dict[str, Any],
) -> None:
    """The connection drops reading page 2: page 1 is kept, the rest comes next poll."""
    bus = async_capture_events(hass, EVENT_SMS_RECEIVED)
    states = entity_events(hass)
    queued = inject(simulator, 60)

    @callback
    def drop_next_read(event: Event[Any]) -> None:
        if event.data["id"] == queued[0].id:
            # Until cleared: aiohttp retries a GET dropped on a reused connection.
            simulator.state.add_fault({"kind": "drop", "endpoint": "getsms"})

    hass.bus.async_listen(EVENT_SMS_RECEIVED, drop_next_read)
    coordinator = init_sim_entry.runtime_data.messages
    await async_poll(hass, freezer)
    assert not coordinator.last_update_success
    assert len(bus) == 50
    assert len(stored(hass_storage, init_sim_entry)["seen"]) == 50
    assert len(simulator.state.accounts["demo"].inbound) == 10

    simulator.state.faults.clear()
    await async_poll(hass, freezer)
    assert coordinator.last_update_success
    ids = [sms.id for sms in queued]
    assert [event.data["id"] for event in bus] == ids
    # The entity fired for the SMS of the poll that ended the outage too.
    assert [state["id"] for state in states] == ids


async def test_seen_ids_bounded(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
    hass_storage: dict[str, Any],
) -> None:
    """Only the most recent ids are remembered."""
    queued = inject(simulator, 5)
    with patch("custom_components.eims.account.receive.SEEN_LIMIT", 3):
        await async_poll(hass, freezer)
    seen = stored(hass_storage, init_sim_entry)["seen"]
    assert [int(key.split(":")[0]) for key, _ in seen] == [sms.id for sms in queued[2:]]


async def test_remove_entry_deletes_store(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
    hass_storage: dict[str, Any],
) -> None:
    """Deleting the entry deletes its inbox."""
    inject(simulator)
    await async_poll(hass, freezer)
    assert store_key(init_sim_entry.entry_id, StoreName.INBOX) in hass_storage
    await hass.config_entries.async_remove(init_sim_entry.entry_id)
    await hass.async_block_till_done()
    assert store_key(init_sim_entry.entry_id, StoreName.INBOX) not in hass_storage


async def test_logs_hide_text_and_numbers(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """No log line holds a message's text, its raw content or a whole number."""
    caplog.set_level(logging.DEBUG, logger="custom_components.eims")
    inject(simulator, text=lambda _: "secret door code 4711")
    simulator.state.add_inbound(
        simulator.state.accounts["demo"], sender=SENDER, payload="%%rawsecret%%"
    )
    await async_poll(hass, freezer)
    inject(simulator, inbound_id=1)
    await async_poll(hass, freezer)
    messages = "\n".join(
        record.getMessage()
        for record in caplog.records
        if record.name.startswith("custom_components.eims")
    )
    assert "+447*******56" in messages
    for secret in ("secret door code", "4711", "rawsecret", SENDER_DIGITS):
        assert secret not in messages


async def test_diagnostics_count_only(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_client: ClientSessionGenerator,
    init_sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
) -> None:
    """Diagnostics count SMS and never show one."""
    inject(simulator, 2, text=lambda _: "private words")
    await async_poll(hass, freezer)
    inject(simulator, inbound_id=1, text=lambda _: "private words")
    await async_poll(hass, freezer)
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, init_sim_entry
    )
    assert diagnostics["inbox"] == {
        "pending": 0,
        "remembered": 2,
        "unreadable_kept": 0,
        "received": 2,
        "duplicates": 1,
        "announced": 2,
        "unreadable": 0,
    }
    assert "private words" not in str(diagnostics)
    assert SENDER_DIGITS not in str(diagnostics)


async def test_unknown_time_survives_restart(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_sim_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """An SMS without a readable time is stored and replayed without one."""
    bus = async_capture_events(hass, EVENT_SMS_RECEIVED)
    sms = ParsedSms(
        id=9,
        sender="BANK",
        receiver=None,
        received_at=None,
        text="%%",
        raw="%%",
        decoded=False,
    )

    page = SmsPage(messages=[sms], unreadable=[], rows=1)
    client = init_sim_entry.runtime_data.account.client
    with patch.object(client, "get_sms_page", return_value=page), failing_bus():
        await async_poll(hass, freezer)
    assert stored(hass_storage, init_sim_entry)["pending"][0]["received_at"] is None

    await hass.config_entries.async_reload(init_sim_entry.entry_id)
    await hass.async_block_till_done()
    assert [event.data for event in bus] == [
        {
            "entry_id": init_sim_entry.entry_id,
            "id": 9,
            "sender": "BANK",
            "text": "%%",
            "decoded": False,
            "raw": "%%",
        }
    ]


async def wait_for(condition: Callable[[], bool]) -> None:
    """Wait (real time: the simulator serves on a real socket) until `condition` holds."""
    async with asyncio.timeout(10):
        while not condition():
            await asyncio.sleep(0.01)


@pytest.fixture
async def held_page(
    hass: HomeAssistant, init_sim_entry: MockConfigEntry, simulator: RunningSimulator
) -> list[int]:
    """
    A scheduled poll's getsms is answered, its 10 SMS gone from the gateway, and held back.

    Returns the ids of the SMS in the held reply.
    """
    queued = inject(simulator, 10)
    simulator.state.add_fault(
        {"kind": "hold", "seconds": 0.5, "endpoint": "getsms", "count": 1}
    )
    # The poll runs as the coordinator's background task; not in frozen time: the
    # simulator holds its reply in real time.
    async_fire_time_changed(
        hass, dt_util.utcnow() + UPDATE_INTERVAL + timedelta(seconds=1)
    )
    await wait_for(lambda: not simulator.state.accounts["demo"].inbound)
    return [sms.id for sms in queued]


def announced_or_stored(
    bus: list[Event[Any]], hass_storage: dict[str, Any], entry: MockConfigEntry
) -> list[int]:
    """Return the ids announced, then those stored to be announced at the next start."""
    pending = stored(hass_storage, entry)["pending"]
    return [event.data["id"] for event in bus] + [sms["id"] for sms in pending]


async def test_reload_during_getsms_loses_nothing(
    hass: HomeAssistant,
    init_sim_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    held_page: list[int],
) -> None:
    """Scenario 1: the entry reloads while the gateway holds a page it already forgot."""
    bus = async_capture_events(hass, EVENT_SMS_RECEIVED)
    assert await hass.config_entries.async_reload(init_sim_entry.entry_id)
    await hass.async_block_till_done()
    assert init_sim_entry.state is ConfigEntryState.LOADED
    assert [event.data["id"] for event in bus] == held_page
    assert stored(hass_storage, init_sim_entry)["pending"] == []
    # Announced to every part of the account, the conversations too: none of them missing.
    history = init_sim_entry.runtime_data.account.conversations.history
    assert [message.text for message in history.messages()] == [
        f"message {index}" for index in reversed(range(10))
    ]


async def test_unload_during_getsms_stores_the_page(
    hass: HomeAssistant,
    init_sim_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    held_page: list[int],
) -> None:
    """Scenario 1: unloading waits for the page in flight; the next setup announces the rest."""
    bus = async_capture_events(hass, EVENT_SMS_RECEIVED)
    assert await hass.config_entries.async_unload(init_sim_entry.entry_id)
    await hass.async_block_till_done()
    assert announced_or_stored(bus, hass_storage, init_sim_entry) == held_page

    assert await hass.config_entries.async_setup(init_sim_entry.entry_id)
    await hass.async_block_till_done()
    assert [event.data["id"] for event in bus] == held_page


async def test_stop_during_getsms_stores_the_page(
    hass: HomeAssistant,
    init_sim_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    held_page: list[int],
) -> None:
    """Scenario 1: Home Assistant stops during a getsms: the page is on disk for the next start."""
    bus = async_capture_events(hass, EVENT_SMS_RECEIVED)
    await hass.async_stop(force=True)
    assert announced_or_stored(bus, hass_storage, init_sim_entry) == held_page
    assert len(stored(hass_storage, init_sim_entry)["seen"]) == 10


BAD_ROWS = {
    "sender_null": [9001, None, 20260301123456, "aGk="],
    "id_text": ["abc", SENDER_DIGITS, 20260301123456, "aGk="],
    "three_fields": [9002, SENDER_DIGITS, "aGk="],
    "content_null": [9003, SENDER_DIGITS, 20260301123456, None],
}


def warnings_of_ours(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """Return the integration's warnings (asyncio's notes on frozen-time ticks left out)."""
    return [
        record
        for record in caplog.records
        if record.levelno == logging.WARNING
        and record.name.startswith("custom_components.eims")
    ]


@pytest.mark.parametrize("bad_row", BAD_ROWS.values(), ids=BAD_ROWS)
async def test_malformed_row_keeps_its_page(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_client: ClientSessionGenerator,
    init_sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
    bad_row: list[Any],
) -> None:
    """Scenario 2: 20 good SMS and one bad row: 20 announced, the row kept raw and counted."""
    bus = async_capture_events(hass, EVENT_SMS_RECEIVED)
    queued = inject(simulator, 10)
    simulator.state.add_inbound(
        simulator.state.accounts["demo"], sender=SENDER, row=bad_row
    )
    queued += inject(simulator, 10)
    await async_poll(hass, freezer)

    assert init_sim_entry.runtime_data.messages.last_update_success
    assert [event.data["id"] for event in bus] == [sms.id for sms in queued]
    [kept] = stored(hass_storage, init_sim_entry)["unreadable"]
    assert json.loads(kept["row"]) == bad_row
    assert kept["error"]
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, init_sim_entry
    )
    assert diagnostics["inbox"]["unreadable"] == 1
    assert diagnostics["inbox"]["unreadable_kept"] == 1
    [warning] = warnings_of_ours(caplog)
    assert "could not be read" in warning.getMessage()

    await async_poll(hass, freezer)
    assert warnings_of_ours(caplog) == [warning]


async def test_reused_id_with_other_text_is_a_new_message(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_sim_entry: MockConfigEntry,
    simulator: RunningSimulator,
) -> None:
    """Scenario 3: the gateway's id counter restarts: new SMS under old ids are announced."""
    bus = async_capture_events(hass, EVENT_SMS_RECEIVED)
    [first] = inject(simulator, text=lambda _: "before the restart")
    await async_poll(hass, freezer)

    account = simulator.state.accounts["demo"]
    simulator.state.add_inbound(
        account, sender=SENDER, content="after the restart", inbound_id=first.id
    )
    simulator.state.add_inbound(
        account,
        sender="+447911000000",
        content="before the restart",
        inbound_id=first.id,
    )
    # The same id, sender and text: a true repeat.
    simulator.state.add_inbound(
        account, sender=SENDER, content="before the restart", inbound_id=first.id
    )
    await async_poll(hass, freezer)

    assert [(e.data["id"], e.data["sender"], e.data["text"]) for e in bus] == [
        (first.id, SENDER, "before the restart"),
        (first.id, SENDER, "after the restart"),
        (first.id, "+447911000000", "before the restart"),
    ]
    counts = init_sim_entry.runtime_data.account.inbox.counts()
    assert counts["duplicates"] == 1
