"""Tests for SMS job validation against the spec table's rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from custom_components.eims.api import EimsValidationError, JobType, SmsJob, SmsType

BASE = SmsJob(name="job", content="text", numbers="10010,+8613800000000")
START = datetime(2026, 1, 1, tzinfo=UTC)

VALID = [
    {},
    {"job_type": JobType.TIMING, "plan_start": START},
    {"job_type": JobType.INTERVAL, "interval": 30, "minute": 0, "hour": 0, "day": 1},
    {"job_type": JobType.DAILY, "minute": 59, "hour": 23, "period": 10},
    {"job_type": JobType.WEEKLY, "minute": 0, "hour": 9, "week": 7},
    {"job_type": JobType.MONTHLY, "minute": 0, "hour": 9, "day": 31, "month": 12},
    {"numbers": "http://ip:port/sms.xls", "numbers_from_url": True},
    {"numbers": ",".join(["1234567"] * 512)},
    {"name": "n" * 64},
    {"sms_type": SmsType.MMS, "mms_title": "t"},
    {"plan_start": START, "plan_end": datetime(2026, 2, 1, tzinfo=UTC)},
]

INVALID: list[tuple[dict[str, Any], str, str]] = [
    ({"name": ""}, "name", "invalid_job_name"),
    ({"name": "n" * 65}, "name", "invalid_job_name"),
    ({"content": ""}, "content", "empty_content"),
    ({"numbers": " "}, "numbers", "no_numbers"),
    ({"numbers": "1,x"}, "numbers", "invalid_number"),
    ({"numbers": ",".join(["1234567"] * 513)}, "numbers", "numbers_too_long"),
    ({"job_type": 6}, "job_type", "invalid_job_type"),
    ({"job_type": JobType.TIMING}, "plan_start", "required"),
    (
        {"job_type": JobType.INTERVAL, "minute": 0, "hour": 0, "day": 1},
        "interval",
        "required",
    ),
    (
        {"job_type": JobType.INTERVAL, "interval": 5, "hour": 0, "day": 1},
        "minute",
        "required",
    ),
    (
        {"job_type": JobType.INTERVAL, "interval": 5, "minute": 0, "day": 1},
        "hour",
        "required",
    ),
    (
        {"job_type": JobType.INTERVAL, "interval": 5, "minute": 0, "hour": 0},
        "day",
        "required",
    ),
    ({"job_type": JobType.DAILY, "minute": 0}, "hour", "required"),
    ({"job_type": JobType.WEEKLY, "minute": 0, "hour": 0}, "week", "required"),
    (
        {"job_type": JobType.MONTHLY, "minute": 0, "hour": 0, "day": 1},
        "month",
        "required",
    ),
    (
        {"job_type": JobType.MONTHLY, "minute": 0, "hour": 0, "month": 1},
        "day",
        "required",
    ),
    ({"minute": 60}, "minute", "out_of_range"),
    ({"minute": -1}, "minute", "out_of_range"),
    ({"hour": 24}, "hour", "out_of_range"),
    ({"day": 0}, "day", "out_of_range"),
    ({"day": 32}, "day", "out_of_range"),
    ({"week": 0}, "week", "out_of_range"),
    ({"week": 8}, "week", "out_of_range"),
    ({"month": 0}, "month", "out_of_range"),
    ({"month": 13}, "month", "out_of_range"),
    ({"interval": 0}, "interval", "out_of_range"),
    ({"period": 0}, "period", "out_of_range"),
    ({"retry": -1}, "retry", "out_of_range"),
    ({"sms_type": SmsType.MMS}, "mms_title", "required"),
    ({"plan_start": START, "plan_end": START}, "plan_end", "invalid_time"),
    ({"plan_start": datetime(2026, 1, 1)}, "plan_start", "naive_datetime"),  # noqa: DTZ001
]


@pytest.mark.parametrize("changes", VALID)
def test_valid_jobs(changes: dict[str, Any]) -> None:
    job = replace(BASE, **changes)
    job.validate()
    body = job.to_body()
    assert body["numbersrc"] == int(job.numbers_from_url)
    assert body.get("jobtype", 0) == job.job_type


@pytest.mark.parametrize(("changes", "field", "reason"), INVALID)
def test_invalid_jobs(changes: dict[str, Any], field: str, reason: str) -> None:
    job = replace(BASE, **changes)
    with pytest.raises(EimsValidationError) as err:
        job.validate()
    assert (err.value.field, err.value.reason) == (field, reason)
    with pytest.raises(EimsValidationError):
        job.to_body()
