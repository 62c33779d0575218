"""Tests for EimsClient against a fake gateway on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
import json
from typing import Any
from unittest.mock import patch
from zoneinfo import ZoneInfo

import aiohttp
from aiohttp import web
import pytest

from custom_components.eims.api import (
    Balance,
    DeliverStatus,
    EimsAuthError,
    EimsBalanceError,
    EimsClient,
    EimsConnectionError,
    EimsError,
    EimsHttpError,
    EimsNumberError,
    EimsPartialSendError,
    EimsResponseError,
    EimsTimeoutError,
    EimsValidationError,
    FailedNumber,
    JobType,
    ReportCounters,
    SendRequest,
    SendStatus,
    SmsJob,
    SmsType,
)

from .conftest import ACCOUNT, PASSWORD, FakeGateway, fixture_text, load_fixture

SHANGHAI = ZoneInfo("Asia/Shanghai")


def accept_all(request_fields: dict[str, Any]) -> dict[str, object]:
    """Build a sendsms reply accepting every number of a request, its digits as its id."""
    numbers = [
        number
        for item in request_fields.get("smsarray") or [request_fields]
        for number in str(item["numbers"]).split(",")
    ]
    return {
        "status": 0,
        "success": len(numbers),
        "fail": 0,
        # Unique across requests, as a gateway's message ids are.
        "array": [[number, int(number.removeprefix("+"))] for number in numbers],
    }


async def echo_accept(request: web.Request) -> web.Response:
    """Accept every number sent, by POST body or GET query."""
    raw = await request.read()
    fields = json.loads(raw) if raw else dict(request.query)
    return web.json_response(accept_all(fields))


async def test_base_url_and_repr(make_client: Callable[..., EimsClient]) -> None:
    client = make_client(use_https=True)
    assert client.base_url.startswith("https://127.0.0.1:")
    assert PASSWORD not in repr(client)
    assert ACCOUNT in repr(client)


def test_invalid_host(session: aiohttp.ClientSession) -> None:
    with pytest.raises(EimsValidationError) as err:
        EimsClient(session, "http://x", account="a", password="b")
    assert (err.value.field, err.value.reason) == ("host", "invalid_host")


async def test_owned_session_closed_caller_session_kept(
    gateway: FakeGateway, session: aiohttp.ClientSession
) -> None:
    """Without a session the client opens its own and closes it; a caller's stays open."""
    options: dict[str, Any] = {
        "account": ACCOUNT,
        "password": PASSWORD,
        "port": gateway.server.port,
    }
    gateway.reply("/getbalance", *[load_fixture("getbalance.json")] * 3)
    opened: list[aiohttp.ClientSession] = []
    real_session = aiohttp.ClientSession

    def track(*args: Any, **kwargs: Any) -> aiohttp.ClientSession:
        opened.append(real_session(*args, **kwargs))
        return opened[-1]

    with patch("aiohttp.ClientSession", side_effect=track):
        async with EimsClient(None, "127.0.0.1", **options) as own:
            assert (await own.get_balance()).balance == Decimal("99.99")
            await own.get_balance()
    assert len(opened) == 1
    assert opened[0].closed
    async with EimsClient(session, "127.0.0.1", **options) as borrowing:
        await borrowing.get_balance()
    assert not session.closed


async def test_get_balance(gateway: FakeGateway, client: EimsClient) -> None:
    gateway.reply("/getbalance", load_fixture("getbalance.json"))
    assert await client.get_balance() == Balance(
        Decimal("99.990000"), Decimal("50.00000")
    )
    call = gateway.calls("/getbalance")[0]
    assert call.method == "GET"
    assert call.query == {"account": ACCOUNT, "password": PASSWORD}
    assert client.stats.requests == 1
    assert client.stats.errors == 0


async def test_send_single_matches_spec_body(
    gateway: FakeGateway, client: EimsClient
) -> None:
    gateway.reply("/sendsms", load_fixture("sendsms.json"))
    result = await client.send_sms(
        [
            SendRequest(
                ["10010", "1008611"], "test", SmsType.SMS, mms_title="mmstitle decs"
            )
        ]
    )
    assert result.accepted == {1: "10010", 2: "1008611"}
    assert (result.success, result.fail, result.failed, result.requests) == (
        2,
        0,
        [],
        1,
    )
    call = gateway.calls("/sendsms")[0]
    assert call.method == "POST"
    sample = load_fixture("sendsms_body_single.json")
    assert set(call.fields) == set(sample)
    assert call.fields["password"] == PASSWORD
    assert call.fields["smstype"] == 0
    assert call.fields["numbers"] == "10010,1008611"


