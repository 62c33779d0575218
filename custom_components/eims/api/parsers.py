"""Parsers for the gateway's replies: JSON decoding, status and one parser per endpoint."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator, Mapping, Sequence
from datetime import tzinfo
from decimal import Decimal, InvalidOperation
import json
import re
from typing import Any

from .exceptions import EimsResponseError, status_error
from .models import (
    Accepted,
    Balance,
    DeliverStatus,
    FailedNumber,
    InboundSms,
    ReportCounters,
    ReportRow,
    SendReply,
    SendStatus,
    SmsPage,
    UnreadableReport,
    UnreadableSms,
)
from .values import (
    as_int,
    as_list,
    as_number,
    digits_key,
    is_int,
    optional_gateway_time,
    optional_int,
)

type Reply = dict[str, Any]

# The spec's smsjob sample reply `{"status":, "jobid":2}` has no status value.
_EMPTY_STATUS = re.compile(rb'("status"\s*:\s*)(?=[,}])')
# A [number, id] entry of a sendsms reply's array, with two plain values (no escapes).
_SEND_ENTRY = re.compile(rb'\[\s*("[^"\\]*"|-?[0-9]+)\s*,\s*("[^"\\]*"|-?[0-9]+)\s*\]')


class FlatPairs(list[object]):
    """A sendsms array read flat: number, id, number, id... (see `decode_reply`)."""


_COUNTER_KEYS = {
    "success": "success",
    "fail": "fail",
    "unsent": "unsent",
    "sending": "sending",
    "deliverSuc": "deliver_success",
    "deliverFail": "deliver_fail",
    "deliverTimeout": "deliver_timeout",
    "nofound": "not_found",
}


def decode_reply(
    body: bytes, *, allow_empty_status: bool = False, flat_pairs: bool = False
) -> Reply:
    """
    Decode a reply body into a JSON object and raise for a non-zero status.

    With `flat_pairs`, an `array` of [number, id] pairs (sendsms) is read as one FlatPairs list
    when every entry is a plain pair: 10,000 lists of two would each be an object for Python's
    garbage collector to walk while it runs over all of Home Assistant's, one loop step long.
    Any other array is read as written.
    """
    if allow_empty_status:
        body = _EMPTY_STATUS.sub(rb"\g<1>null", body)
    if flat_pairs and (flat := _flat_pairs(body)) is not None:
        return flat
    try:
        data = json.loads(body)
    except ValueError, RecursionError:
        raise EimsResponseError("Reply is not JSON") from None
    if not isinstance(data, dict):
        raise EimsResponseError(f"Reply is not a JSON object: {type(data).__name__}")
    if allow_empty_status and data.get("status", 0) is None:
        return data
    status = as_int(data.get("status"), "status")
    if status != 0:
        raise status_error(status)
    return data


def _flat_pairs(body: bytes) -> Reply | None:
    """Return a successful reply with its array of plain pairs flat; None for any other."""
    flat = _SEND_ENTRY.sub(rb"\1,\2", body)
    if flat == body:
        return None
    try:
        data = json.loads(flat)
    except ValueError, RecursionError:
        return None
    if (
        not isinstance(data, dict)
        or data.get("status") not in (0, "0")
        or not isinstance(array := data.get("array"), list)
        or len(array) % 2
        or any(isinstance(value, (list, dict)) for value in array)
    ):
        return None
    data["array"] = FlatPairs(array)
    return data


def _decimal(value: object, name: str) -> Decimal:
    """Read a decimal string (or JSON number) as a finite Decimal."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise EimsResponseError(f"{name} is not a decimal: {type(value).__name__}")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise EimsResponseError(f"{name} is not a decimal") from None
    if not number.is_finite():
        raise EimsResponseError(f"{name} is not a finite decimal")
    return number


