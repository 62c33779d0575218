"""Property tests: batching keeps every number once; parsers raise only the client's errors."""

from __future__ import annotations

from collections import Counter
import contextlib
from datetime import UTC
import json
from typing import Any

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.eims.api import EimsError, SendRequest, parse_pushed_reports
from custom_components.eims.api.batching import (
    GET_NUMBER_LIMIT,
    POST_NUMBER_LIMIT,
    REPORT_ID_LIMIT,
    plan_report_batches,
    plan_send_batches,
)
from custom_components.eims.api.parsers import (
    decode_reply,
    parse_balance,
    parse_job_reply,
    parse_report_reply,
    parse_send_reply,
    parse_sms_reply,
)

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=10**13, max_value=10**14)
    | st.floats(allow_nan=True)
    | st.text(max_size=20)
    | st.sampled_from(["20171001123015", "5L2g5aW9", "+8613800000000", "0", "-1"])
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=8)
        | st.dictionaries(st.text(max_size=8), children, max_size=6)
    ),
    max_leaves=40,
)
known_keys = st.sampled_from(
    [
        "status",
        "array",
        "balance",
        "gift",
        "success",
        "fail",
        "unsent",
        "sending",
        "deliverSuc",
        "deliverFail",
        "deliverTimeout",
        "nofound",
        "cnt",
        "jobid",
        "type",
        "ver",
        "id",
        "number",
        "donetm",
        "sendtm",
        "submittm",
        "reason",
    ]
)
rows = st.lists(json_scalars, min_size=3, max_size=8)
replies = st.dictionaries(
    known_keys,
    json_values
    | st.lists(rows | st.dictionaries(known_keys, json_scalars), max_size=5),
    max_size=10,
)

numbers = st.from_regex(r"\+?[0-9]{1,15}", fullmatch=True)


def digits(number: str) -> str:
    return number.strip().removeprefix("+")


@settings(max_examples=150, deadline=None)
@given(
    batch=st.lists(numbers, max_size=400)
    | st.lists(numbers, min_size=300, max_size=400).map(lambda n: n * 40),
    use_get=st.booleans(),
)
def test_batching_sends_each_number_once(batch: list[str], use_get: bool) -> None:
    unique = {digits(number) for number in batch}
    if not unique:
        with pytest.raises(EimsError):
            plan_send_batches([SendRequest(batch, "x")], use_get=use_get)
        return
    batches = plan_send_batches([SendRequest(batch, "x")], use_get=use_get)
    sent = [digits(number) for planned in batches for number in planned.numbers]
    assert Counter(sent) == Counter(unique)
    limit = GET_NUMBER_LIMIT if use_get else POST_NUMBER_LIMIT
    assert all(0 < len(planned.numbers) <= limit for planned in batches)
    assert len(batches) == -(-len(unique) // limit)


@settings(max_examples=60, deadline=None)
@given(
    groups=st.lists(
        st.lists(numbers, min_size=1, max_size=6000), min_size=2, max_size=4
    )
)
def test_smsarray_packing(groups: list[list[str]]) -> None:
    # Disjoint numbers per request, so no number has two messages.
    requests = [
        SendRequest(
            [f"{index}{number.lstrip('+')}" for number in group], f"text {index}"
        )
        for index, group in enumerate(groups, 1)
    ]
    batches = plan_send_batches(requests, use_get=False)
    unique = {digits(number) for request in requests for number in request.numbers}
    sent = [digits(number) for planned in batches for number in planned.numbers]
    assert Counter(sent) == Counter(unique)
    assert all(
        planned.as_array and len(planned.numbers) <= POST_NUMBER_LIMIT
        for planned in batches
    )
    assert len(batches) == -(-len(unique) // POST_NUMBER_LIMIT)


@settings(max_examples=100, deadline=None)
@given(
    ids=st.lists(st.integers(min_value=0, max_value=10**12), min_size=1, max_size=700)
)
def test_report_batches(ids: list[int]) -> None:
    batches = plan_report_batches(ids)
    assert [i for batch in batches for i in batch] == list(dict.fromkeys(ids))
    assert all(0 < len(batch) <= REPORT_ID_LIMIT for batch in batches)


def only_client_errors(data: Any) -> None:
    """Run every parser on a value: each returns or raises EimsError, nothing else."""
    body = json.dumps(data).encode()
    for allow in (False, True):
        with contextlib.suppress(EimsError):
            decode_reply(body, allow_empty_status=allow)
    if isinstance(data, dict):
        for parse in (
            parse_balance,
            parse_job_reply,
            lambda d: parse_send_reply(d, ["10010", "+8613800000000"]),
            lambda d: parse_report_reply(d, UTC),
            lambda d: parse_sms_reply(d, UTC),
        ):
            with contextlib.suppress(EimsError):
                parse(data)
    for pushed in (data, body):
        with contextlib.suppress(EimsError):
            parse_pushed_reports(pushed)


@settings(max_examples=400, deadline=None)
@given(data=json_values)
def test_parsers_on_any_json(data: Any) -> None:
    only_client_errors(data)


@settings(max_examples=400, deadline=None)
@given(data=replies)
def test_parsers_on_reply_shaped_json(data: dict[str, Any]) -> None:
    only_client_errors(data)
    only_client_errors({"type": "report", **data})


@settings(max_examples=300, deadline=None)
@given(
    body=st.binary(max_size=200)
    | st.sampled_from([b"[" * 100000, b'{"status":' + b"9" * 5000 + b"}"])
)
def test_parsers_on_any_bytes(body: bytes) -> None:
    for allow in (False, True):
        with contextlib.suppress(EimsError):
            decode_reply(body, allow_empty_status=allow)
    with contextlib.suppress(EimsError):
        parse_pushed_reports(body)