async def test_send_all_options(gateway: FakeGateway, client: EimsClient) -> None:
    gateway.reply("/sendsms", echo_accept)
    await client.send_sms(
        [
            SendRequest(
                ["+8613800000000"],
                "Grüße ✓",
                SmsType.MMS,
                mms_title="title",
                sender="ACME",
                send_time="20171001123015",
            )
        ]
    )
    fields = gateway.calls("/sendsms")[0].fields
    assert fields["content"] == "Grüße ✓"
    assert fields["smstype"] == 1
    assert fields["mmstitle"] == "title"
    assert fields["sender"] == "ACME"
    assert fields["sendtime"] == "20171001123015"


async def test_send_matches_v35_string_numbers(
    gateway: FakeGateway, client: EimsClient
) -> None:
    gateway.reply(
        "/sendsms",
        {"status": 0, "success": 1, "fail": 1, "array": [["+8613800000001", 7]]},
    )
    result = await client.send_sms(
        [SendRequest(["8613800000001", "+8613800000002"], "hi")]
    )
    assert result.accepted == {7: "8613800000001"}
    assert result.failed == [FailedNumber("+8613800000002", "not_accepted")]
    assert (result.success, result.fail) == (1, 1)


async def test_send_unknown_returned_number_and_missing_counts(
    gateway: FakeGateway, client: EimsClient
) -> None:
    gateway.reply("/sendsms", {"status": 0, "array": [[999, "5"]]})
    result = await client.send_sms([SendRequest(["10010"], "hi")])
    assert result.accepted == {5: "999"}
    assert result.failed == [FailedNumber("10010", "not_accepted")]
    assert (result.success, result.fail) == (1, 1)


async def test_send_smsarray(gateway: FakeGateway, client: EimsClient) -> None:
    gateway.reply("/sendsms", echo_accept)
    result = await client.send_sms(
        [
            SendRequest(["10010", "10011"], "one", sender="A"),
            SendRequest(["10012"], "two"),
        ]
    )
    fields = gateway.calls("/sendsms")[0].fields
    assert fields["smsarray"] == [
        {"numbers": "10010,10011", "content": "one", "smstype": 0, "sender": "A"},
        {"numbers": "10012", "content": "two", "smstype": 0},
    ]
    assert "numbers" not in fields
    assert list(result.accepted.values()) == [
        "10010",
        "10011",
        "10012",
    ]


@pytest.mark.parametrize(
    ("count", "requests"), [(1, 1), (10000, 1), (10001, 2), (20000, 2), (20001, 3)]
)
async def test_post_batches_at_10000(
    gateway: FakeGateway, client: EimsClient, count: int, requests: int
) -> None:
    gateway.reply("/sendsms", echo_accept)
    numbers = [str(10**9 + index) for index in range(count)]
    result = await client.send_sms([SendRequest(numbers, "hi")])
    calls = gateway.calls("/sendsms")
    assert len(calls) == requests == result.requests
    assert all(len(call.fields["numbers"].split(",")) <= 10000 for call in calls)
    assert sorted(result.accepted.values()) == sorted(numbers)
    assert result.success == count


async def test_smsarray_packs_10000_per_post(
    gateway: FakeGateway, client: EimsClient
) -> None:
    gateway.reply("/sendsms", echo_accept)
    first = [str(10**9 + index) for index in range(6000)]
    second = [str(2 * 10**9 + index) for index in range(6000)]
    result = await client.send_sms([SendRequest(first, "a"), SendRequest(second, "b")])
    calls = gateway.calls("/sendsms")
    assert len(calls) == 2
    sizes = [
        [len(item["numbers"].split(",")) for item in call.fields["smsarray"]]
        for call in calls
    ]
    assert sizes == [[6000, 4000], [2000]]
    assert result.success == 12000


