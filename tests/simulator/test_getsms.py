"""getsms: destructive reads, the 50 limit, start_time, duplicates and odd content."""

from __future__ import annotations

import base64

import pytest

from simulator.testing import RunningSimulator

from .conftest import START, START_STAMP, Client


async def test_read_consumes(client: Client) -> None:
    await client.ctl(
        "POST", "accounts/demo/inbound", {"from": "+8613800000001", "content": "你好"}
    )
    reply = await client.get("getsms")
    payload = base64.b64encode("你好".encode()).decode()
    assert reply == {
        "status": 0,
        "cnt": 1,
        "array": [[1, 8613800000001, START_STAMP, payload]],
    }
    assert await client.get("getsms") == {"status": 0, "cnt": 0, "array": []}


async def test_at_most_50_per_call(client: Client, sim: RunningSimulator) -> None:
    account = sim.state.accounts["demo"]
    for index in range(120):
        sim.state.add_inbound(account, sender="123456", content=str(index))
    counts = [(await client.post("getsms"))["cnt"] for _ in range(4)]
    assert counts == [50, 50, 20, 0]


async def test_start_time_filter(client: Client) -> None:
    for offset in (0, 100, 200):
        body = {"from": "123456", "content": str(offset), "time": START + offset}
        await client.ctl("POST", "accounts/demo/inbound", body)
    reply = await client.get("getsms", start_time=START + 100)
    assert [row[0] for row in reply["array"]] == [2, 3]
    reply = await client.get("getsms", start_time=START + 1000)
    assert reply["cnt"] == 0
    assert [row[0] for row in (await client.get("getsms"))["array"]] == [1]
    assert await client.get("getsms", start_time="yesterday") == {"status": -11}


async def test_duplicates_odd_content_and_receiver(
    client: Client, sim: RunningSimulator
) -> None:
    sim.state.accounts["demo"].getsms_receiver = True
    sim.state.accounts["demo"].number_form = "str"
    await client.ctl(
        "POST",
        "accounts/demo/inbound",
        {"from": "123456", "content": "x", "duplicate": True, "id": 7},
    )
    await client.ctl(
        "POST",
        "accounts/demo/inbound",
        {"from": "123456", "content": "价格", "encoding": "gbk", "to": "+555"},
    )
    await client.ctl(
        "POST", "accounts/demo/inbound", {"from": "123456", "payload": "%%not base64%%"}
    )
    rows = (await client.get("getsms"))["array"]
    assert [row[:3] for row in rows] == [
        [7, "123456", "10690000"],
        [7, "123456", "10690000"],
        [8, "123456", "555"],
        [9, "123456", "10690000"],
    ]
    with pytest.raises(UnicodeDecodeError):
        base64.b64decode(rows[2][4]).decode()
    assert rows[3][4] == "%%not base64%%"


@pytest.mark.parametrize(
    "body",
    [
        {"content": "no sender"},
        {"from": "123456", "bogus": 1},
    ],
)
async def test_inject_refusals(client: Client, body: dict[str, str]) -> None:
    await client.ctl("POST", "accounts/demo/inbound", body, expect=400)
    await client.ctl("POST", "accounts/nobody/inbound", {"from": "1"}, expect=404)
