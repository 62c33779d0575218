"""Tests for the reply parsers, by sample and by malformation."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from custom_components.eims.api import (
    DeliverStatus,
    EimsAuthError,
    EimsError,
    EimsResponseError,
    EimsStatusError,
    ReportCounters,
    SendStatus,
)
from custom_components.eims.api.parsers import (
    FlatPairs,
    add_counters,
    decode_content,
    decode_reply,
    parse_balance,
    parse_job_reply,
    parse_report_row,
    parse_send_reply,
    parse_sms_row,
)

from .conftest import fixture_text


def test_decode_reply_status() -> None:
    assert decode_reply(b'{"status": 0, "x": 1}') == {"status": 0, "x": 1}
    assert decode_reply(b'{"status": "0"}') == {"status": "0"}
    with pytest.raises(EimsAuthError):
        decode_reply(b'{"status": -1}')
    with pytest.raises(EimsStatusError) as err:
        decode_reply(b'{"status": 3}')
    assert err.value.reason == "unknown_status"


def test_spec_job_reply_sample() -> None:
    body = fixture_text("smsjob_spec_reply.txt").encode()
    with pytest.raises(EimsResponseError):
        decode_reply(body)
    assert parse_job_reply(decode_reply(body, allow_empty_status=True)) == 2
    assert (
        parse_job_reply(
            decode_reply(b'{"jobid": 4, "status":}', allow_empty_status=True)
        )
        == 4
    )
    with pytest.raises(EimsAuthError):
        decode_reply(b'{"status": -1, "jobid": 0}', allow_empty_status=True)
    with pytest.raises(EimsResponseError):
        parse_job_reply(
            decode_reply(b'{"status":, "jobid": null}', allow_empty_status=True)
        )


@pytest.mark.parametrize(
    ("data", "balance", "gift"),
    [
        ({"balance": "99.990000", "gift": "50.00000"}, "99.990000", "50.00000"),
        ({"balance": 12}, "12", "0"),
        ({"balance": " -1.5 ", "gift": 0.25}, "-1.5", "0.25"),
    ],
)
def test_parse_balance(data: dict[str, object], balance: str, gift: str) -> None:
    from decimal import Decimal

    result = parse_balance(data)
    assert (result.balance, result.gift) == (Decimal(balance), Decimal(gift))


@pytest.mark.parametrize("value", ["NaN", "Infinity", "1,5", True, None, [], ""])
def test_parse_balance_invalid(value: object) -> None:
    with pytest.raises(EimsResponseError):
        parse_balance({"balance": value})


@pytest.mark.parametrize(
    "array",
    [
        [[1]],
        [[1, 2, 3]],
        "x",
        [[None, 1]],
        [["1", None]],
        [[True, 1]],
        [["10010", "id"]],
    ],
)
def test_parse_send_reply_invalid(array: object) -> None:
    with pytest.raises(EimsResponseError):
        parse_send_reply({"array": array}, ["10010"])


def test_report_row_4_fields() -> None:
    row = parse_report_row([2, 1008611, 20171001123015, 1011], UTC)
    assert row.send_status is SendStatus.FAILED
    assert row.send_code == 1011
    assert row.send_time == datetime(2017, 10, 1, 12, 30, 15, tzinfo=UTC)
    assert (row.reason, row.deliver_time, row.deliver_status) == (None, None, None)


def test_report_row_5_fields_with_reason() -> None:
    row = parse_report_row([3, "+4915", 0, 2, "queued"], UTC)
    assert (row.send_status, row.send_time, row.reason) == (
        SendStatus.SENDING,
        None,
        "queued",
    )


def test_report_row_7_fields_any_order() -> None:
    live = [6397575, "+821028855838", 20260424180931, 0, "success", 20260424180934, 3]
    moved = [6397575, "+821028855838", 20260424180931, 0, 20260424180934, 3, "success"]
    assert parse_report_row(live, UTC) == parse_report_row(moved, UTC)
    row = parse_report_row(live, UTC)
    assert row.reason == "success"
    assert row.deliver_status is DeliverStatus.DELIVERED


def test_report_row_string_times_and_unknown_deliver() -> None:
    row = parse_report_row([1, "1", "20171001123015", "1", "20171001123016", 9], UTC)
    assert row.send_status is SendStatus.UNSENT
    assert row.deliver_status is DeliverStatus.UNKNOWN
    assert row.deliver_time == datetime(2017, 10, 1, 12, 30, 16, tzinfo=UTC)


@pytest.mark.parametrize(
    "row",
    [
        [1, 2, 3],
        [1, "2", 20171001123015, 0, 0, 0, 0, 0],
        [1, "2", 20171001123015, 0, 5],
        [1, "2", 20171001123015, 0, "a", "b"],
        [1, "2", 20171001123015, 0, None],
        [1, "2", 20171099123015, 0],
        [1, "2", 2017, 0],
        [1, "2", 20171001123015.0, 0],
        [1, None, 20171001123015, 0],
        ["x", "2", 20171001123015, 0],
        {"id": 1},
    ],
)
def test_report_row_invalid(row: object) -> None:
    with pytest.raises(EimsResponseError):
        parse_report_row(row, UTC)


def test_add_counters() -> None:
    total = add_counters(ReportCounters(), ReportCounters(success=1, fail=None))
    total = add_counters(total, ReportCounters(success=2, fail=3))
    assert (total.success, total.fail, total.unsent) == (3, 3, None)


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    ("raw", "text", "decoded"),
    [
        (b64("Grüße 你好 🎉"), "Grüße 🎉".replace(" 🎉", " 你好 🎉"), True),
        (b64("line\nbreak")[:4] + "\n" + b64("line\nbreak")[4:], "line\nbreak", True),
        ("", "", True),
        ("not base64!", "not base64!", False),
        (
            base64.b64encode(b"\xff\xfe").decode(),
            base64.b64encode(b"\xff\xfe").decode(),
            False,
        ),
        ("5L2g5aW", "5L2g5aW", False),
        ("ünïcode", "ünïcode", False),
    ],
)
def test_decode_content(raw: str, text: str, decoded: bool) -> None:
    assert decode_content(raw) == (text, decoded)


def test_sms_row_keeps_message_with_bad_time() -> None:
    sms = parse_sms_row([7, 10010, "yesterday", b64("hi")], UTC)
    assert (sms.id, sms.sender, sms.receiver, sms.received_at, sms.text) == (
        7,
        "10010",
        None,
        None,
        "hi",
    )
    assert parse_sms_row([7, 10010, 0, b64("hi")], UTC).received_at is None


@pytest.mark.parametrize(
    "row",
    [
        [1, "2", 3],
        [1, "2", "3", 20171001123015, "x", "y"],
        [1, "2", 20171001123015, 5],
        [None, "2", 0, ""],
    ],
)
def test_sms_row_invalid(row: object) -> None:
    with pytest.raises(EimsResponseError):
        parse_sms_row(row, UTC)


@pytest.mark.parametrize(
    "body",
    [
        b'{"status":0,"success":2,"fail":0,"array":[["447911123456",5],["10010",6]]}',
        b'{"status": 0, "array": [ [ "447911123456" , 5 ] , [10010, "6"] ] }',
        b'{"status":0,"array":[]}',
        # Anything but plain pairs is read as written, with the same result or error.
        b'{"status":0,"array":[["447911123456",5],["10010",6,7]]}',
        b'{"status":0,"array":[["44791\\u0031123456",5]]}',
        b'{"status":0,"array":["447911123456",5]}',
        b'{"status":0,"array":[["447911123456",5],[["10010"],6]]}',
        b'{"status":0,"array":[["447911123456",5],{"n":1}]}',
        b'{"status":0,"array":[["447911123456",5]],"note":"[\\"x\\",1]"}',
        b'{"status":-10,"array":[["447911123456",5]]}',
        b'{"status":0,"array":[["447911123456",5]]',
        b'{"status":0,"array":[["447911123456",null]]}',
    ],
)
def test_send_reply_read_flat_as_written(body: bytes) -> None:
    """The flat read of a sendsms reply gives what reading it as written gives."""
    sent = ["447911123456", "10010"]

    def read(*, flat_pairs: bool) -> object:
        try:
            return parse_send_reply(decode_reply(body, flat_pairs=flat_pairs), sent)
        except EimsError as err:
            return type(err)

    assert read(flat_pairs=True) == read(flat_pairs=False)


def test_send_reply_of_plain_pairs_is_one_flat_list() -> None:
    """10,000 accepted numbers are one list for the garbage collector, not 10,001."""
    body = (
        b'{"status":0,"array":['
        + b",".join(b'["4479111%05d",%d]' % (i, i) for i in range(10_000))
        + b"]}"
    )
    data = decode_reply(body, flat_pairs=True)
    assert isinstance(data["array"], FlatPairs)
    assert len(data["array"]) == 20_000
    reply = parse_send_reply(data, [f"4479111{i:05d}" for i in range(10_000)])
    assert reply.accepted[9_999] == "447911109999"
    assert reply.success == 10_000