def parse_balance(data: Mapping[str, Any]) -> Balance:
    """Parse a `getbalance` reply; a missing gift is zero."""
    return Balance(
        balance=_decimal(data.get("balance"), "balance"),
        gift=_decimal(data.get("gift", "0"), "gift"),
    )


def _reply_key(number: str) -> str:
    """
    Return what a reply keeps of a sent number: its digits without "+", "00" or leading 0s.

    Replies give `10010` or `"+10010"` for `+10010`, and `447700900123` (an int, v3.4)
    for `00447700900123`.
    """
    return digits_key(number).lstrip("0")


def parse_send_reply(data: Mapping[str, Any], sent: Sequence[str]) -> SendReply:
    """Parse a `sendsms` reply, matching returned numbers to sent ones on digits."""
    # Each key computed once: a reply holds up to 10,000 numbers.
    sent_keys = list(map(_reply_key, sent))
    by_digits = dict(zip(sent_keys, sent, strict=True))
    accepted: Accepted = {}
    accepted_keys: set[str] = set()
    for returned_value, id_value in _send_entries(data.get("array", [])):
        returned = as_number(returned_value, "number")
        key = _reply_key(returned)
        accepted[as_int(id_value, "id")] = by_digits.get(key, returned)
        accepted_keys.add(key)
    failed = [
        FailedNumber(number=number, reason="not_accepted")
        for key, number in zip(sent_keys, sent, strict=True)
        if key not in accepted_keys
    ]
    success = optional_int(data, "success")
    fail = optional_int(data, "fail")
    return SendReply(
        success=len(accepted) if success is None else success,
        fail=len(failed) if fail is None else fail,
        accepted=accepted,
        failed=failed,
    )


def _send_entries(array: object) -> Iterator[tuple[object, object]]:
    """Return the [number, id] entries of a sendsms array, read flat or as written."""
    if isinstance(array, FlatPairs):
        values = iter(array)
        return zip(values, values, strict=True)
    return (_send_entry(entry) for entry in as_list(array, "array"))


def _send_entry(entry: object) -> tuple[object, object]:
    """Return the number and id of one entry of a sendsms array as written."""
    fields = as_list(entry, "array entry")
    if len(fields) != 2:
        raise EimsResponseError(f"Send entry has {len(fields)} fields, not 2")
    return fields[0], fields[1]


def _is_numeric(value: object) -> bool:
    """Tell numbers (ints or digit strings) from reason texts in a report row."""
    return is_int(value) or (
        isinstance(value, str) and value.isascii() and value.isdigit()
    )


def parse_report_row(row: object, tz: tzinfo) -> ReportRow:
    """
    Parse a report row of 4, 5, 6 or 7 fields by length and type.

    The first four are always id, number, send time and send code; after them an
    optional reason string and an optional (deliver time, deliver status) pair may
    come in either order.
    """
    fields = as_list(row, "report row")
    if not 4 <= len(fields) <= 7:
        raise EimsResponseError(f"Report row has {len(fields)} fields")
    tail = fields[4:]
    numeric = [value for value in tail if _is_numeric(value)]
    texts = [
        value for value in tail if isinstance(value, str) and not _is_numeric(value)
    ]
    if (
        len(numeric) not in (0, 2)
        or len(texts) > 1
        or len(numeric) + len(texts) != len(tail)
    ):
        raise EimsResponseError("Report row fields have unexpected types")
    code = as_int(fields[3], "send status")
    deliver_time = None
    deliver_status = None
    if numeric:
        deliver_time = optional_gateway_time(numeric[0], tz, "deliver time")
        deliver_status = DeliverStatus.from_code(as_int(numeric[1], "deliver status"))
    return ReportRow(
        id=as_int(fields[0], "id"),
        number=as_number(fields[1], "number"),
        send_time=optional_gateway_time(fields[2], tz, "send time"),
        send_status=SendStatus.from_code(code),
        send_code=code,
        reason=texts[0] if texts else None,
        deliver_time=deliver_time,
        deliver_status=deliver_status,
    )


