"""Fuzzing what tests/api/test_properties.py leaves out: URLs, times, rows, and the push webhook."""

from __future__ import annotations

import asyncio
import base64
import contextlib
from datetime import UTC, datetime
from http import HTTPStatus
import json
import logging
from typing import Any

from homeassistant.core import HomeAssistant
from hypothesis import HealthCheck, given, settings, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.eims.account.delivery_status import pack_number, unpack_number
from custom_components.eims.api import (
    EimsError,
    EimsResponseError,
    format_gateway_time,
    parse_gateway_time,
)
from custom_components.eims.api.parsers import (
    decode_content,
    parse_report_row,
    parse_sms_row,
)
from custom_components.eims.api.values import parse_unix_time
from custom_components.eims.connection import split_gateway_url
from custom_components.eims.webhook import MAX_BODY_BYTES

from .conftest import ENTRY_DATA

URL = f"/api/webhook/{ENTRY_DATA['webhook_id']}"
FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

labels = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
# A name's top label is never all digits: "1.2.3.4.5.6" is a mistyped address.
hostnames = st.builds(
    lambda inner, top: ".".join([*inner, top]),
    st.lists(labels, max_size=3),
    labels.filter(lambda label: not label.isdigit()),
)
# Naive bounds, as st.datetimes wants; years of four digits, as the gateway's format has.
gateway_times = st.datetimes(
    min_value=datetime(1000, 1, 1),  # noqa: DTZ001
    max_value=datetime(9999, 12, 31),  # noqa: DTZ001
)
ids = st.integers(min_value=0, max_value=10**15)
digits = st.from_regex(r"[1-9][0-9]{2,15}", fullmatch=True)
numbers = digits | digits.map(lambda d: f"+{d}") | digits.map(int)
stamps = gateway_times.map(lambda dt: dt.strftime("%Y%m%d%H%M%S"))
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=30)
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=6)
        | st.dictionaries(st.text(max_size=10), children, max_size=6)
    ),
    max_leaves=30,
)
v1_rows = st.lists(
    st.tuples(ids, numbers, stamps.map(int) | st.just(0), st.integers(0, 1023))
    .map(list)
    .flatmap(lambda row: st.sampled_from([row, [*row, "reason"]])),
    max_size=60,
)
v2_rows = st.lists(
    st.fixed_dictionaries(
        {"id": ids, "number": numbers, "status": st.integers(0, 1023)},
        optional={
            "donetm": stamps.map(int) | st.integers(0, 2**31),
            "reason": st.text(max_size=10),
        },
    ),
    max_size=60,
)
report_bodies = st.builds(
    lambda rows, version: (
        {"type": "report", "cnt": len(rows), "array": rows}
        | ({"ver": version} if version else {})
    ),
    v1_rows | v2_rows,
    st.sampled_from([None, "V2.0", "V1.0"]),
)


@FUZZ
@given(
    value=st.text(max_size=60)
    | st.builds(
        lambda scheme, host, port: f"{scheme}://{host}{port}",
        st.sampled_from(["http", "https", "ftp", "HTTP", ""]),
        hostnames | st.text(max_size=15),
        st.sampled_from(["", ":1", ":20003", ":65535", ":0", ":70000", ":x"]),
    ),
    port=st.integers(min_value=1, max_value=65535),
    ssl=st.booleans(),
)
def test_gateway_url_any_text(value: str, port: int, ssl: bool) -> None:
    """Any host field gives a bare host, port and TLS flag, or ValueError: nothing else."""
    try:
        host, out_port, out_ssl = split_gateway_url(value, port, ssl)
    except ValueError:
        return
    assert host
    assert not set(host) & set("/@?#[] ")
    assert isinstance(out_port, int)
    assert isinstance(out_ssl, bool)
    if "://" not in value and ":" not in value:
        assert (host, out_port, out_ssl) == (value.strip(), port, ssl)


@FUZZ
@given(
    scheme=st.sampled_from(["http", "https"]),
    host=hostnames,
    port=st.none() | st.integers(min_value=1, max_value=65535),
)
def test_gateway_url_round_trip(scheme: str, host: str, port: int | None) -> None:
    """A URL's own host, port and scheme win over the form's fields."""
    url = f"{scheme}://{host}" + ("" if port is None else f":{port}")
    assert split_gateway_url(f" {url}/ ", 20003, scheme == "http") == (
        host,
        20003 if port is None else port,
        scheme == "https",
    )


@FUZZ
@given(moment=gateway_times, zone=st.timezones())
def test_gateway_time_round_trip(moment: datetime, zone: Any) -> None:
    """Format then parse gives the same wall time (to the second) in the gateway's zone."""
    aware = moment.replace(tzinfo=UTC)
    text = format_gateway_time(aware, zone)
    assert len(text) == 14
    assert text.isdigit()
    parsed = parse_gateway_time(text, zone)
    assert parsed.tzinfo is zone
    wall = aware.astimezone(zone).replace(tzinfo=None, microsecond=0)
    assert parsed.replace(tzinfo=None) == wall
    assert parse_gateway_time(int(text), zone) == parsed


