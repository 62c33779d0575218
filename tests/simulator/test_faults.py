"""Injected faults: latency, HTTP 500, dropped connections, malformed JSON, forced statuses."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import aiohttp
import pytest

from simulator.testing import RunningSimulator

from .conftest import Client


async def raw_get(client: Client, endpoint: str = "getbalance") -> tuple[int, str]:
    async with client.session.get(
        f"{client.sim.url}/{endpoint}", params={"account": "demo", "password": "demo"}
    ) as resp:
        return resp.status, await resp.text()


async def test_latency(client: Client) -> None:
    await client.ctl("POST", "faults", {"kind": "latency", "seconds": 0.2, "count": 1})
    began = time.monotonic()
    assert (await client.get("getbalance"))["status"] == 0
    assert time.monotonic() - began >= 0.2
    assert await client.ctl("GET", "faults") == []


async def test_http500_for_two_requests(client: Client) -> None:
    await client.ctl("POST", "faults", {"kind": "http500", "count": 2})
    assert [(await raw_get(client))[0] for _ in range(3)] == [500, 500, 200]
    requests = await client.ctl("GET", "requests?account=demo")
    assert [(r["http_status"], r["fault"]) for r in requests] == [
        (500, "http500"),
        (500, "http500"),
        (200, None),
    ]


async def test_dropped_connection(client: Client) -> None:
    await client.ctl("POST", "faults", {"kind": "drop", "count": 1})
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await client.session.post(f"{client.sim.url}/sendsms", json={})
    assert (await raw_get(client))[0] == 200
    # aiohttp retries an idempotent GET once on a dropped connection: drop both.
    await client.ctl(
        "POST", "faults", {"kind": "drop", "count": 2, "endpoint": "getbalance"}
    )
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await raw_get(client)
    requests = await client.ctl("GET", "requests")
    assert [(r["http_status"], r["status"], r["fault"]) for r in requests] == [
        (0, None, "drop"),
        (200, 0, None),
        (0, None, "drop"),
        (0, None, "drop"),
    ]
    assert await client.ctl("GET", "sent") == []


async def test_malformed_json(client: Client) -> None:
    await client.ctl("POST", "faults", {"kind": "malformed", "count": 1})
    status, text = await raw_get(client)
    assert status == 200
    with pytest.raises(ValueError):
        json.loads(text)


@pytest.mark.parametrize("status", [-1, -2, -12, -13])
async def test_forced_status_until_cleared(client: Client, status: int) -> None:
    await client.ctl("POST", "faults", {"kind": "status", "status": status})
    for _ in range(3):
        assert await client.get("getbalance") == {"status": status}
    assert await client.get("sendsms", numbers="123456", content="x") == {
        "status": status
    }
    await client.ctl("DELETE", "faults")
    assert (await client.get("getbalance"))["status"] == 0


async def test_fault_per_endpoint_and_account(
    client: Client, sim: RunningSimulator
) -> None:
    await client.ctl("POST", "accounts", {"name": "other", "password": "pw"})
    await client.ctl(
        "POST",
        "faults",
        {"kind": "status", "status": -2, "endpoint": "sendsms", "account": "other"},
    )
    assert (await client.get("sendsms", numbers="123456", content="x"))["status"] == 0
    client.auth = {"account": "other", "password": "pw"}
    assert (await client.get("getbalance"))["status"] == 0
    assert await client.get("sendsms", numbers="123456", content="x") == {"status": -2}
    assert [f["account"] for f in await client.ctl("GET", "faults")] == ["other"]
    assert sim.state.faults[0].count is None


async def test_latency_combines_with_one_other_fault(client: Client) -> None:
    await client.ctl("POST", "faults", {"kind": "latency", "seconds": 0.01})
    await client.ctl("POST", "faults", {"kind": "status", "status": -12, "count": 1})
    await client.ctl("POST", "faults", {"kind": "http500", "count": 1})
    assert await client.get("getbalance") == {"status": -12}
    assert (await raw_get(client))[0] == 500
    assert (await client.get("getbalance"))["status"] == 0
    state = await client.ctl("GET", "state")
    assert [f["kind"] for f in state["faults"]] == ["latency"]


@pytest.mark.parametrize("account_options", [{"content_type": "text/html"}])
async def test_malformed_keeps_the_accounts_content_type(client: Client) -> None:
    await client.ctl("POST", "faults", {"kind": "malformed"})
    async with client.session.get(
        f"{client.sim.url}/getsms", params={"account": "demo", "password": "demo"}
    ) as resp:
        assert resp.content_type == "text/html"


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "explode"},
        {},
        {"kind": "status"},
        {"kind": "status", "status": 3},
        {"kind": "http500", "count": 0},
        {"kind": "http500", "count": True},
        {"kind": "http500", "endpoint": "nope"},
        {"kind": "http500", "account": 5},
        {"kind": "latency", "seconds": "1"},
        {"kind": "http500", "color": "red"},
        {"kind": "gate", "after": -1},
        {"kind": "gate", "after": True},
    ],
)
async def test_bad_faults(client: Client, body: dict[str, Any]) -> None:
    await client.ctl("POST", "faults", body, expect=400)


async def test_gate_holds_a_reply_until_released(
    client: Client, sim: RunningSimulator
) -> None:
    """The gateway acts on a gated request at once; its reply waits for the release."""
    gate = sim.state.add_fault(
        {"kind": "gate", "endpoint": "sendsms", "after": 1, "count": 1}
    )
    first = await client.get("sendsms", numbers="8613800000001", content="one")
    assert first["status"] == 0
    second = asyncio.ensure_future(
        client.get("sendsms", numbers="8613800000002", content="two")
    )
    await gate.reached.wait()
    assert not second.done()
    # Already sent: the message exists while its reply is held.
    assert [m.number for m in sim.state.messages.values()][-1] == "8613800000002"
    gate.release()
    assert (await second)["status"] == 0
    assert await client.ctl("GET", "faults") == []


async def test_gate_holds_a_refusal_until_cleared(client: Client) -> None:
    """A status fault behind a gate is answered when the faults are cleared."""
    await client.ctl("POST", "faults", {"kind": "gate", "endpoint": "getbalance"})
    await client.ctl("POST", "faults", {"kind": "status", "status": -2, "count": 1})
    held = asyncio.ensure_future(client.get("getbalance"))
    [gate, _] = client.sim.state.faults
    await gate.reached.wait()
    await client.ctl("DELETE", "faults")
    assert await held == {"status": -2}
    assert (await client.get("getbalance"))["status"] == 0
