"""Tests for plain and md5-signed passwords and the seq counter."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import hashlib

import pytest

from custom_components.eims.api import (
    EimsClient,
    EimsConnectionError,
    EimsValidationError,
    MemorySeqSource,
    SendRequest,
    SeqSource,
)
from custom_components.eims.api.auth import Credentials, md5_token, redact

from .conftest import ACCOUNT, KEY, PASSWORD, FakeGateway, load_fixture


class PersistedSeq(MemorySeqSource):
    """A seq source as the integration keeps one: resumes from a stored value."""

    def __init__(self, stored: int) -> None:
        super().__init__(stored + 1)


def test_md5_token_as_specified() -> None:
    expected = hashlib.md5(b"chenkc123456" + b"7" + b"1700000000" + b"key").hexdigest()  # noqa: S324
    assert md5_token("chenkc", "123456", 7, 1700000000, "key") == expected


def test_memory_seq_source() -> None:
    source: SeqSource = MemorySeqSource()
    assert [source.next_seq() for _ in range(3)] == [1, 2, 3]
    assert MemorySeqSource(41).next_seq() == 41
    source.skip_to(2)
    assert source.next_seq() == 4
    source.skip_to(100)
    assert source.next_seq() == 100


def test_plain_credentials_carry_no_seq() -> None:
    credentials = Credentials(ACCOUNT, PASSWORD)
    assert credentials.params(lambda: 5.0) == {"account": ACCOUNT, "password": PASSWORD}
    assert not credentials.encrypted
    assert PASSWORD not in repr(credentials)


def test_signed_credentials() -> None:
    credentials = Credentials(ACCOUNT, PASSWORD, KEY, MemorySeqSource(10))
    params = credentials.params(lambda: 1700000000.9)
    assert params == {
        "account": ACCOUNT,
        "password": md5_token(ACCOUNT, PASSWORD, 10, 1700000000, KEY),
        "seq": 10,
        "time": 1700000000,
    }
    assert credentials.encrypted
    assert set(credentials.secrets(params)) == {PASSWORD, KEY, params["password"]}
    assert KEY not in repr(credentials)


def test_seq_source_going_back_is_refused() -> None:
    class Broken:
        def next_seq(self) -> int:
            return 3

    credentials = Credentials(ACCOUNT, PASSWORD, KEY, Broken())
    credentials.params(lambda: 0.0)
    with pytest.raises(EimsValidationError) as err:
        credentials.params(lambda: 0.0)
    assert (err.value.field, err.value.reason, err.value.value) == (
        "seq",
        "seq_not_increasing",
        3,
    )


def test_redact_forms() -> None:
    secret = "p@ss word+&="
    text = f"x {secret} y password=abc&z=1 http://h/?password=p%40ss%20word%2B%26%3D"
    cleaned = redact(text, [secret])
    assert secret not in cleaned
    assert "abc" not in cleaned
    assert "p%40ss" not in cleaned
    assert "z=1" in cleaned


async def test_signed_request_fields(
    gateway: FakeGateway, make_client: Callable[..., EimsClient]
) -> None:
    gateway.reply("/getbalance", load_fixture("getbalance.json"))
    client = make_client(key=KEY, seq_source=PersistedSeq(99))
    await client.get_balance()
    query = gateway.calls("/getbalance")[0].query
    assert query["seq"] == "100"
    seq, timestamp = int(query["seq"]), int(query["time"])
    assert query["password"] == md5_token(ACCOUNT, PASSWORD, seq, timestamp, KEY)
    assert PASSWORD not in gateway.calls("/getbalance")[0].raw_url


async def test_seq_increasing_under_100_concurrent_requests(
    gateway: FakeGateway, make_client: Callable[..., EimsClient]
) -> None:
    gateway.reply("/getbalance", load_fixture("getbalance.json"))
    gateway.reply("/sendsms", {"status": 0, "array": [["10010", 1]]})
    source = PersistedSeq(0)
    client = make_client(key=KEY, seq_source=source)
    await asyncio.gather(
        *(
            client.get_balance()
            if index % 2
            else client.send_sms([SendRequest(["10010"], "x")])
            for index in range(100)
        )
    )
    seqs = [int(request.fields["seq"]) for request in gateway.requests]
    assert seqs == list(range(1, 101))
    assert source.next_seq() == 101
    tokens = {request.fields["password"] for request in gateway.requests}
    assert len(tokens) == 100


async def test_retry_after_connect_failure_takes_new_seq(
    gateway: FakeGateway, make_client: Callable[..., EimsClient]
) -> None:
    client = make_client(key=KEY, port=1)
    with pytest.raises(EimsConnectionError):
        await client.get_balance()
    assert client._credentials._last_seq == 2


async def test_empty_key_means_plain(
    gateway: FakeGateway, make_client: Callable[..., EimsClient]
) -> None:
    gateway.reply("/getbalance", load_fixture("getbalance.json"))
    await make_client(key="").get_balance()
    assert gateway.calls("/getbalance")[0].query == {
        "account": ACCOUNT,
        "password": PASSWORD,
    }