def parse_report_reply(
    data: Mapping[str, Any], tz: tzinfo
) -> tuple[list[ReportRow], list[UnreadableReport], ReportCounters]:
    """
    Parse a `getreport` reply into rows, the rows that could not be read, and counters.

    Row by row: one malformed row never costs the reports of the others.
    """
    rows: list[ReportRow] = []
    unreadable: list[UnreadableReport] = []
    for row in as_list(data.get("array", []), "array"):
        try:
            rows.append(parse_report_row(row, tz))
        except EimsResponseError as err:
            unreadable.append(
                UnreadableReport(id=_row_id(row), row=_as_json(row), error=str(err))
            )
    counters = ReportCounters(
        **{name: optional_int(data, key) for key, name in _COUNTER_KEYS.items()}
    )
    return rows, unreadable, counters


def _row_id(row: object) -> int | None:
    """Return the id a malformed row names in its first field, when it names one."""
    if not isinstance(row, list) or not row:
        return None
    try:
        return as_int(row[0], "id")
    except EimsResponseError:
        return None


def add_counters(total: ReportCounters, more: ReportCounters) -> ReportCounters:
    """Sum two counter sets; a counter no reply held stays None."""
    values: dict[str, int | None] = {}
    for name in _COUNTER_KEYS.values():
        left, right = getattr(total, name), getattr(more, name)
        values[name] = right if left is None else left + (right or 0)
    return ReportCounters(**values)


def decode_content(raw: str) -> tuple[str, bool]:
    """Decode base64 UTF-8 content; on failure keep the raw text and say so."""
    try:
        return base64.b64decode("".join(raw.split()), validate=True).decode(), True
    except binascii.Error, ValueError:
        return raw, False


def parse_sms_row(row: object, tz: tzinfo) -> InboundSms:
    """Parse a received SMS row: `[id, from, time, b64]` or `[id, from, to, time, b64]`."""
    fields = as_list(row, "sms row")
    if len(fields) not in (4, 5):
        raise EimsResponseError(f"SMS row has {len(fields)} fields")
    raw = fields[-1]
    if not isinstance(raw, str):
        raise EimsResponseError(f"SMS content is not a string: {type(raw).__name__}")
    text, decoded = decode_content(raw)
    try:
        received_at = optional_gateway_time(fields[-2], tz, "receive time")
    except EimsResponseError:
        # Reading consumes the message: keep it even when its time is unreadable.
        received_at = None
    return InboundSms(
        id=as_int(fields[0], "id"),
        sender=as_number(fields[1], "sender"),
        receiver=as_number(fields[2], "receiver") if len(fields) == 5 else None,
        received_at=received_at,
        text=text,
        raw=raw,
        decoded=decoded,
    )


def parse_sms_reply(data: Mapping[str, Any], tz: tzinfo) -> SmsPage:
    """
    Parse a `getsms` reply row by row; repeats (same id, sender and content) are dropped.

    Reading consumed every row: one that cannot be read is kept as sent, never dropped.
    """
    rows = as_list(data.get("array", []), "array")
    messages: dict[tuple[int, str, str], InboundSms] = {}
    unreadable: list[UnreadableSms] = []
    for row in rows:
        try:
            sms = parse_sms_row(row, tz)
        except EimsResponseError as err:
            unreadable.append(UnreadableSms(row=_as_json(row), error=str(err)))
        else:
            messages.setdefault(sms.key, sms)
    return SmsPage(
        messages=list(messages.values()), unreadable=unreadable, rows=len(rows)
    )


def _as_json(value: object) -> str:
    """Return a value of a decoded reply as JSON again."""
    return json.dumps(value, ensure_ascii=False)


def parse_job_reply(data: Mapping[str, Any]) -> int:
    """Parse an `smsjob` reply into the new job's id."""
    return as_int(data.get("jobid"), "jobid")