@pytest.mark.parametrize(
    ("count", "requests"), [(100, 1), (101, 2), (200, 2), (201, 3)]
)
async def test_get_batches_at_100(
    gateway: FakeGateway,
    make_client: Callable[..., EimsClient],
    count: int,
    requests: int,
) -> None:
    gateway.reply("/sendsms", echo_accept)
    client = make_client(use_get=True)
    numbers = [f"+86{10**9 + index}" for index in range(count)]
    result = await client.send_sms([SendRequest(numbers, "a b+c&d")])
    calls = gateway.calls("/sendsms")
    assert len(calls) == requests
    assert all(call.method == "GET" for call in calls)
    assert calls[0].query["content"] == "a b+c&d"
    assert calls[0].query["numbers"].startswith("+86")
    assert sorted(result.accepted.values()) == sorted(numbers)


async def test_get_mode_sends_each_request_apart(
    gateway: FakeGateway, make_client: Callable[..., EimsClient]
) -> None:
    gateway.reply("/sendsms", echo_accept)
    client = make_client(use_get=True)
    await client.send_sms([SendRequest(["10010"], "a"), SendRequest(["10011"], "b")])
    assert [call.query["content"] for call in gateway.calls("/sendsms")] == ["a", "b"]


async def test_duplicates_removed(gateway: FakeGateway, client: EimsClient) -> None:
    gateway.reply("/sendsms", echo_accept)
    request = SendRequest(["10010", " 10010 ", "+10010", "10011"], "a")
    result = await client.send_sms([request, request])
    fields = gateway.calls("/sendsms")[0].fields
    assert fields["numbers"] == "10010,10011"
    assert result.success == 2


async def test_partial_result_on_failing_later_batch(
    gateway: FakeGateway, client: EimsClient
) -> None:
    async def refuse(request: web.Request) -> web.Response:
        return web.json_response({"status": -10})

    gateway.reply("/sendsms", echo_accept, refuse)
    numbers = [str(10**9 + index) for index in range(10001)]
    with pytest.raises(EimsPartialSendError) as err:
        await client.send_sms([SendRequest(numbers, "hi")])
    assert err.value.accepted.requests == 1
    assert err.value.accepted.success == 10000
    assert len(err.value.accepted.accepted) == 10000
    # The failure of the second request is the cause, chained for tracebacks.
    assert isinstance(err.value.cause, EimsBalanceError)
    assert err.value.__cause__ is err.value.cause
    assert err.value.cause.reason == "insufficient_balance"
    assert "10000 numbers accepted in 1 requests" in str(err.value)


async def test_each_accepted_request_is_handed_over_before_the_next(
    gateway: FakeGateway, client: EimsClient
) -> None:
    async def refuse(request: web.Request) -> web.Response:
        return web.json_response({"status": -10})

    gateway.reply("/sendsms", echo_accept, refuse)
    numbers = [str(10**9 + index) for index in range(10001)]
    handed: list[list[str]] = []
    with pytest.raises(EimsError):
        await client.send_sms(
            [SendRequest(numbers, "hi")],
            lambda accepted: handed.append(list(accepted.values())),
        )
    # The first request's messages arrived before the second request failed.
    assert handed == [numbers[:10000]]


async def test_first_batch_failing_raises_its_own_error(
    gateway: FakeGateway, client: EimsClient
) -> None:
    gateway.reply("/sendsms", {"status": -9})
    with pytest.raises(EimsNumberError) as err:
        await client.send_sms([SendRequest(["10010"], "hi")])
    assert err.value.reason == "invalid_number"
    assert err.value.__cause__ is None


async def test_send_is_never_retried(gateway: FakeGateway, client: EimsClient) -> None:
    async def fail(request: web.Request) -> web.Response:
        return web.Response(status=503)

    gateway.reply("/sendsms", fail)
    with pytest.raises(EimsHttpError) as err:
        await client.send_sms([SendRequest(["10010"], "hi")])
    assert err.value.http_status == 503
    assert len(gateway.calls("/sendsms")) == 1
    assert client.stats.errors == 1
    assert client.stats.last_error == "EimsHttpError: HTTP 503 from /sendsms"


