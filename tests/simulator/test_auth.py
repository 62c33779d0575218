"""getbalance, both password modes, seq rejection, locked accounts and reply forms."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from simulator.accounts import Account
from simulator.testing import RunningSimulator

from .conftest import Client, md5_password


async def test_getbalance_get_and_post(client: Client) -> None:
    expected = {"status": 0, "balance": "100.000000", "gift": "5.000000"}
    assert await client.get("getbalance") == expected
    assert await client.post("getbalance") == expected
    assert await client.post("getbalance", version="1.1") == expected


@pytest.mark.parametrize(
    "auth",
    [
        {"account": "demo", "password": "wrong"},
        {"account": "nobody", "password": "demo"},
        {"account": "demo", "password": None},
        {"account": None, "password": "demo"},
    ],
)
async def test_plain_auth_errors(client: Client, auth: dict[str, Any]) -> None:
    client.auth = {}
    assert await client.get("getbalance", **auth) == {"status": -1}
    assert await client.post("getbalance", **auth) == {"status": -1}


async def test_empty_password_never_authenticates(
    client: Client, sim: RunningSimulator
) -> None:
    sim.state.add_account(Account("open"))
    client.auth = {"account": "open", "password": ""}
    assert await client.get("getbalance") == {"status": -1}


async def test_post_body_that_is_not_json_cannot_authenticate(client: Client) -> None:
    async with client.session.post(
        f"{client.sim.url}/getbalance", data=b"account=demo&password=demo"
    ) as resp:
        assert await resp.json() == {"status": -1}
    async with client.session.post(f"{client.sim.url}/getbalance", json=[1, 2]) as resp:
        assert await resp.json() == {"status": -1}


async def test_post_merges_query_and_body_case_insensitively(client: Client) -> None:
    async with client.session.post(
        f"{client.sim.url}/getbalance?account=demo", json={"Password": "demo"}
    ) as resp:
        assert (await resp.json())["status"] == 0


@pytest.mark.parametrize("account_options", [{"key": "k3y", "step_seconds": 0}])
async def test_encrypted_mode(client: Client, sim: RunningSimulator) -> None:
    client.auth = {}

    async def balance(seq: Any, stamp: Any, token: str | None = None) -> int:
        password = token or md5_password("demo", "demo", seq, stamp, "k3y")
        reply = await client.get(
            "getbalance", account="demo", password=password, seq=seq, time=stamp
        )
        return int(reply["status"])

    assert await balance(1, 1767225600) == 0
    assert await balance(2, 1767225601) == 0
    # Upper-case hex is the same token.
    upper = md5_password("demo", "demo", 3, 5, "k3y").upper()
    assert await balance(3, 5, upper) == 0
    # A repeated or lower seq is refused, and recorded so tests can see the reuse.
    assert await balance(3, 6) == -1
    assert await balance(2, 7) == -1
    assert await balance(10, 8) == 0
    assert sim.state.accounts["demo"].seqs == [1, 2, 3, 3, 2, 10]
    # The plain password, a wrong key and missing seq/time all fail.
    assert await balance(11, 9, "demo") == -1
    assert await balance(11, 9, md5_password("demo", "demo", 11, 9, "other")) == -1
    reply = await client.get("getbalance", account="demo", password="x", time=9)
    assert reply == {"status": -1}
    reply = await client.get(
        "getbalance", account="demo", password="x", seq="a", time=9
    )
    assert reply == {"status": -1}
    # A bad token does not use up a seq.
    assert await balance(11, 9) == 0
    # POST with the JSON numbers as strings works too.
    token = md5_password("demo", "demo", 12, 10, "k3y")
    reply = await client.post(
        "getbalance", account="demo", password=token, seq="12", time="10"
    )
    assert reply["status"] == 0


@pytest.mark.parametrize("account_options", [{"locked": True}])
async def test_locked_account(client: Client) -> None:
    assert await client.get("getbalance") == {"status": -13}
    assert await client.post("sendsms", numbers="123456", content="x") == {
        "status": -13
    }


@pytest.mark.parametrize("account_options", [{"locked": True, "key": "k"}])
async def test_locked_account_encrypted(client: Client) -> None:
    client.auth = {}
    token = md5_password("demo", "demo", 1, 1, "k")
    reply = await client.get(
        "getbalance", account="demo", password=token, seq=1, time=1
    )
    assert reply == {"status": -13}


@pytest.mark.parametrize("account_options", [{"content_type": "text/html"}])
async def test_text_html_replies(client: Client) -> None:
    async with client.session.get(
        f"{client.sim.url}/getbalance", params={"account": "demo", "password": "demo"}
    ) as resp:
        assert resp.content_type == "text/html"
        assert (await resp.json(content_type=None))["status"] == 0


async def test_json_content_type_by_default(client: Client) -> None:
    async with client.session.get(f"{client.sim.url}/getbalance") as resp:
        assert resp.content_type == "application/json"
        assert await resp.json() == {"status": -1}


async def test_state_is_mutable_from_tests(
    client: Client, sim: RunningSimulator
) -> None:
    sim.state.accounts["demo"].balance = Decimal("1.5")
    assert (await client.get("getbalance"))["balance"] == "1.500000"
    assert sim.url == f"http://127.0.0.1:{sim.port}"
    assert sim.host == "127.0.0.1"
    assert sim.control_url == f"{sim.url}/_sim"
