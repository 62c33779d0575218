"""
What the logbook shows of a received SMS, live and later, in every view.

The Activity view used to show a received SMS's sender and text only after a reload: a
logbook stream listens to the described event types it knows when it opens, and Home
Assistant learns ours only once the integration has loaded (after its entries are set up).
A view open across a restart, or while the integration is first added, heard of the Received
SMS entity's state change and nothing else. The entity now writes a logbook entry, which
every stream listens to from the start; it names the entity, so its more-info shows it too.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest.mock import patch

from homeassistant.components.logbook import DOMAIN as LOGBOOK_DOMAIN
from homeassistant.components.recorder import Recorder
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.integration_platform import (
    async_process_integration_platforms,
)
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from pytest_homeassistant_custom_component.typing import (
    MockHAClientWebSocket,
    WebSocketGenerator,
)

from custom_components.eims.account.receive import EVENT_SMS_RECEIVED
from custom_components.eims.account.track import EVENT_DELIVERY_REPORT
from custom_components.eims.api import InboundSms
from custom_components.eims.const import DOMAIN
from custom_components.eims.event import received_line
from custom_components.eims.text import excerpt
from simulator.testing import RunningSimulator

from .conftest import STRANGER

RECEIVED_SMS = "event.demo_127_0_0_1_received_sms"
LINE = {
    # The frontend names the line by the entity.
    "name": None,
    "message": f"from {STRANGER}: Hello there",
    "domain": DOMAIN,
    "entity_id": RECEIVED_SMS,
}


@pytest.fixture
def recorder_db_url() -> str:
    """An in-memory database for the logbook."""
    return "sqlite://"


@pytest.fixture
async def logbook(recorder_mock: Recorder, hass: HomeAssistant) -> None:
    """The logbook, over the recorder."""
    assert await async_setup_component(hass, "logbook", {})


async def open_stream(
    hass_ws_client: WebSocketGenerator, **filters: list[str]
) -> MockHAClientWebSocket:
    """Open a live logbook stream as the frontend does; return it past its history."""
    client = await hass_ws_client()
    start = dt_util.utcnow() - timedelta(hours=1)
    await client.send_json_auto_id(
        {"type": "logbook/event_stream", "start_time": start.isoformat(), **filters}
    )
    assert (await client.receive_json())["success"]
    # The history up to now, then what the database had not written yet.
    for _ in range(2):
        assert (await client.receive_json())["type"] == "event"
    return client


async def receive_hello(
    hass: HomeAssistant, simulator: RunningSimulator, entry: MockConfigEntry
) -> None:
    """The gateway gets an SMS; the account reads it now."""
    simulator.state.add_inbound(
        simulator.state.accounts["demo"], sender=STRANGER, content="Hello\nthere"
    )
    await entry.runtime_data.messages.async_refresh()
    await hass.async_block_till_done()


async def live_lines(client: MockHAClientWebSocket) -> list[dict[str, Any]]:
    """Return the next live batch's entries, without their times."""
    message = await client.receive_json()
    return [
        {key: value for key, value in entry.items() if key != "when"}
        for entry in message["event"]["events"]
    ]


@pytest.mark.usefixtures("logbook")
async def test_view_opened_before_the_integration_loaded(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    simulator: RunningSimulator,
    sim_entry: MockConfigEntry,
) -> None:
    """The Activity view, open across a restart, shows the sender and text as they arrive."""
    # What Home Assistant sets up before custom integrations, routes included: the test's
    # server, unlike Home Assistant's, takes no route once it serves.
    for dependency in ("frontend", "webhook"):
        assert await async_setup_component(hass, dependency, {})
    await async_wait_recording_done(hass)
    client = await open_stream(hass_ws_client)
    sim_entry.add_to_hass(hass)
    with patch("custom_components.eims.async_register_card"):
        assert await hass.config_entries.async_setup(sim_entry.entry_id)
        await hass.async_block_till_done()
    await receive_hello(hass, simulator, sim_entry)
    assert LINE in await live_lines(client)


@pytest.mark.usefixtures("logbook")
async def test_more_info_shows_the_text(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
) -> None:
    """The Received SMS entity's own logbook shows each SMS's sender and text, live."""
    await async_wait_recording_done(hass)
    client = await open_stream(hass_ws_client, entity_ids=[RECEIVED_SMS])
    await receive_hello(hass, simulator, init_sim_entry)
    lines = await live_lines(client)
    assert LINE in lines


@pytest.mark.usefixtures("logbook")
async def test_logged_once(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
) -> None:
    """Read back later, the SMS is one line: the bus event is not described a second time."""
    since = dt_util.utcnow() - timedelta(seconds=1)
    await receive_hello(hass, simulator, init_sim_entry)
    await async_wait_recording_done(hass)
    client = await hass_ws_client()
    await client.send_json_auto_id(
        {"type": "logbook/get_events", "start_time": since.isoformat()}
    )
    entries = (await client.receive_json())["result"]
    assert [
        {key: value for key, value in entry.items() if key != "when"}
        for entry in entries
        if "Hello" in entry.get("message", "")
    ] == [LINE]


def sms(text: str, *, decoded: bool = True) -> InboundSms:
    """Return a received SMS from the stranger."""
    return InboundSms(
        id=1,
        sender=STRANGER,
        receiver=None,
        received_at=None,
        text=text,
        raw=text,
        decoded=decoded,
    )


def test_received_line() -> None:
    """The sender and the text's first 50 characters on one line; empty and unreadable said."""
    assert received_line(sms("Hello\nthere")) == f"from {STRANGER}: Hello there"
    long = "x" * 49 + " yz" + "w" * 40
    assert received_line(sms(long)).endswith(": " + "x" * 49 + "…")
    assert received_line(sms("")).endswith(": (empty)")
    assert received_line(sms("%%", decoded=False)).endswith(": (not valid text) %%")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("short", "short"),
        ("a" * 50, "a" * 50),
        ("a" * 51, "a" * 49 + "…"),
        ("  spaced\t\tout\n", "spaced out"),
    ],
)
def test_excerpt(text: str, expected: str) -> None:
    """Excerpts keep at most 50 characters on one line, the cut mark included."""
    assert excerpt(text) == expected


async def test_logbook_finds_the_platform(
    hass: HomeAssistant, init_sim_entry: MockConfigEntry
) -> None:
    """Home Assistant finds logbook.py; it describes reports, not received SMS."""
    found: dict[str, str] = {}

    @callback
    def process(hass: HomeAssistant, domain: str, platform: Any) -> None:
        platform.async_describe_events(
            hass, lambda owner, event_type, _: found.setdefault(event_type, owner)
        )

    await async_process_integration_platforms(hass, LOGBOOK_DOMAIN, process)
    await hass.async_block_till_done()
    assert found[EVENT_DELIVERY_REPORT] == DOMAIN
    assert EVENT_SMS_RECEIVED not in found