@pytest.mark.parametrize(
    ("fixture", "expected_rows"),
    [
        (
            "getreport_v34.json",
            [
                (1, "10010", SendStatus.SENT, 0, None, None, None),
                (2, "1008611", SendStatus.FAILED, 3, None, None, None),
            ],
        ),
        (
            "getreport_v35.json",
            [
                (
                    1,
                    "10010",
                    SendStatus.SENT,
                    0,
                    None,
                    None,
                    DeliverStatus.NOT_REQUIRED,
                ),
                (
                    2,
                    "1008611",
                    SendStatus.SENT,
                    0,
                    None,
                    datetime(2017, 10, 1, 12, 30, 25, tzinfo=SHANGHAI),
                    DeliverStatus.DELIVERED,
                ),
            ],
        ),
        (
            "getreport_live.json",
            [
                (
                    6397575,
                    "+821028855838",
                    SendStatus.SENT,
                    0,
                    "success",
                    datetime(2026, 4, 24, 18, 9, 34, tzinfo=SHANGHAI),
                    DeliverStatus.DELIVERED,
                ),
            ],
        ),
    ],
)
async def test_get_reports_samples(
    gateway: FakeGateway,
    make_client: Callable[..., EimsClient],
    fixture: str,
    expected_rows: list[tuple[object, ...]],
) -> None:
    gateway.reply("/getreport", load_fixture(fixture))
    client = make_client(time_zone=SHANGHAI)
    result = await client.get_reports([row[0] for row in expected_rows])  # type: ignore[misc]
    assert result.requests == 1
    assert [
        (
            row.id,
            row.number,
            row.send_status,
            row.send_code,
            row.reason,
            row.deliver_time,
            row.deliver_status,
        )
        for row in result.rows
    ] == expected_rows
    assert result.rows[0].send_time is not None
    assert result.rows[0].send_time.tzinfo is SHANGHAI
    assert gateway.calls("/getreport")[0].query["ids"] == ",".join(
        str(row[0]) for row in expected_rows
    )


async def test_report_counters(gateway: FakeGateway, client: EimsClient) -> None:
    gateway.reply(
        "/getreport",
        load_fixture("getreport_v34.json"),
        load_fixture("getreport_live.json"),
    )
    result = await client.get_reports(list(range(1, 202)))
    assert result.requests == 2
    assert result.counters == ReportCounters(
        success=2,
        fail=1,
        unsent=0,
        sending=0,
        deliver_success=1,
        deliver_fail=0,
        deliver_timeout=0,
        not_found=0,
    )


async def test_report_counters_absent(gateway: FakeGateway, client: EimsClient) -> None:
    gateway.reply("/getreport", {"status": 0, "array": []})
    result = await client.get_reports([1])
    assert result.counters == ReportCounters()


@pytest.mark.parametrize(
    ("count", "requests"), [(1, 1), (200, 1), (201, 2), (400, 2), (401, 3)]
)
async def test_report_batches_at_200(
    gateway: FakeGateway, client: EimsClient, count: int, requests: int
) -> None:
    gateway.reply("/getreport", {"status": 0, "array": []})
    result = await client.get_reports([*range(1, count + 1), 1])
    calls = gateway.calls("/getreport")
    assert len(calls) == requests == result.requests
    sent = [int(i) for call in calls for i in call.query["ids"].split(",")]
    assert sent == list(range(1, count + 1))
    assert max(len(call.query["ids"].split(",")) for call in calls) <= 200


async def test_report_over_200_refused_by_server(
    gateway: FakeGateway, client: EimsClient
) -> None:
    gateway.reply("/getreport", {"status": -7})
    with pytest.raises(EimsNumberError) as err:
        await client.get_reports([1])
    assert err.value.reason == "too_many_numbers"


@pytest.mark.parametrize("ids", [[], [-1], [True], ["1"]])
async def test_report_ids_validated(client: EimsClient, ids: list[object]) -> None:
    with pytest.raises(EimsValidationError) as err:
        await client.get_reports(ids)  # type: ignore[arg-type]
    assert err.value.field == "ids"


@pytest.mark.parametrize(
    ("fixture", "receiver"),
    [("getsms_v34.json", None), ("getsms_v35.json", "123456")],
)
async def test_get_sms_samples(
    gateway: FakeGateway, client: EimsClient, fixture: str, receiver: str | None
) -> None:
    gateway.reply("/getsms", load_fixture(fixture))
    page = (await client.get_sms_page(start_time=1543570302)).messages
    assert [(sms.id, sms.sender, sms.receiver) for sms in page] == [
        (1, "10010", receiver),
        (2, "1008611", receiver),
    ]
    assert all(not sms.decoded and sms.text == sms.raw == "*" * 32 for sms in page)
    assert page[0].received_at == datetime(2017, 10, 1, 12, 30, 15, tzinfo=UTC)
    assert gateway.calls("/getsms")[0].query["start_time"] == "1543570302"


