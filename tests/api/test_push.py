"""Tests for parsing pushed reports (PUT bodies)."""

from __future__ import annotations

from datetime import UTC, datetime
import json
from zoneinfo import ZoneInfo

import pytest

from custom_components.eims.api import (
    EimsResponseError,
    PushedReport,
    parse_pushed_reports,
)

from .conftest import fixture_text, load_fixture

BERLIN = ZoneInfo("Europe/Berlin")


def test_v1_sample_bytes() -> None:
    body = fixture_text("push_v1.json").encode()
    assert parse_pushed_reports(body, BERLIN) == [
        PushedReport(
            1,
            "1234545456",
            datetime(2018, 8, 1, 12, 30, 15, tzinfo=BERLIN),
            0,
            "success",
            "V1.0",
        ),
        PushedReport(
            2,
            "2356844545",
            datetime(2018, 8, 1, 22, 30, 15, tzinfo=BERLIN),
            1,
            "no balance",
            "V1.0",
        ),
    ]


def test_v2_sample_decoded() -> None:
    reports = parse_pushed_reports(load_fixture("push_v2.json"))
    assert reports == [
        PushedReport(
            1, "*****", datetime.fromtimestamp(1533097820, UTC), 0, "*****", "V2.0"
        ),
        PushedReport(
            2, "*****", datetime.fromtimestamp(1533097821, UTC), 0, "*****", "V2.0"
        ),
    ]


def test_v2_time_fallbacks_and_gateway_times() -> None:
    body = {
        "type": "report",
        "array": [
            {
                "id": 1,
                "number": 4915,
                "sumbmittm": 1533097815,
                "donetm": 0,
                "status": 1001,
            },
            {
                "id": 2,
                "number": "4916",
                "sendtm": 20180801123015,
                "status": 0,
                "reason": None,
            },
            {"id": 3, "number": "4917", "status": 0},
        ],
    }
    reports = parse_pushed_reports(json.dumps(body), BERLIN)
    assert [(r.time, r.status, r.reason, r.version) for r in reports] == [
        (datetime.fromtimestamp(1533097815, UTC), 1001, None, "V2.0"),
        (datetime(2018, 8, 1, 12, 30, 15, tzinfo=BERLIN), 0, None, "V2.0"),
        (None, 0, None, "V2.0"),
    ]
    assert reports[0].number == "4915"


def test_v1_row_without_reason_and_ver_kept() -> None:
    reports = parse_pushed_reports({"ver": "V1.1", "array": [[5, "1", 0, 0]]})
    assert reports == [PushedReport(5, "1", None, 0, None, "V1.1")]


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"\xff",
        "[1]",
        {"type": "other", "array": []},
        {"type": "report"},
        {"array": [[1, "2", 20180801123015, 0, "x"]] * 51},
        {"array": [[1, "2", 20180801123015, 0, 5]]},
        {"array": [[1, "2", 20180801123015]]},
        {"array": [{"id": 1, "number": "2", "status": 0, "donetm": "soon"}]},
        {"array": [{"id": 1, "number": "2", "status": 0, "donetm": 10**30}]},
        {"array": [{"id": 1, "number": "2"}]},
        {"ver": 2, "array": []},
        None,
    ],
)
def test_malformed(body: object) -> None:
    with pytest.raises(EimsResponseError):
        parse_pushed_reports(body)


def test_fifty_allowed() -> None:
    assert (
        len(parse_pushed_reports({"array": [[1, "2", 20180801123015, 0, "x"]] * 50}))
        == 50
    )
