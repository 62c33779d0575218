"""The conversations card's websocket commands: a live history, read marks."""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import (
    MockHAClientWebSocket,
    WebSocketGenerator,
)

from simulator.testing import RunningSimulator

from .common import async_poll
from .conftest import DAD, MUM
from .test_history import UNREAD, receive, send_sms, simulator_options  # noqa: F401

SUBSCRIBE = "eims/messages/subscribe"
MARK_READ = "eims/messages/mark_read"


async def subscribe(
    hass_ws_client: WebSocketGenerator, entry: MockConfigEntry
) -> MockHAClientWebSocket:
    """Subscribe to an account's messages; return the client, past the result."""
    client = await hass_ws_client()
    await client.send_json_auto_id(
        {"type": SUBSCRIBE, "config_entry_id": entry.entry_id}
    )
    result = await client.receive_json()
    assert result["success"]
    assert result["result"] is None
    return client


async def next_event(client: MockHAClientWebSocket) -> dict[str, Any]:
    """Return the next event the subscription sends."""
    message = await client.receive_json()
    assert message["type"] == "event"
    event: dict[str, Any] = message["event"]
    return event


async def test_subscribe_initial_then_live(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_ws_client: WebSocketGenerator,
    simulator: RunningSimulator,
    family_entry: MockConfigEntry,
) -> None:
    """The whole history first, then each new or changed message, then all again on reload."""
    [sent_id] = await send_sms(hass, family_entry, numbers=MUM, message="Dinner?")
    # The poll a send asks for is over before the gateway moves on.
    await hass.async_block_till_done()
    client = await subscribe(hass_ws_client, family_entry)
    initial = await next_event(client)
    assert initial == {
        "messages": [
            {
                "id": f"out:{sent_id}",
                "direction": "sent",
                "number": MUM,
                "contact": "Family",
                "text": "Dinner?",
                "at": dt_util.utcnow().isoformat(),
                "status": "pending",
                "read": True,
            }
        ]
    }

    freezer.tick(1)
    receive(simulator, MUM, "Yes")
    simulator.state.step_messages(ids=[sent_id])
    await async_poll(hass, freezer)
    received = await next_event(client)
    assert [(m["direction"], m["text"], m["read"]) for m in received["messages"]] == [
        ("received", "Yes", False)
    ]
    status = await next_event(client)
    assert [(m["id"], m["status"]) for m in status["messages"]] == [
        (f"out:{sent_id}", "sending")
    ]

    assert await hass.config_entries.async_reload(family_entry.entry_id)
    await hass.async_block_till_done()
    reset = await next_event(client)
    assert reset["reset"] is True
    assert [m["text"] for m in reset["messages"]] == ["Yes", "Dinner?"]

    # The reloaded account's changes still arrive.
    await send_sms(hass, family_entry, numbers=DAD, message="And you?")
    after = await next_event(client)
    assert [m["text"] for m in after["messages"]] == ["And you?"]


async def test_mark_read(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_ws_client: WebSocketGenerator,
    simulator: RunningSimulator,
    family_entry: MockConfigEntry,
) -> None:
    """Marking a thread read (any spelling of its number) empties its unread count."""
    receive(simulator, MUM, "One")
    receive(simulator, MUM, "Two")
    receive(simulator, DAD, "Three")
    await async_poll(hass, freezer)
    state = hass.states.get(UNREAD)
    assert state is not None
    assert state.state == "3"
    client = await subscribe(hass_ws_client, family_entry)
    await next_event(client)

    await client.send_json_auto_id(
        {
            "type": MARK_READ,
            "config_entry_id": family_entry.entry_id,
            "number": "07911 123456",
        }
    )
    changed = await next_event(client)
    assert [(m["text"], m["read"]) for m in changed["messages"]] == [
        ("One", True),
        ("Two", True),
    ]
    result = await client.receive_json()
    assert result["success"]
    assert result["result"] == {"marked": 2}
    state = hass.states.get(UNREAD)
    assert state is not None
    assert state.state == "1"

    await client.send_json_auto_id(
        {"type": MARK_READ, "config_entry_id": family_entry.entry_id, "number": MUM}
    )
    result = await client.receive_json()
    assert result["result"] == {"marked": 0}


@pytest.mark.parametrize("command", [SUBSCRIBE, MARK_READ])
async def test_unknown_or_unloaded_account(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    simulator: RunningSimulator,
    family_entry: MockConfigEntry,
    command: str,
) -> None:
    """An account that does not exist or is not loaded is the actions' translated error."""
    extra = {"number": MUM} if command == MARK_READ else {}
    client = await hass_ws_client()
    await client.send_json_auto_id(
        {"type": command, "config_entry_id": "nope", **extra}
    )
    result = await client.receive_json()
    assert result["error"] == {
        "code": "not_found",
        "message": "Integration eims config entry with ID nope was not found",
        "translation_domain": "homeassistant",
        "translation_key": "service_config_entry_not_found",
        "translation_placeholders": {"domain": "eims", "entry_id": "nope"},
    }
    assert await hass.config_entries.async_unload(family_entry.entry_id)
    await client.send_json_auto_id(
        {"type": command, "config_entry_id": family_entry.entry_id, **extra}
    )
    result = await client.receive_json()
    assert result["error"] == {
        "code": "not_loaded",
        "message": "Config entry demo @ 127.0.0.1 for integration eims is not loaded",
        "translation_domain": "homeassistant",
        "translation_key": "service_config_entry_not_loaded",
        "translation_placeholders": {
            "domain": "eims",
            "entry_title": "demo @ 127.0.0.1",
        },
    }


async def test_unsubscribe_stops_events(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_ws_client: WebSocketGenerator,
    simulator: RunningSimulator,
    family_entry: MockConfigEntry,
) -> None:
    """After unsubscribing, neither new messages nor a reload send anything."""
    client = await subscribe(hass_ws_client, family_entry)
    await next_event(client)
    await client.send_json_auto_id({"type": "unsubscribe_events", "subscription": 1})
    assert (await client.receive_json())["success"]
    await send_sms(hass, family_entry, numbers=MUM, message="Quiet")
    assert await hass.config_entries.async_reload(family_entry.entry_id)
    await hass.async_block_till_done()
    await client.send_json_auto_id({"type": "ping"})
    assert (await client.receive_json())["type"] == "pong"
