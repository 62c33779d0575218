"""getreport and the message lifecycle, stepped by time and by the control API."""

from __future__ import annotations

from typing import Any

import pytest

from simulator.clock import ManualClock
from simulator.testing import RunningSimulator

from .conftest import START, START_STAMP, Client


@pytest.mark.parametrize("account_options", [{"step_seconds": 5, "report_fields": 6}])
async def test_lifecycle_by_time(client: Client, clock: ManualClock) -> None:
    ids = await client.send("123456")
    rows = []
    for _ in range(5):
        rows.append((await client.report(ids))["array"][0])
        clock.advance(5)
    assert rows == [
        [1, 123456, START_STAMP, 1, 0, 0],
        [1, 123456, START_STAMP + 5, 2, 0, 0],
        [1, 123456, START_STAMP + 5, 0, 0, 1],
        [1, 123456, START_STAMP + 5, 0, START_STAMP + 15, 3],
        [1, 123456, START_STAMP + 5, 0, START_STAMP + 15, 3],
    ]


@pytest.mark.parametrize("account_options", [{"step_seconds": 5}])
async def test_time_catches_up_in_one_jump(
    client: Client, sim: RunningSimulator
) -> None:
    ids = await client.send("123456")
    await client.ctl("POST", "time/advance", {"seconds": 60})
    message = sim.state.messages[ids[0]]
    assert (message.phase, message.sent_at, message.done_at) == (
        "delivered",
        START + 5,
        START + 15,
    )


async def test_counters_and_forms(client: Client, sim: RunningSimulator) -> None:
    outcomes: dict[str, dict[str, Any]] = {
        "1000001": {"outcome": "failed", "code": 1011},
        "1000002": {"outcome": "undelivered"},
        "1000003": {"outcome": "timeout"},
        "1000004": {"outcome": "unknown"},
        "1000005": {"outcome": "failed"},
    }
    for number, outcome in outcomes.items():
        await client.ctl(
            "POST", "accounts/demo/outcomes", {"number": number, **outcome}
        )
    ids = await client.send(
        "1000000,1000001,1000002,1000003,1000004,1000005,1000006,1000007"
    )
    await client.ctl("POST", "messages/advance", {"ids": ids[:6], "steps": "final"})
    await client.ctl("POST", "messages/advance", {"ids": [ids[6]], "steps": 1})
    reply = await client.report([*ids, 999, 0])
    assert {k: v for k, v in reply.items() if k != "array"} == {
        "status": 0,
        "success": 4,
        "fail": 2,
        "unsent": 1,
        "sending": 1,
        "deliverSuc": 1,
        "deliverFail": 1,
        "deliverTimeout": 1,
        "nofound": 2,
    }
    stamp = START_STAMP
    assert reply["array"] == [
        [1, 1000000, stamp, 0],
        [2, 1000001, stamp, 1011],
        [3, 1000002, stamp, 0],
        [4, 1000003, stamp, 0],
        [5, 1000004, stamp, 0],
        [6, 1000005, stamp, 1004],
        [7, 1000006, stamp, 2],
        [8, 1000007, stamp, 1],
    ]
    sim.state.accounts["demo"].report_fields = 6
    sim.state.accounts["demo"].number_form = "str"
    rows = (await client.report(ids))["array"]
    assert [row[1:] for row in rows] == [
        ["1000000", stamp, 0, stamp, 3],
        ["1000001", stamp, 1011, 0, 0],
        ["1000002", stamp, 0, stamp, 2],
        ["1000003", stamp, 0, stamp, 4],
        ["1000004", stamp, 0, stamp, 5],
        ["1000005", stamp, 1004, 0, 0],
        ["1000006", stamp, 2, 0, 0],
        ["1000007", stamp, 1, 0, 0],
    ]
    sim.state.accounts["demo"].report_fields = 7
    sim.state.accounts["demo"].number_form = "plus"
    rows = (await client.report(ids))["array"]
    assert [row[1:] for row in rows] == [
        ["+1000000", stamp, 0, "success", stamp, 3],
        ["+1000001", stamp, 1011, "Black Number", 0, 0],
        ["+1000002", stamp, 0, "Send Refuse", stamp, 2],
        ["+1000003", stamp, 0, "Send Timeout", stamp, 4],
        ["+1000004", stamp, 0, "Unkown", stamp, 5],
        ["+1000005", stamp, 1004, "Unkown", 0, 0],
        ["+1000006", stamp, 2, "", 0, 0],
        ["+1000007", stamp, 1, "", 0, 0],
    ]


