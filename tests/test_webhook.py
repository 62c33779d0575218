"""Pushed delivery reports: the webhook the gateway PUTs to."""

from __future__ import annotations

from collections.abc import AsyncIterator
from http import HTTPStatus
import json
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    WebSocketGenerator,
)

from custom_components.eims.account.track import EVENT_DELIVERY_REPORT
from custom_components.eims.webhook import MAX_BODY_BYTES
from simulator.accounts import Outcome
from simulator.testing import RunningSimulator

from .conftest import ENTRY_DATA
from .test_tracker import NUMBER, ZONE, send, tracker_of

URL = f"/api/webhook/{ENTRY_DATA['webhook_id']}"


@pytest.fixture
def simulator_options() -> dict[str, object]:
    """Messages move only when a test steps them."""
    return {"tz": dt_util.get_time_zone(ZONE), "step_seconds": 0, "report_fields": 6}


def pushed_body(simulator: RunningSimulator, ids: list[int], version: str) -> bytes:
    """Finish the messages in the gateway and render the body it would push."""
    state = simulator.state
    account = state.accounts["demo"]
    account.push_version = version
    state.step_messages(ids=ids, steps=None)
    body: dict[str, Any] = {"type": "report", "cnt": len(ids)}
    if version == "2.0":
        body["ver"] = "V2.0"
    body["array"] = [state.messages[i].push_item(account, state.tz) for i in ids]
    return json.dumps(body).encode()


@pytest.mark.parametrize(
    ("version", "method"), [("1.0", "PUT"), ("2.0", "PUT"), ("1.0", "POST")]
)
async def test_pushed_reports(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
    version: str,
    method: str,
) -> None:
    """v1.0 rows and v2.0 objects, by PUT or POST, finish the messages they name."""
    simulator.state.accounts["demo"].outcomes["8613800000002"] = Outcome.parse(
        {"outcome": "failed", "code": 1012}
    )
    ids = await send(hass, init_sim_entry, NUMBER, "8613800000002")
    events = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    client = await hass_client_no_auth()
    response = await client.request(
        method, URL, data=pushed_body(simulator, ids, version)
    )
    assert response.status == HTTPStatus.OK
    assert [
        (e.data["message_id"], e.data["status"], e.data["code"]) for e in events
    ] == [
        (ids[0], "delivered", 0),
        (ids[1], "failed", 1012),
    ]
    tracker = tracker_of(init_sim_entry)
    assert (tracker.pending_count, tracker.delivered, tracker.failed) == (0, 1, 1)
    assert tracker.diagnostics()["last_push"] is not None


async def test_duplicate_and_unknown_reports(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
) -> None:
    """A report pushed twice counts once; one for an id never sent is ignored."""
    ids = await send(hass, init_sim_entry, NUMBER)
    events = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    client = await hass_client_no_auth()
    body = pushed_body(simulator, ids, "1.0")
    for _ in range(2):
        assert (await client.put(URL, data=body)).status == HTTPStatus.OK
    unknown = {"type": "report", "cnt": 1, "array": [[424242, NUMBER, 0, 0, ""]]}
    assert (await client.put(URL, json=unknown)).status == HTTPStatus.OK
    assert [event.data["status"] for event in events] == ["delivered"]
    assert tracker_of(init_sim_entry).delivered == 1