@FUZZ
@given(value=st.integers() | st.text(max_size=20) | json_scalars)
def test_time_readers_on_anything(value: Any) -> None:
    """Gateway and unix time readers return an aware time or raise EimsResponseError."""
    for read in (
        lambda: parse_gateway_time(value, UTC),
        lambda: parse_unix_time(value),
    ):
        try:
            parsed = read()
        except EimsResponseError:
            continue
        except TypeError:
            # Unix seconds are typed int by the callers, which check it first.
            assert not isinstance(value, int)
            continue
        assert parsed.tzinfo is not None


@FUZZ
@given(text=st.text(max_size=200))
def test_content_round_trip(text: str) -> None:
    """Base64 of any UTF-8 text decodes back; any other content is kept raw, never raised."""
    try:
        encoded = base64.b64encode(text.encode()).decode()
    except UnicodeEncodeError:
        # Lone surrogates cannot be UTF-8: no gateway can send them.
        assert decode_content(text)[1] in (True, False)
        return
    assert decode_content(encoded) == (text, True)
    decoded, ok = decode_content(text)
    assert ok or decoded == text


@FUZZ
@given(
    message_id=ids,
    number=numbers,
    sent=stamps.map(int) | stamps | st.just(0),
    code=st.integers(-5, 1100),
    tail=st.sampled_from(["none", "delivery", "reason", "reason_first", "reason_last"]),
    deliver=st.tuples(stamps.map(int) | st.just(0), st.integers(0, 9)),
)
def test_report_rows_any_order(
    message_id: int,
    number: int | str,
    sent: int | str,
    code: int,
    tail: str,
    deliver: tuple[int, int],
) -> None:
    """Rows of 4 to 7 fields, the reason before or after the delivery pair, parse alike."""
    extra: list[Any] = {
        "none": [],
        "delivery": list(deliver),
        "reason": ["why"],
        "reason_first": ["why", *deliver],
        "reason_last": [*deliver, "why"],
    }[tail]
    row = parse_report_row([message_id, number, sent, code, *extra], UTC)
    assert row.id == message_id
    assert row.number == str(number)
    assert row.send_code == code
    assert row.reason == ("why" if "reason" in tail else None)
    assert (row.deliver_status is None) == (tail in ("none", "reason"))


@FUZZ
@given(
    row=st.lists(json_scalars | st.lists(json_scalars, max_size=2), max_size=8),
    receiver=st.booleans(),
)
def test_sms_rows_any_values(row: list[Any], receiver: bool) -> None:
    """An SMS row of any values parses or raises the client's error; a good one keeps its id."""
    with contextlib.suppress(EimsError):
        parse_sms_row(row, UTC)
    good = [7, "8613800000000", *(["10690000"] if receiver else []), 0, "aGk="]
    assert parse_sms_row(good, UTC).text == "hi"


@FUZZ
@given(
    number=st.text(max_size=40)
    | numbers.map(str)
    | st.integers(min_value=1, max_value=9).map(lambda d: str(d) * 5000)
)
def test_tracked_numbers_round_trip(number: str) -> None:
    """The tracker's compact form of a number, however long, gives the same text back."""
    assert unpack_number(pack_number(number)) == number


def errors_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return what was logged at ERROR or above, or with a traceback."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.levelno >= logging.ERROR or record.exc_info
    ]


async def fuzz_webhook(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    bodies: st.SearchStrategy[bytes],
) -> list[int]:
    """PUT and POST generated bodies to the webhook; return every status answered."""
    client = await hass_client_no_auth()
    loop = asyncio.get_running_loop()
    statuses: list[int] = []

    async def push(method: str, body: bytes) -> None:
        response = await client.request(method, URL, data=body)
        statuses.append(response.status)

    @FUZZ
    @given(body=bodies, method=st.sampled_from(["PUT", "POST"]))
    def run(body: bytes, method: str) -> None:
        # Hypothesis drives from a worker thread; the requests run on the test's loop.
        asyncio.run_coroutine_threadsafe(push(method, body), loop).result(30)

    await hass.async_add_executor_job(run)
    return statuses


@pytest.mark.parametrize(
    "bodies",
    [
        pytest.param(st.binary(max_size=2000), id="bytes"),
        pytest.param(json_values.map(lambda v: json.dumps(v).encode()), id="json"),
        pytest.param(
            report_bodies.map(lambda v: json.dumps(v).encode()), id="report_shaped"
        ),
        pytest.param(
            st.tuples(st.binary(max_size=20), st.integers(1, 4)).map(
                lambda parts: (
                    parts[0] * (MAX_BODY_BYTES // max(len(parts[0]), 1)) * parts[1]
                    + parts[0]
                )
            ),
            id="huge",
        ),
    ],
)
async def test_webhook_fuzz(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    init_sim_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    bodies: st.SearchStrategy[bytes],
) -> None:
    """Whatever arrives is answered 200, 400 or 413, and nothing is logged as an error."""
    statuses = await fuzz_webhook(hass, hass_client_no_auth, bodies)
    assert statuses
    assert set(statuses) <= {HTTPStatus.OK, HTTPStatus.BAD_REQUEST, 413}
    assert errors_logged(caplog) == []
    assert init_sim_entry.runtime_data.account.tracker.pending_count == 0