async def test_sent_but_not_delivered(client: Client, sim: RunningSimulator) -> None:
    sim.state.accounts["demo"].report_fields = 6
    ids = await client.send("123456")
    moved = await client.ctl(
        "POST", "messages/advance", {"steps": 2, "account": "demo"}
    )
    assert moved == {"moved": ids}
    reply = await client.report(ids)
    assert reply["array"][0][3:] == [0, 0, 1]
    assert reply["success"] == 1


@pytest.mark.parametrize(
    "account_options", [{"deliver_reports": False, "report_fields": 6}]
)
async def test_deliver_reports_disabled(client: Client, sim: RunningSimulator) -> None:
    ids = await client.send("123456")
    await client.ctl("POST", "messages/advance", {"steps": "final"})
    reply = await client.report(ids)
    assert reply == {
        "status": 0,
        "success": 1,
        "fail": 0,
        "unsent": 0,
        "sending": 0,
        "nofound": 0,
        "array": [[1, 123456, START_STAMP, 0, 0, 0]],
    }
    assert sim.state.messages[1].phase == "sent"


async def test_other_accounts_ids_are_not_found(
    client: Client, sim: RunningSimulator
) -> None:
    await client.ctl("POST", "accounts", {"name": "other", "password": "pw"})
    ids = await client.send("123456")
    client.auth = {"account": "other", "password": "pw"}
    reply = await client.report(ids)
    assert (reply["nofound"], reply["array"]) == (1, [])


@pytest.mark.parametrize(
    ("ids", "status"),
    [
        ("", -8),
        (",".join(str(i) for i in range(1, 202)), -7),
        ("1,x", -9),
        ("-1", -9),
    ],
)
async def test_getreport_refusals(client: Client, ids: str, status: int) -> None:
    assert await client.get("getreport", ids=ids) == {"status": status}


async def test_getreport_post_with_list_and_200_ids(client: Client) -> None:
    ids = await client.send("123456")
    reply = await client.post("getreport", ids=[*ids, *range(1000, 1199)])
    assert (reply["status"], reply["nofound"], len(reply["array"])) == (0, 199, 1)
    reply = await client.post("getreport", ids=",".join(map(str, ids)))
    assert reply["success"] == 0
    assert reply["unsent"] == 1


@pytest.mark.parametrize("account_options", [{"step_seconds": 10}])
async def test_scheduled_send_waits(client: Client, sim: RunningSimulator) -> None:
    ids = await client.send("123456", sendtime=START_STAMP + 100)  # 00:01:00
    await client.ctl("POST", "time/advance", {"seconds": 59})
    assert (await client.report(ids))["array"][0][3] == 1
    await client.ctl("POST", "time/advance", {"seconds": 1})
    reply = await client.report(ids)
    assert reply["array"][0][2:] == [START_STAMP + 100, 2]
    await client.ctl("POST", "time/advance", {"seconds": 20})
    assert sim.state.messages[ids[0]].phase == "delivered"


async def test_scheduled_send_in_manual_mode(
    client: Client, sim: RunningSimulator
) -> None:
    ids = await client.send("123456", sendtime=START_STAMP + 100)
    assert await client.ctl("POST", "messages/advance", {"steps": "final"}) == {
        "moved": []
    }
    past = await client.send("1234567", sendtime="20250101000000")
    assert await client.ctl("POST", "messages/advance", {}) == {"moved": past}
    moved = await client.ctl("POST", "messages/advance", {"ids": ids, "force": True})
    assert moved == {"moved": ids}
    assert sim.state.messages[ids[0]].phase == "sending"


async def test_smsarray_item_sendtime(client: Client, sim: RunningSimulator) -> None:
    await client.post(
        "sendsms",
        sendtime="20260101000100",
        smsarray=[
            {"numbers": "123456", "content": "a"},
            {"numbers": "1234567", "content": "b", "sendtime": "20260101000200"},
        ],
    )
    assert [m.start - START for m in sim.state.messages.values()] == [60, 120]


async def test_message_listing(client: Client) -> None:
    await client.send("123456")
    await client.ctl("POST", "accounts", {"name": "other", "password": "pw"})
    listed: list[dict[str, Any]] = await client.ctl("GET", "messages?account=demo")
    assert [(m["id"], m["number"], m["phase"]) for m in listed] == [
        (1, "123456", "unsent")
    ]
    assert await client.ctl("GET", "messages?account=other") == []
    assert len(await client.ctl("GET", "messages")) == 1