def report_rows(count: int) -> dict[str, Any]:
    """Return a v1.0 body of `count` reports."""
    return {
        "type": "report",
        "cnt": count,
        "array": [
            [index, NUMBER, 20260301123456, 0, "success"] for index in range(count)
        ],
    }


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (json.dumps(report_rows(51)).encode(), HTTPStatus.BAD_REQUEST),
        (b'{"type":"report","array":[[1,', HTTPStatus.BAD_REQUEST),
        (b"[]", HTTPStatus.BAD_REQUEST),
        (b"", HTTPStatus.BAD_REQUEST),
        (json.dumps({"type": "sms", "array": []}).encode(), HTTPStatus.BAD_REQUEST),
        (b"x" * (MAX_BODY_BYTES + 1), HTTPStatus.REQUEST_ENTITY_TOO_LARGE),
        (json.dumps(report_rows(50)).encode(), HTTPStatus.OK),
    ],
)
async def test_refused_bodies(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    init_sim_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    body: bytes,
    status: HTTPStatus,
) -> None:
    """Anything but a report body of at most 50 gets a 4xx and a debug line, never an error."""
    client = await hass_client_no_auth()
    caplog.set_level("DEBUG", "custom_components.eims")
    response = await client.put(URL, data=body)
    assert response.status == status
    assert "Error processing webhook" not in caplog.text
    if status != HTTPStatus.OK:
        assert "Refused a pushed report body" in caplog.text


async def test_huge_body_without_length(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    init_sim_entry: MockConfigEntry,
) -> None:
    """A chunked body is read only up to the limit."""

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(100):
            yield b"x" * 4096

    client = await hass_client_no_auth()
    response = await client.put(URL, data=chunks())
    assert response.status == HTTPStatus.REQUEST_ENTITY_TOO_LARGE


async def test_wrong_method(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    init_sim_entry: MockConfigEntry,
) -> None:
    """Only PUT and POST are taken."""
    client = await hass_client_no_auth()
    response = await client.get(URL)
    assert response.status == HTTPStatus.METHOD_NOT_ALLOWED


async def test_unregistered_on_unload(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
) -> None:
    """After unload the webhook is gone; a reload registers it again."""
    ids = await send(hass, init_sim_entry, NUMBER)
    body = pushed_body(simulator, ids, "1.0")
    assert await hass.config_entries.async_unload(init_sim_entry.entry_id)
    client = await hass_client_no_auth()
    events = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    await client.put(URL, data=body)
    assert not events
    assert await hass.config_entries.async_setup(init_sim_entry.entry_id)
    await hass.async_block_till_done()
    assert (await client.put(URL, data=body)).status == HTTPStatus.OK
    assert [event.data["status"] for event in events] == ["delivered"]


async def handle_over_websocket(
    hass_ws_client: WebSocketGenerator, body: str, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    """Deliver a push as Home Assistant Cloud does: `webhook/handle` over the websocket API."""
    client = await hass_ws_client()
    await client.send_json_auto_id(
        {
            "type": "webhook/handle",
            "webhook_id": ENTRY_DATA["webhook_id"],
            "method": "PUT",
            "body": body,
            "headers": headers or {"Content-Type": "application/json"},
        }
    )
    reply = await client.receive_json()
    assert reply["success"], reply
    return reply["result"]


@pytest.mark.parametrize("with_length", [False, True], ids=["no_length", "length"])
async def test_push_through_cloud(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    simulator: RunningSimulator,
    init_sim_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    with_length: bool,
) -> None:
    """Scenario 5: a report relayed by Home Assistant Cloud (a MockRequest) is applied."""
    ids = await send(hass, init_sim_entry, NUMBER)
    events = async_capture_events(hass, EVENT_DELIVERY_REPORT)
    body = pushed_body(simulator, ids, "1.0").decode()
    headers = {"Content-Type": "application/json"}
    if with_length:
        headers["Content-Length"] = str(len(body))
    result = await handle_over_websocket(hass_ws_client, body, headers)
    assert result["status"] == HTTPStatus.OK
    assert [event.data["status"] for event in events] == ["delivered"]
    assert "Error processing webhook" not in caplog.text


@pytest.mark.parametrize("with_length", [False, True], ids=["no_length", "length"])
async def test_push_through_cloud_size_limit(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    init_sim_entry: MockConfigEntry,
    with_length: bool,
) -> None:
    """Scenario 5: the size limit holds for relayed bodies too, declared or not."""
    body = "x" * (MAX_BODY_BYTES + 1)
    headers = {"Content-Length": str(len(body))} if with_length else {}
    result = await handle_over_websocket(hass_ws_client, body, headers)
    assert result["status"] == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
