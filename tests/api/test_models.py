"""Tests for the enums, times and request validation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from custom_components.eims.api import (
    EimsAuthError,
    EimsBalanceError,
    EimsContentError,
    EimsError,
    EimsIpLimitedError,
    EimsJobError,
    EimsLockedError,
    EimsNumberError,
    EimsPlatformError,
    EimsResponseError,
    EimsStatusError,
    EimsTimeError,
    EimsValidationError,
    ReportCode,
    SendRequest,
    SmsType,
    format_gateway_time,
    parse_gateway_time,
)
from custom_components.eims.api.batching import plan_send_batches
from custom_components.eims.api.exceptions import status_error
from custom_components.eims.api.values import parse_unix_time, to_unix_time

STATUS_TABLE = [
    (-1, EimsAuthError, "invalid_auth"),
    (-2, EimsIpLimitedError, "ip_limited"),
    (-3, EimsContentError, "sensitive_content"),
    (-4, EimsContentError, "empty_content"),
    (-5, EimsContentError, "content_too_long"),
    (-6, EimsContentError, "not_template"),
    (-7, EimsNumberError, "too_many_numbers"),
    (-8, EimsNumberError, "no_numbers"),
    (-9, EimsNumberError, "invalid_number"),
    (-10, EimsBalanceError, "insufficient_balance"),
    (-11, EimsTimeError, "invalid_time"),
    (-12, EimsPlatformError, "platform_error"),
    (-13, EimsLockedError, "account_locked"),
    (-14, EimsJobError, "invalid_number_source"),
    (-15, EimsJobError, "invalid_job_name"),
    (-16, EimsJobError, "invalid_job_type"),
    (-17, EimsJobError, "job_error"),
    (-18, EimsStatusError, "unknown_status"),
    (-99, EimsStatusError, "unknown_status"),
]


@pytest.mark.parametrize(("status", "cls", "reason"), STATUS_TABLE)
def test_status_errors(status: int, cls: type[EimsStatusError], reason: str) -> None:
    err = status_error(status)
    assert type(err) is cls
    assert isinstance(err, EimsError)
    assert (err.status, err.reason) == (status, reason)
    assert f"status {status}" in str(err)


def test_validation_error_is_value_error() -> None:
    err = EimsValidationError("numbers", "invalid_number", "12a")
    assert isinstance(err, ValueError)
    assert str(err) == "numbers: invalid_number ('12a')"
    assert (
        str(EimsValidationError("content", "empty_content")) == "content: empty_content"
    )


def test_report_codes() -> None:
    assert ReportCode(1011) is ReportCode.BLACK_NUMBER
    assert ReportCode.BLACK_NUMBER.description == "Black number"
    assert ReportCode.describe(1001) == "No route"
    assert ReportCode.describe(0) == "Success"
    assert ReportCode.describe(1015) == "code 1015"
    assert len(ReportCode) == 22
    assert all(code.description for code in ReportCode)


def test_gateway_times_round_trip() -> None:
    shanghai = ZoneInfo("Asia/Shanghai")
    moment = datetime(2017, 10, 1, 4, 30, 15, tzinfo=UTC)
    assert format_gateway_time(moment, shanghai) == "20171001123015"
    parsed = parse_gateway_time(20171001123015, shanghai)
    assert parsed == moment
    assert parse_gateway_time("20171001123015", timezone(timedelta(hours=8))) == moment


@pytest.mark.parametrize(
    "value",
    [
        "2017100112301",
        "2017100112301x",
        20171301123015,
        "\uff12\uff10\uff11\uff17\uff11\uff10\uff10\uff11\uff11\uff12\uff13\uff10\uff11\uff15",
        True,
        1.5,
    ],
)
def test_parse_gateway_time_invalid(value: object) -> None:
    with pytest.raises(EimsResponseError):
        parse_gateway_time(value, UTC)  # type: ignore[arg-type]


def test_naive_datetimes_refused() -> None:
    with pytest.raises(EimsValidationError) as err:
        format_gateway_time(datetime(2020, 1, 1), UTC)  # noqa: DTZ001
    assert err.value.reason == "naive_datetime"
    with pytest.raises(EimsValidationError):
        to_unix_time(datetime(2020, 1, 1), "plan_start")  # noqa: DTZ001


def test_unix_times() -> None:
    assert parse_unix_time(0) == datetime(1970, 1, 1, tzinfo=UTC)
    with pytest.raises(EimsResponseError):
        parse_unix_time(10**20)


@pytest.mark.parametrize(
    ("requests", "field", "reason"),
    [
        ([], "numbers", "no_numbers"),
        ([SendRequest([], "x")], "numbers", "no_numbers"),
        ([SendRequest(["12a"], "x")], "numbers", "invalid_number"),
        ([SendRequest(["++12"], "x")], "numbers", "invalid_number"),
        ([SendRequest([""], "x")], "numbers", "invalid_number"),
        ([SendRequest([12], "x")], "numbers", "invalid_number"),  # type: ignore[list-item]
        ([SendRequest(["1" * 33], "x")], "numbers", "invalid_number"),
        ([SendRequest(["1"], "")], "content", "empty_content"),
        ([SendRequest(["1"], "x", SmsType.MMS)], "mms_title", "required"),
        ([SendRequest(["1"], "x", 7)], "sms_type", "invalid_sms_type"),  # type: ignore[arg-type]
        (
            [SendRequest(["1"], "x", send_time="2017-10-01")],
            "send_time",
            "invalid_time",
        ),
        (
            [SendRequest(["1"], "x"), SendRequest(["+1"], "y")],
            "numbers",
            "duplicate_number",
        ),
    ],
)
def test_send_validation(requests: list[SendRequest], field: str, reason: str) -> None:
    with pytest.raises(EimsValidationError) as err:
        plan_send_batches(requests, use_get=False)
    assert (err.value.field, err.value.reason) == (field, reason)


def test_send_request_is_frozen_and_hashable() -> None:
    request = SendRequest(["1", "2"], "x")
    assert request.numbers == ("1", "2")
    assert hash(request) == hash(SendRequest(("1", "2"), "x"))


@pytest.mark.parametrize(
    "text",
    [
        "20171001123015",
        "20240229000000",
        "20230229000000",
        "20171301120000",
        "20171001246000",
        "20171001235960",
        "00000101000000",
        "00010101000000",
        "99991231235959",
        *(f"{n:014d}" for n in range(0, 10**14, 7_777_777_777_777)),
    ],
)
def test_gateway_time_read_as_strptime_reads_it(text: str) -> None:
    """Read by position, a gateway time is what strptime makes of it, or refused alike."""
    try:
        expected: datetime | None = datetime.strptime(text, "%Y%m%d%H%M%S").replace(
            tzinfo=UTC
        )
    except ValueError:
        expected = None
    try:
        read: datetime | None = parse_gateway_time(text, UTC)
    except EimsResponseError:
        read = None
    assert read == expected
