"""Reports pushed by PUT to a receiver on 127.0.0.1: v1.0 rows, v2.0 objects, batching."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web
import pytest

from simulator.accounts import Account, build_account
from simulator.push import ReportPusher
from simulator.state import GatewayState
from simulator.testing import RunningSimulator, run_simulator

from .conftest import START, START_STAMP, Client


@dataclass
class Receiver:
    """A push receiver: records every request and answers with `status`."""

    url: str = ""
    status: int = 200
    received: list[tuple[str, Any]] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, request: web.Request) -> web.Response:
        self.received.append((request.method, await request.json()))
        self.arrived.set()
        return web.Response(status=self.status)


@pytest.fixture
async def receiver(socket_enabled: None) -> AsyncIterator[Receiver]:
    """A push receiver on an ephemeral 127.0.0.1 port."""
    receiver = Receiver()
    app = web.Application()
    app.router.add_put("/reports", receiver.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    receiver.url = f"http://127.0.0.1:{runner.addresses[0][1]}/reports"
    yield receiver
    await runner.cleanup()


async def test_v1_rows(client: Client, receiver: Receiver) -> None:
    await client.ctl("POST", "accounts", {"name": "demo", "push_url": receiver.url})
    await client.ctl(
        "POST",
        "accounts/demo/outcomes",
        {"number": "1234567", "outcome": "failed", "code": 1011},
    )
    await client.send("123456,1234567")
    await client.ctl("POST", "messages/advance", {"steps": "final"})
    assert receiver.received == [
        (
            "PUT",
            {
                "type": "report",
                "cnt": 2,
                "array": [
                    [1, "123456", START_STAMP, 0, "success"],
                    [2, "1234567", START_STAMP, 1011, "Black Number"],
                ],
            },
        )
    ]
    pushes = await client.ctl("GET", "pushes?account=demo")
    assert [(p["ids"], p["http_status"], p["error"]) for p in pushes] == [
        ([1, 2], 200, None)
    ]


@pytest.mark.parametrize(
    "account_options",
    [{"step_seconds": 2, "push_version": "2.0", "number_form": "plus"}],
)
async def test_v2_objects_by_time(
    client: Client, sim: RunningSimulator, receiver: Receiver
) -> None:
    sim.state.accounts["demo"].push_url = receiver.url
    await client.ctl(
        "POST", "accounts/demo/outcomes", {"number": "1234567", "outcome": "timeout"}
    )
    await client.send("123456,1234567")
    await client.ctl("POST", "time/advance", {"seconds": 6})
    assert receiver.received[0][1] == {
        "type": "report",
        "ver": "V2.0",
        "cnt": 2,
        "array": [
            {
                "id": 1,
                "jobId": 0,
                "src": 0,
                "number": "+123456",
                "submittm": START,
                "sendtm": START + 2,
                "donetm": START + 6,
                "status": 0,
                "reason": "success",
            },
            {
                "id": 2,
                "jobId": 0,
                "src": 0,
                "number": "+1234567",
                "submittm": START,
                "sendtm": START + 2,
                "donetm": START + 6,
                "status": 1006,
                "reason": "Send Timeout",
            },
        ],
    }


@pytest.mark.parametrize(
    "account_options",
    [{"push_version": "2.0", "push_submit_key": "sumbmittm", "deliver_reports": False}],
)
async def test_v2_sample_spelling_and_no_deliver_reports(
    client: Client, sim: RunningSimulator, receiver: Receiver
) -> None:
    sim.state.accounts["demo"].push_url = receiver.url
    await client.post("smsjob", job="j", numbers="123456", content="c")
    await client.ctl("POST", "messages/advance", {"steps": "final"})
    item = receiver.received[0][1]["array"][0]
    assert (item["sumbmittm"], item["jobId"], item["status"]) == (START, 1, 0)
    assert "submittm" not in item


async def test_batches_of_at_most_50(
    client: Client, sim: RunningSimulator, receiver: Receiver
) -> None:
    sim.state.accounts["demo"].push_url = receiver.url
    await client.post(
        "sendsms", numbers=[str(100000 + i) for i in range(120)], content="x"
    )
    await client.ctl("POST", "messages/advance", {"steps": "final"})
    assert [body["cnt"] for _, body in receiver.received] == [50, 50, 20]
    assert [len(body["array"]) for _, body in receiver.received] == [50, 50, 20]


async def test_failed_pushes_are_retried_then_dropped(
    client: Client, sim: RunningSimulator, receiver: Receiver
) -> None:
    receiver.status = 500
    sim.state.accounts["demo"].push_url = receiver.url
    await client.send("123456")
    await client.ctl("POST", "messages/advance", {"steps": "final"})
    await client.ctl("POST", "time/advance", {"seconds": 1})
    await client.ctl("POST", "time/advance", {"seconds": 1})
    await client.ctl("POST", "time/advance", {"seconds": 1})
    assert len(receiver.received) == 3
    assert sim.state.push_queue == {}
    pushes = await client.ctl("GET", "pushes")
    assert [p["http_status"] for p in pushes] == [500, 500, 500]


async def test_unreachable_receiver_is_recorded(
    client: Client, sim: RunningSimulator
) -> None:
    sim.state.accounts["demo"].push_url = "http://127.0.0.1:9/reports"
    await client.send("123456")
    await client.ctl("POST", "messages/advance", {"steps": "final"})
    pushes = await client.ctl("GET", "pushes")
    assert pushes[0]["http_status"] is None
    assert pushes[0]["error"] == "ClientConnectorError"


async def test_push_url_elsewhere_is_refused(
    client: Client, sim: RunningSimulator
) -> None:
    for url in ("http://10.0.0.1/r", "https://127.0.0.1/r", "http://localhost:80/r"):
        await client.ctl(
            "POST", "accounts", {"name": "demo", "push_url": url}, expect=400
        )
    # Even when a test sets it directly, the pusher does not connect.
    sim.state.accounts["demo"].push_url = "http://192.0.2.1/r"
    await client.send("123456")
    await client.ctl("POST", "messages/advance", {"steps": "final"})
    assert (await client.ctl("GET", "pushes"))[0]["error"] == "InvalidInputError"


async def test_push_url_removed_before_flush(
    client: Client, sim: RunningSimulator
) -> None:
    sim.state.accounts["demo"].push_url = "http://127.0.0.1:9/r"
    await client.send("123456")
    sim.state.step_messages(steps=None)
    sim.state.accounts["demo"].push_url = None
    await client.ctl("POST", "time/advance", {"seconds": 0})
    assert sim.state.pushes == []
    assert sim.state.push_queue == {}


async def test_flush_without_session_does_nothing() -> None:
    state = GatewayState([build_account("a", {"password": "p"})])
    state.push_queue["a"] = [1]
    await ReportPusher(state).flush()
    assert state.push_queue == {"a": [1]}


async def test_background_ticker_pushes(
    socket_enabled: None, receiver: Receiver
) -> None:
    extra: list[Account] = [build_account("other", {"password": "pw"})]
    async with (
        run_simulator(
            step_seconds=0.01,
            push_url=receiver.url,
            tick_seconds=0.01,
            extra_accounts=extra,
        ) as sim,
        aiohttp.ClientSession() as session,
    ):
        params = {
            "account": "demo",
            "password": "demo",
            "numbers": "123456",
            "content": "x",
        }
        async with session.get(f"{sim.url}/sendsms", params=params) as resp:
            assert (await resp.json())["status"] == 0
        await asyncio.wait_for(receiver.arrived.wait(), 10)
        assert receiver.received[0][1]["array"][0][3] == 0
        assert set(sim.state.accounts) == {"demo", "other"}
