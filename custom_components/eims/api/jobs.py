"""SMS jobs (`smsjob`): the job description and the spec table's field rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import Any

from .exceptions import EimsValidationError
from .models import SmsType
from .values import check_message_type, checked_number, to_unix_time

MAX_JOB_NAME = 64
MAX_NUMBERS_LENGTH = 4 * 1024


class JobType(IntEnum):
    """When a job runs (`jobtype`)."""

    IMMEDIATE = 0
    TIMING = 1
    INTERVAL = 2
    DAILY = 3
    WEEKLY = 4
    MONTHLY = 5


_PERIODIC = frozenset(JobType) - {JobType.IMMEDIATE, JobType.TIMING}

# (field, body key, lowest, highest, job types for which it is compulsory). The table
# also lists day for daily jobs; the spec's own daily sample has none, so it is optional.
_SCHEDULE_FIELDS: tuple[tuple[str, str, int, int, frozenset[JobType]], ...] = (
    ("minute", "min", 0, 59, _PERIODIC),
    ("hour", "hour", 0, 23, _PERIODIC),
    ("day", "day", 1, 31, frozenset({JobType.INTERVAL, JobType.MONTHLY})),
    ("week", "week", 1, 7, frozenset({JobType.WEEKLY})),
    ("month", "mon", 1, 12, frozenset({JobType.MONTHLY})),
)


def _unix_or_none(value: datetime | None, field: str) -> int | None:
    """Return an optional aware datetime as unix seconds."""
    return None if value is None else to_unix_time(value, field)


@dataclass(frozen=True, slots=True, kw_only=True)
class SmsJob:
    """A job the gateway runs itself: once, at a time, or periodically."""

    name: str
    content: str
    numbers: str
    numbers_from_url: bool = False
    job_type: JobType = JobType.IMMEDIATE
    period: int | None = None
    interval: int | None = None
    minute: int | None = None
    hour: int | None = None
    day: int | None = None
    week: int | None = None
    month: int | None = None
    plan_start: datetime | None = None
    plan_end: datetime | None = None
    retry: int = 0
    flash: bool = False
    sender: str | None = None
    sms_type: SmsType = SmsType.SMS
    mms_title: str | None = None

    def _job_type(self) -> JobType:
        """Return the job type, refusing codes the spec does not list."""
        try:
            return JobType(self.job_type)
        except ValueError:
            raise EimsValidationError(
                "job_type", "invalid_job_type", self.job_type
            ) from None

    def _validate_numbers(self) -> None:
        """Check the numbers field: a URL, or comma-separated numbers, under 4 KiB."""
        if not self.numbers.strip():
            raise EimsValidationError("numbers", "no_numbers")
        if len(self.numbers) > MAX_NUMBERS_LENGTH:
            raise EimsValidationError("numbers", "numbers_too_long", len(self.numbers))
        if not self.numbers_from_url:
            for number in self.numbers.split(","):
                checked_number(number)

    def _validate_schedule(self, job_type: JobType) -> None:
        """Check the schedule fields' ranges and which are compulsory for the type."""
        for field, _key, low, high, required_for in _SCHEDULE_FIELDS:
            value = getattr(self, field)
            if value is None:
                if job_type in required_for:
                    raise EimsValidationError(field, "required")
            elif not low <= value <= high:
                raise EimsValidationError(field, "out_of_range", value)
        if job_type is JobType.INTERVAL and self.interval is None:
            raise EimsValidationError("interval", "required")
        if self.interval is not None and self.interval < 1:
            raise EimsValidationError("interval", "out_of_range", self.interval)
        if self.period is not None and self.period < 1:
            raise EimsValidationError("period", "out_of_range", self.period)
        if job_type is JobType.TIMING and self.plan_start is None:
            raise EimsValidationError("plan_start", "required")
        start = _unix_or_none(self.plan_start, "plan_start")
        end = _unix_or_none(self.plan_end, "plan_end")
        if start is not None and end is not None and end <= start:
            raise EimsValidationError("plan_end", "invalid_time", self.plan_end)

    def validate(self) -> None:
        """Raise EimsValidationError for any field the spec's table refuses."""
        if not 1 <= len(self.name) <= MAX_JOB_NAME:
            raise EimsValidationError("name", "invalid_job_name", self.name)
        if not self.content:
            raise EimsValidationError("content", "empty_content")
        self._validate_numbers()
        self._validate_schedule(self._job_type())
        if self.retry < 0:
            raise EimsValidationError("retry", "out_of_range", self.retry)
        check_message_type(self.sms_type, self.mms_title)

    def to_body(self) -> dict[str, Any]:
        """
        Return the job's `smsjob` body fields (without credentials); validate first.

        Fields at their spec default are left out, as in the spec's samples.
        """
        self.validate()
        optional: dict[str, Any] = {
            "jobtype": int(self.job_type) or None,
            "period": self.period,
            "interval": self.interval,
            **{key: getattr(self, field) for field, key, *_ in _SCHEDULE_FIELDS},
            "planstarttm": _unix_or_none(self.plan_start, "plan_start"),
            "planendtm": _unix_or_none(self.plan_end, "plan_end"),
            "retry": self.retry or None,
            "flash": 1 if self.flash else None,
            "senderId": self.sender,
            "smstype": int(self.sms_type) or None,
            "mmstitle": self.mms_title,
        }
        return {
            "job": self.name,
            "numbersrc": int(self.numbers_from_url),
            "numbers": self.numbers,
            "content": self.content,
        } | {key: value for key, value in optional.items() if value is not None}
