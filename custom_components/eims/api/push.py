"""
Parser for the reports the gateway pushes by HTTP PUT (v1.0 rows and v2.0 objects).

Apart from parsers.py: this is a request the gateway makes to us, not a reply to ours.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, tzinfo
import json
from typing import Any

from .exceptions import EimsResponseError
from .models import PushedReport
from .values import (
    as_int,
    as_list,
    as_number,
    is_gateway_time,
    optional_gateway_time,
    parse_unix_time,
)

MAX_PUSHED_REPORTS = 50

# v2.0 objects: the spec's sample spells the submit time "sumbmittm", its table "submittm".
_V2_TIME_KEYS = ("donetm", "sendtm", "submittm", "sumbmittm")


def _load(body: bytes | str | object) -> object:
    """Decode a raw body; already decoded JSON passes through."""
    if not isinstance(body, (bytes, bytearray, str)):
        return body
    try:
        return json.loads(body)
    except ValueError, RecursionError:
        raise EimsResponseError("Pushed report body is not JSON") from None


def _reason(value: object) -> str | None:
    """Read an optional reason text."""
    if value is None or isinstance(value, str):
        return value
    raise EimsResponseError(f"reason is not a string: {type(value).__name__}")


def _v2_time(value: object, tz: tzinfo) -> datetime | None:
    """Read a v2.0 time: `yyyyMMddHHmmss` in the gateway's zone, or unix seconds."""
    if value in (None, 0, "") and not isinstance(value, bool):
        return None
    seconds = as_int(value, "time")
    if is_gateway_time(seconds):
        return optional_gateway_time(seconds, tz, "time")
    return parse_unix_time(seconds)


def _parse_v1(row: object, tz: tzinfo, version: str) -> PushedReport:
    """Parse a v1.0 row `[id, "number", time, result, "reason"]`."""
    fields = as_list(row, "report row")
    if len(fields) not in (4, 5):
        raise EimsResponseError(f"Pushed report row has {len(fields)} fields")
    return PushedReport(
        id=as_int(fields[0], "id"),
        number=as_number(fields[1], "number"),
        time=optional_gateway_time(fields[2], tz, "time"),
        status=as_int(fields[3], "result"),
        reason=_reason(fields[4]) if len(fields) == 5 else None,
        version=version,
    )


def _parse_v2(row: Mapping[str, Any], tz: tzinfo, version: str) -> PushedReport:
    """Parse a v2.0 object; its time is the first of done, send and submit times."""
    times = (_v2_time(row.get(key), tz) for key in _V2_TIME_KEYS)
    return PushedReport(
        id=as_int(row.get("id"), "id"),
        number=as_number(row.get("number"), "number"),
        time=next((time for time in times if time is not None), None),
        status=as_int(row.get("status"), "status"),
        reason=_reason(row.get("reason")),
        version=version,
    )


def parse_pushed_reports(
    body: bytes | str | object, time_zone: tzinfo = UTC
) -> list[PushedReport]:
    """Parse the body of a pushed report PUT; raise EimsResponseError on anything malformed."""
    data = _load(body)
    if not isinstance(data, dict):
        raise EimsResponseError(
            f"Pushed report is not a JSON object: {type(data).__name__}"
        )
    if data.get("type", "report") != "report":
        raise EimsResponseError("Pushed body is not of type report")
    rows = as_list(data.get("array"), "array")
    if len(rows) > MAX_PUSHED_REPORTS:
        raise EimsResponseError(f"Pushed body holds {len(rows)} reports, over 50")
    version = data.get("ver")
    if version is not None and not isinstance(version, str):
        raise EimsResponseError(f"ver is not a string: {type(version).__name__}")
    reports: list[PushedReport] = []
    for row in rows:
        if isinstance(row, dict):
            reports.append(_parse_v2(row, time_zone, version or "V2.0"))
        else:
            reports.append(_parse_v1(row, time_zone, version or "V1.0"))
    return reports
