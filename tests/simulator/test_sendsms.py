"""sendsms: GET and POST forms, every refusal, charging and number forms."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from simulator.testing import RunningSimulator

from .conftest import Client


async def test_get_sends_and_charges_gift_first(
    client: Client, sim: RunningSimulator
) -> None:
    reply = await client.get("sendsms", numbers="10010, +1008611", content="hi there")
    assert reply == {
        "status": 0,
        "success": 2,
        "fail": 0,
        "array": [[10010, 1], [1008611, 2]],
    }
    account = sim.state.accounts["demo"]
    assert (account.gift, account.balance) == (Decimal("4.90"), Decimal("100.00"))
    assert [m.content for m in sim.state.messages.values()] == ["hi there", "hi there"]


async def test_gift_runs_out_then_balance_pays(
    client: Client, sim: RunningSimulator
) -> None:
    account = sim.state.accounts["demo"]
    account.gift = Decimal("0.07")
    await client.send("123456,1234567")
    assert (account.gift, account.balance) == (Decimal("0.00"), Decimal("99.97"))


async def test_post_single_content(client: Client, sim: RunningSimulator) -> None:
    reply = await client.post(
        "sendsms",
        numbers="123456",
        content="a&b c",
        smstype=0,
        sender="me",
        mmstitle="t",
    )
    assert reply["status"] == 0
    assert sim.state.messages[1].content == "a&b c"


async def test_post_smsarray_with_mms_price(
    client: Client, sim: RunningSimulator
) -> None:
    reply = await client.post(
        "sendsms",
        smsarray=[
            {"content": "one", "smstype": 0, "numbers": "123456", "sender": "x"},
            {
                "content": "two",
                "SMStype": 1,
                "mmstitle": "t",
                "numbers": ["1234567", 7654321],
            },
        ],
    )
    assert reply == {
        "status": 0,
        "success": 3,
        "fail": 0,
        "array": [[123456, 1], [1234567, 2], [7654321, 3]],
    }
    assert sim.state.accounts["demo"].gift == Decimal("5.00") - Decimal(
        "0.05"
    ) - Decimal("0.40")
    assert [m.smstype for m in sim.state.messages.values()] == [0, 1, 1]


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"numbers": "123456", "content": ""}, -4),
        ({"numbers": "123456"}, -4),
        ({"numbers": "123456", "content": "x" * 1025}, -5),
        ({"numbers": "123456", "content": "casino night"}, -3),
        ({"numbers": "123456", "content": "CASINO"}, -3),
        ({"numbers": "", "content": "x"}, -8),
        ({"content": "x"}, -8),
        (
            {"numbers": ",".join(str(100000 + i) for i in range(101)), "content": "x"},
            -7,
        ),
        ({"numbers": "12a456", "content": "x"}, -9),
        ({"numbers": "123456,,1234567", "content": "x"}, -9),
        ({"numbers": "12", "content": "x"}, -9),
        ({"numbers": "123456", "content": "x", "sendtime": "2026-01-01"}, -11),
        ({"numbers": "123456", "content": "x", "sendtime": "20261301000000"}, -11),
        ({"numbers": "123456", "content": "x", "smstype": 2}, -12),
        ({"numbers": "123456", "content": "x", "smstype": "mms"}, -12),
    ],
)
@pytest.mark.parametrize("account_options", [{"sensitive_words": ["casino"]}])
async def test_get_refusals(
    client: Client, sim: RunningSimulator, params: dict[str, Any], status: int
) -> None:
    assert await client.get("sendsms", **params) == {"status": status}
    assert sim.state.messages == {}
    assert sim.state.submissions[-1].status == status


async def test_get_accepts_100_numbers_and_exactly_1024_characters(
    client: Client,
) -> None:
    numbers = ",".join(str(100000 + i) for i in range(100))
    assert len(await client.send(numbers, "é" * 1024)) == 100


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (
            {
                "numbers": ",".join(str(100000 + i) for i in range(10001)),
                "content": "x",
            },
            -7,
        ),
        ({"numbers": {"a": 1}, "content": "x"}, -9),
        ({"numbers": [True], "content": "x"}, -9),
        ({"numbers": "123456", "content": ["x"]}, -4),
        ({"smsarray": []}, -12),
        ({"smsarray": "x"}, -12),
        ({"smsarray": ["x"]}, -12),
        ({"smsarray": [{"numbers": "123456", "content1": "typo"}]}, -4),
        (
            {
                "smsarray": [
                    {
                        "numbers": ",".join(str(100000 + i) for i in range(6000)),
                        "content": "a",
                    },
                    {
                        "numbers": ",".join(str(200000 + i) for i in range(6000)),
                        "content": "b",
                    },
                ]
            },
            -7,
        ),
    ],
)
async def test_post_refusals(
    client: Client, sim: RunningSimulator, body: dict[str, Any], status: int
) -> None:
    assert await client.post("sendsms", **body) == {"status": status}
    assert sim.state.messages == {}


async def test_post_accepts_more_than_100_numbers(client: Client) -> None:
    numbers = [str(100000 + i) for i in range(150)]
    reply = await client.post("sendsms", numbers=numbers, content="x")
    assert reply["success"] == 150


@pytest.mark.parametrize("account_options", [{"length_unit": "bytes"}])
async def test_length_in_bytes(client: Client) -> None:
    assert await client.get("sendsms", numbers="123456", content="é" * 513) == {
        "status": -5
    }
    assert len(await client.send("123456", "é" * 512)) == 1


async def test_insufficient_balance_sends_nothing(
    client: Client, sim: RunningSimulator
) -> None:
    account = sim.state.accounts["demo"]
    account.balance, account.gift = Decimal("0.05"), Decimal("0.04")
    assert await client.get("sendsms", numbers="123456,1234567", content="x") == {
        "status": -10
    }
    assert (account.balance, account.gift) == (Decimal("0.05"), Decimal("0.04"))
    assert sim.state.messages == {}
    assert len(await client.send("123456")) == 1


async def test_rejected_numbers_count_as_fail_and_cost_nothing(
    client: Client, sim: RunningSimulator
) -> None:
    await client.ctl(
        "POST", "accounts/demo/outcomes", {"number": "+1234567", "outcome": "rejected"}
    )
    reply = await client.get("sendsms", numbers="123456,1234567", content="x")
    assert reply == {"status": 0, "success": 1, "fail": 1, "array": [[123456, 1]]}
    assert sim.state.accounts["demo"].gift == Decimal("4.95")


@pytest.mark.parametrize(
    ("form", "expected"),
    [("int", 8613800000000), ("str", "8613800000000"), ("plus", "+8613800000000")],
)
async def test_number_forms(
    client: Client, sim: RunningSimulator, form: str, expected: Any
) -> None:
    sim.state.accounts["demo"].number_form = form
    reply = await client.get("sendsms", numbers="+8613800000000", content="x")
    assert reply["array"] == [[expected, 1]]


async def test_submission_log_never_holds_the_password(
    client: Client, sim: RunningSimulator
) -> None:
    await client.get(
        "sendsms", numbers="123456", content="x", sendtime="20260102000000"
    )
    await client.post("sendsms", numbers="123456", content="")
    sent = await client.ctl("GET", "sent")
    assert [(s["method"], s["status"], s["numbers"], s["ids"]) for s in sent] == [
        ("GET", 0, ["123456"], [1]),
        ("POST", -4, [], []),
    ]
    assert sent[0]["params"] == {
        "account": "demo",
        "numbers": "123456",
        "content": "x",
        "sendtime": "20260102000000",
    }
    assert all("password" not in s["params"] for s in sent)
    assert await client.ctl("GET", "sent?account=other") == []
    requests = await client.ctl("GET", "requests")
    assert [(r["endpoint"], r["method"], r["status"]) for r in requests] == [
        ("sendsms", "GET", 0),
        ("sendsms", "POST", -4),
    ]