def sms_page(first_id: int, count: int) -> dict[str, Any]:
    """Return a getsms reply of `count` rows with base64 content."""
    return {
        "status": 0,
        "cnt": count,
        "array": [
            [first_id + index, "10010", "8613800000000", 20260101120000, "5L2g5aW9"]
            for index in range(count)
        ],
    }


async def test_sms_page(gateway: FakeGateway, client: EimsClient) -> None:
    gateway.reply("/getsms", sms_page(1, 50), sms_page(51, 3))
    page = await client.get_sms_page()
    assert (len(page.messages), page.rows, page.full) == (50, 50, True)
    assert page.messages[0].text == "你好"
    assert page.messages[0].decoded
    page = await client.get_sms_page()
    assert (len(page.messages), page.full) == (3, False)
    assert "start_time" not in gateway.calls("/getsms")[0].query


async def test_sms_page_drops_repeats_only(
    gateway: FakeGateway, client: EimsClient
) -> None:
    """A repeat is the same id, sender and content; a reused id with new text is kept."""
    reply = sms_page(1, 2)
    first = reply["array"][0]
    reply["array"] = [*reply["array"], first, [1, "10010", "0", 0, "b3RoZXI="]]
    gateway.reply("/getsms", reply)
    page = await client.get_sms_page()
    assert [(sms.id, sms.text) for sms in page.messages] == [
        (1, "你好"),
        (2, "你好"),
        (1, "other"),
    ]
    assert page.rows == 4


async def test_sms_page_keeps_unreadable_rows(
    gateway: FakeGateway, client: EimsClient
) -> None:
    """A malformed row costs only itself: it comes back as sent, the others are read."""
    reply = sms_page(1, 2)
    reply["array"].insert(1, ["x", None, 0, None])
    gateway.reply("/getsms", reply)
    page = await client.get_sms_page()
    assert [sms.id for sms in page.messages] == [1, 2]
    [row] = page.unreadable
    assert json.loads(row.row) == ["x", None, 0, None]
    assert row.error


@pytest.mark.parametrize(
    ("job", "sample"),
    [
        (
            SmsJob(name="job_with_number", content="test", numbers="123456,3444,54535"),
            "smsjob_body_numbers.json",
        ),
        (
            SmsJob(
                name="job_with_number",
                content="test",
                numbers="http://ip:port/sms.xls",
                numbers_from_url=True,
            ),
            "smsjob_body_url.json",
        ),
        (
            SmsJob(
                name="job_with_number",
                content="test",
                numbers="http://ip:port/sms.xls",
                numbers_from_url=True,
                job_type=JobType.DAILY,
                period=10,
                hour=9,
                minute=0,
            ),
            "smsjob_body_daily.json",
        ),
    ],
)
async def test_create_job_matches_spec_bodies(
    gateway: FakeGateway, client: EimsClient, job: SmsJob, sample: str
) -> None:
    gateway.reply("/smsjob", fixture_text("smsjob_spec_reply.txt"))
    assert await client.create_job(job) == 2
    fields = gateway.calls("/smsjob")[0].fields
    assert fields == load_fixture(sample) | {"account": ACCOUNT, "password": PASSWORD}


async def test_create_job_all_fields(gateway: FakeGateway, client: EimsClient) -> None:
    gateway.reply("/smsjob", {"status": 0, "jobid": 9})
    job = SmsJob(
        name="monthly",
        content="hi",
        numbers="10010",
        job_type=JobType.MONTHLY,
        minute=5,
        hour=6,
        day=7,
        month=8,
        plan_start=datetime(2026, 1, 1, tzinfo=UTC),
        plan_end=datetime(2026, 12, 31, tzinfo=UTC),
        retry=2,
        flash=True,
        sender="ACME",
        sms_type=SmsType.MMS,
        mms_title="t",
    )
    assert await client.create_job(job) == 9
    fields = gateway.calls("/smsjob")[0].fields
    assert fields | {"password": None} == {
        "account": ACCOUNT,
        "password": None,
        "job": "monthly",
        "jobtype": 5,
        "numbersrc": 0,
        "numbers": "10010",
        "content": "hi",
        "min": 5,
        "hour": 6,
        "day": 7,
        "mon": 8,
        "planstarttm": 1767225600,
        "planendtm": 1798675200,
        "retry": 2,
        "flash": 1,
        "senderId": "ACME",
        "smstype": 1,
        "mmstitle": "t",
    }


