"""The /_sim/ control API: accounts, balance, outcomes, time, logs, reset, bad input."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from simulator.clock import ManualClock
from simulator.testing import RunningSimulator

from .conftest import START, Client


async def test_create_update_and_show_accounts(
    client: Client, sim: RunningSimulator
) -> None:
    created = await client.ctl(
        "POST",
        "accounts",
        {
            "name": "shop",
            "password": "s3cret",
            "key": "k",
            "balance": 10,
            "gift": "0",
            "price": 0.1,
            "mms_price": "0.5",
            "sensitive_words": ["spam"],
            "report_fields": 7,
            "number_form": "plus",
            "default_outcome": {"outcome": "failed", "code": 1001},
            "outcomes": {"+123456": "delivered"},
        },
    )
    assert created["encrypted"] is True
    assert "password" not in created
    assert "key" not in created
    assert "s3cret" not in str(created)
    assert (created["balance"], created["price"]) == ("10", "0.1")
    updated = await client.ctl("POST", "accounts", {"name": "shop", "locked": True})
    assert updated["locked"] is True
    assert updated["outcomes"] == {"123456": {"outcome": "delivered", "code": 0}}
    shown = await client.ctl("GET", "accounts/shop")
    assert shown == updated
    account = sim.state.accounts["shop"]
    assert account.outcome_for("999999").code == 1001
    assert account.outcome_for("123456").code == 0
    await client.ctl("GET", "accounts/nobody", expect=404)


@pytest.mark.parametrize(
    "body",
    [
        {"password": "x"},
        {"name": "", "password": "x"},
        {"name": "new"},
        {"name": "new", "password": "x", "colour": "red"},
        {"name": "new", "password": 5},
        {"name": "new", "password": "x", "balance": "lots"},
        {"name": "new", "password": "x", "balance": "-1"},
        {"name": "new", "password": "x", "balance": "NaN"},
        {"name": "new", "password": "x", "balance": True},
        {"name": "new", "password": "x", "balance": [1]},
        {"name": "new", "password": "x", "report_fields": 5},
        {"name": "new", "password": "x", "report_fields": True},
        {"name": "new", "password": "x", "sensitive_words": "spam"},
        {"name": "new", "password": "x", "sensitive_words": [1]},
        {"name": "new", "password": "x", "step_seconds": -1},
        {"name": "new", "password": "x", "step_seconds": "1"},
        {"name": "new", "password": "x", "outcomes": ["123456"]},
        {"name": "new", "password": "x", "default_outcome": "vanished"},
        {
            "name": "new",
            "password": "x",
            "default_outcome": {"outcome": "failed", "code": "x"},
        },
        {
            "name": "new",
            "password": "x",
            "default_outcome": {"outcome": "failed", "why": 1},
        },
        {"name": "new", "password": "x", "default_outcome": 7},
        {"name": "demo", "balance": "x"},
    ],
)
async def test_bad_accounts(
    client: Client, sim: RunningSimulator, body: dict[str, Any]
) -> None:
    await client.ctl("POST", "accounts", body, expect=400)
    assert set(sim.state.accounts) == {"demo"}
    assert sim.state.accounts["demo"].balance == Decimal("100.00")


async def test_set_balance(client: Client) -> None:
    reply = await client.ctl(
        "POST", "accounts/demo/balance", {"balance": "0.5", "gift": 0}
    )
    assert reply == {"balance": "0.5", "gift": "0"}
    assert await client.get(
        "sendsms",
        numbers="123456,1234567,7654321,1111111,2222222,3333333,4444444,5555555,6666666,7777777,8888888",
        content="x",
    ) == {"status": -10}
    await client.ctl("POST", "accounts/demo/balance", {"credit": 1}, expect=400)
    await client.ctl("POST", "accounts/nobody/balance", {"gift": 1}, expect=404)


async def test_outcomes(client: Client, sim: RunningSimulator) -> None:
    reply = await client.ctl(
        "POST",
        "accounts/demo/outcomes",
        {"number": "+123456", "outcome": "failed", "code": 1011},
    )
    assert reply == {"123456": {"outcome": "failed", "code": 1011}}
    await client.ctl(
        "POST", "accounts/demo/outcomes", {"outcome": "failed"}, expect=400
    )
    await client.ctl(
        "POST", "accounts/demo/outcomes", {"number": "1", "outcome": "lost"}, expect=400
    )
    assert await client.ctl("DELETE", "accounts/demo/outcomes") == {}
    assert sim.state.accounts["demo"].outcomes == {}


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("time/advance", {}),
        ("time/advance", {"seconds": -1}),
        ("time/advance", {"seconds": True}),
        ("messages/advance", {"steps": "all"}),
        ("messages/advance", {"steps": False}),
        ("messages/advance", {"ids": "1"}),
        ("messages/advance", {"ids": ["1"]}),
        ("accounts", [1]),
    ],
)
async def test_bad_control_input(client: Client, path: str, body: Any) -> None:
    await client.ctl("POST", path, body, expect=400)


async def test_invalid_json_body(client: Client) -> None:
    async with client.session.post(
        f"{client.sim.control_url}/accounts", data=b"{"
    ) as resp:
        assert resp.status == 400


async def test_time_advance_with_real_offset(
    client: Client, clock: ManualClock
) -> None:
    assert await client.ctl("POST", "time/advance", {"seconds": 30}) == {
        "now": START + 30
    }
    clock.advance(5)
    assert (await client.ctl("GET", "state"))["now"] == START + 35


async def test_state_and_reset(client: Client, sim: RunningSimulator) -> None:
    await client.ctl("POST", "accounts", {"name": "other", "password": "pw"})
    await client.send("123456")
    await client.post("smsjob", job="j", numbers="123456", content="c")
    await client.ctl("POST", "faults", {"kind": "http500", "endpoint": "getsms"})
    await client.ctl("POST", "time/advance", {"seconds": 10})
    state = await client.ctl("GET", "state")
    assert (state["messages"], state["jobs"], len(state["faults"])) == (2, 1, 1)
    assert [a["name"] for a in state["accounts"]] == ["demo", "other"]
    assert state["accounts"][0]["gift"] == "4.90"
    assert await client.ctl("POST", "reset") == {"ok": True}
    state = await client.ctl("GET", "state")
    assert state == {
        "now": START,
        "accounts": [state["accounts"][0]],
        "messages": 0,
        "jobs": 0,
        "faults": [],
    }
    assert state["accounts"][0]["gift"] == "5.00"
    assert await client.ctl("GET", "requests") == []
    assert await client.ctl("GET", "sent") == []
    assert await client.ctl("GET", "pushes") == []
    assert await client.send("123456") == [1]


async def test_json_numbers_and_flags_in_post(client: Client) -> None:
    reply = await client.post("sendsms", numbers=123456, content="x")
    assert reply["array"] == [[123456, 1]]
    assert await client.post(
        "sendsms", numbers="123456", content="x", smstype=True
    ) == {"status": -12}