async def test_create_job_refused(gateway: FakeGateway, client: EimsClient) -> None:
    gateway.reply("/smsjob", {"status": -15})
    with pytest.raises(EimsError) as err:
        await client.create_job(SmsJob(name="x", content="y", numbers="1"))
    assert err.value.reason == "invalid_job_name"  # type: ignore[attr-defined]


async def test_create_job_validates_before_sending(
    gateway: FakeGateway, client: EimsClient
) -> None:
    with pytest.raises(EimsValidationError):
        await client.create_job(SmsJob(name="", content="y", numbers="1"))
    assert gateway.requests == []


async def test_status_error_counts(gateway: FakeGateway, client: EimsClient) -> None:
    gateway.reply("/getbalance", {"status": -1})
    with pytest.raises(EimsAuthError):
        await client.get_balance()
    assert client.stats.errors == 1
    assert client.stats.last_error == "EimsAuthError: Authentication error (status -1)"


@pytest.mark.parametrize(
    "reply",
    [
        "<html><body>Error</body></html>",
        "[1, 2]",
        '{"status": "zero"}',
        '{"balance": "1"}',
        '{"status": 0, "balance": "abc"}',
        '{"status": 0, "balance": null}',
        b"\xff\xfe\x00garbage",
        "",
    ],
)
async def test_invalid_replies(
    gateway: FakeGateway, client: EimsClient, reply: str | bytes
) -> None:
    gateway.reply("/getbalance", reply)
    with pytest.raises(EimsResponseError):
        await client.get_balance()


async def test_redirect_not_followed(gateway: FakeGateway, client: EimsClient) -> None:
    async def redirect(request: web.Request) -> web.Response:
        raise web.HTTPFound("http://127.0.0.1:1/elsewhere")

    gateway.reply("/getbalance", redirect)
    with pytest.raises(EimsHttpError) as err:
        await client.get_balance()
    assert err.value.http_status == 302


async def test_timeout(
    gateway: FakeGateway, make_client: Callable[..., EimsClient]
) -> None:
    release = asyncio.Event()

    async def stall(request: web.Request) -> web.Response:
        await release.wait()
        return web.json_response({"status": 0})

    gateway.reply("/sendsms", stall)
    client = make_client(request_timeout=0.05)
    with pytest.raises(EimsTimeoutError):
        await client.send_sms([SendRequest(["10010"], "hi")])
    release.set()
    assert len(gateway.calls("/sendsms")) == 1


async def test_connection_refused_retried_once(
    session: aiohttp.ClientSession, unused_tcp_port: int
) -> None:
    client = EimsClient(
        session, "127.0.0.1", port=unused_tcp_port, account="a", password="b"
    )
    with pytest.raises(EimsConnectionError) as err:
        await client.get_balance()
    assert "Cannot connect" in str(err.value)
    assert err.value.__cause__ is None
    assert err.value.__context__ is None
    assert client.stats.requests == 2


async def test_connector_error_then_success(
    gateway: FakeGateway,
    client: EimsClient,
    session: aiohttp.ClientSession,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    gateway.reply("/sendsms", echo_accept)
    real_request = session.request
    failures = [
        aiohttp.ClientConnectorError(
            aiohttp.client_reqrep.ConnectionKey(
                "127.0.0.1", 1, False, True, None, None, None
            ),
            OSError(111, "Connection refused"),
        )
    ]

    def flaky(*args: object, **kwargs: object) -> object:
        if failures:
            raise failures.pop()
        return real_request(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(session, "request", flaky)
    result = await client.send_sms([SendRequest(["10010"], "hi")])
    assert result.success == 1
    assert client.stats.requests == 2
    assert len(gateway.calls("/sendsms")) == 1


async def test_other_client_errors_not_retried(
    gateway: FakeGateway, client: EimsClient
) -> None:
    async def drop(request: web.Request) -> web.StreamResponse:
        assert request.transport is not None
        request.transport.close()
        return web.Response()

    gateway.reply("/sendsms", drop)
    with pytest.raises(EimsConnectionError):
        await client.send_sms([SendRequest(["10010"], "hi")])
    assert len(gateway.calls("/sendsms")) == 1
