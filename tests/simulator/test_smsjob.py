"""smsjob: the spec's checks, immediate, timed and periodic jobs, URL jobs."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from custom_components.eims.api import EimsValidationError, JobType, SmsJob
from simulator.testing import RunningSimulator

from .conftest import START, Client

JOB = {
    "job": "job_with_number",
    "numbersrc": 0,
    "numbers": "123456,3444,54535",
    "content": "test",
}
DAY = 86400


async def job(client: Client, **fields: Any) -> dict[str, Any]:
    """Create a job from the spec's first sample, changed by `fields`."""
    return await client.post("smsjob", **(JOB | fields))


async def test_immediate_job_runs_through_the_lifecycle(
    client: Client, sim: RunningSimulator
) -> None:
    assert await job(client) == {"status": 0, "jobid": 1}
    assert [m.number for m in sim.state.messages.values()] == [
        "123456",
        "3444",
        "54535",
    ]
    assert sim.state.accounts["demo"].gift == Decimal("4.85")
    await client.ctl("POST", "messages/advance", {"steps": "final"})
    assert (await client.report([1, 2, 3]))["deliverSuc"] == 3
    sent = await client.ctl("GET", "sent")
    assert (sent[0]["endpoint"], sent[0]["job_id"], sent[0]["ids"]) == (
        "smsjob",
        1,
        [1, 2, 3],
    )
    jobs = await client.ctl("GET", "jobs?account=demo")
    assert (jobs[0]["name"], jobs[0]["runs"], jobs[0]["next_run"]) == (
        "job_with_number",
        [{"at": START, "ids": [1, 2, 3]}],
        None,
    )
    assert await client.ctl("GET", "jobs?account=other") == []


async def test_url_job_is_recorded_never_fetched(
    client: Client, sim: RunningSimulator
) -> None:
    reply = await job(
        client,
        numbersrc=1,
        numbers="http://ip:port/sms.xls",
        jobtype=3,
        period=10,
        hour=9,
        min=0,
    )
    assert reply == {"status": 0, "jobid": 1}
    await client.ctl("POST", "time/advance", {"seconds": 30 * DAY})
    stored = sim.state.jobs[1]
    assert (stored.numbers_url, stored.runs, stored.next_run) == (
        "http://ip:port/sms.xls",
        [],
        None,
    )
    assert sim.state.messages == {}


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"job": ""}, -15),
        ({"job": "   "}, -15),
        ({"job": "j" * 65}, -15),
        ({"job": None}, -15),
        ({"jobtype": 6}, -16),
        ({"jobtype": "x"}, -16),
        ({"numbersrc": 2}, -14),
        ({"numbersrc": 1, "numbers": "ftp://x/sms.xls"}, -14),
        ({"numbersrc": 1, "numbers": ["http://x"]}, -14),
        ({"numbers": ""}, -8),
        ({"numbers": "1234567," * 600}, -7),
        ({"numbers": "12a"}, -9),
        ({"content": ""}, -4),
        ({"content": "x" * 1025}, -5),
        ({"content": "buy casino chips"}, -3),
        ({"smstype": 1}, -17),
        ({"smstype": 3, "mmstitle": "t"}, -17),
        ({"jobtype": 1}, -11),
        ({"jobtype": 2, "min": 0, "hour": 9}, -11),
        ({"jobtype": 3, "hour": 9}, -11),
        ({"jobtype": 3, "hour": 24, "min": 0}, -11),
        ({"jobtype": 3, "hour": 9, "min": "x"}, -11),
        ({"jobtype": 4, "hour": 9, "min": 0}, -11),
        ({"jobtype": 5, "hour": 9, "min": 0, "day": 1}, -11),
        ({"jobtype": 5, "hour": 9, "min": 0, "mon": 1}, -11),
        ({"planendtm": START - 1}, -11),
        ({"planstarttm": START + 100, "planendtm": START + 50}, -11),
        ({"jobtype": 3, "hour": 9, "min": 0, "period": 0}, -17),
        ({"retry": -1}, -17),
        ({"flash": 2}, -17),
    ],
)
@pytest.mark.parametrize("account_options", [{"sensitive_words": ["casino"]}])
async def test_refusals(
    client: Client, sim: RunningSimulator, fields: dict[str, Any], status: int
) -> None:
    assert await job(client, **fields) == {"status": status}
    assert sim.state.jobs == {}
    assert sim.state.submissions[-1].status == status


async def test_immediate_job_needs_the_money(
    client: Client, sim: RunningSimulator
) -> None:
    account = sim.state.accounts["demo"]
    account.balance, account.gift = Decimal(0), Decimal("0.10")
    assert await job(client) == {"status": -10}
    assert sim.state.jobs == {}


async def test_capitalised_keys_and_mms(client: Client, sim: RunningSimulator) -> None:
    reply = await client.post(
        "smsjob",
        job="j",
        Numbersrc=0,
        numbers="123456",
        content="c",
        SMStype=1,
        MMStitle="title",
        SenderId="me",
        retry=2,
        flash=1,
    )
    assert reply["status"] == 0
    stored = sim.state.jobs[1]
    assert (
        stored.smstype,
        stored.mmstitle,
        stored.sender,
        stored.retry,
        stored.flash,
    ) == (
        1,
        "title",
        "me",
        2,
        1,
    )


async def test_timing_job_waits_for_planstarttm(
    client: Client, sim: RunningSimulator
) -> None:
    assert (await job(client, jobtype=1, planstarttm=START + 3600))["status"] == 0
    assert sim.state.messages == {}
    await client.ctl("POST", "time/advance", {"seconds": 3599})
    assert sim.state.messages == {}
    await client.ctl("POST", "time/advance", {"seconds": 1})
    assert len(sim.state.messages) == 3
    assert sim.state.jobs[1].next_run is None


async def test_interval_job_with_period(client: Client, sim: RunningSimulator) -> None:
    reply = await job(
        client,
        jobtype=2,
        interval=30,
        min=0,
        hour=0,
        day=1,
        period=3,
        numbers="123456",
    )
    assert reply["status"] == 0
    await client.ctl("POST", "time/advance", {"seconds": DAY})
    assert [run.at - START for run in sim.state.jobs[1].runs] == [0, 1800, 3600]
    assert len(sim.state.messages) == 3


async def test_daily_job_until_planendtm(client: Client, sim: RunningSimulator) -> None:
    reply = await job(
        client, jobtype=3, hour=9, min=30, planendtm=START + 3 * DAY, numbers="123456"
    )
    assert reply["status"] == 0
    await client.ctl("POST", "time/advance", {"seconds": 10 * DAY})
    runs = [datetime.fromtimestamp(run.at, UTC) for run in sim.state.jobs[1].runs]
    assert [(r.day, r.hour, r.minute) for r in runs] == [
        (1, 9, 30),
        (2, 9, 30),
        (3, 9, 30),
    ]


async def test_daily_job_defaults_to_one_run(
    client: Client, sim: RunningSimulator
) -> None:
    await job(client, jobtype=3, hour=0, min=0, numbers="123456")
    await client.ctl("POST", "time/advance", {"seconds": 5 * DAY})
    assert [run.at for run in sim.state.jobs[1].runs] == [START]


async def test_weekly_and_monthly_jobs(client: Client, sim: RunningSimulator) -> None:
    # 2026-01-01 is a Thursday; week 1 is Monday.
    await job(client, jobtype=4, week=1, hour=8, min=0, period=2, numbers="123456")
    await job(
        client, jobtype=5, day=31, mon=1, hour=12, min=0, period=3, numbers="123456"
    )
    await client.ctl("POST", "time/advance", {"seconds": 200 * DAY})
    weekly = [datetime.fromtimestamp(run.at, UTC) for run in sim.state.jobs[1].runs]
    assert [(w.month, w.day, w.hour) for w in weekly] == [(1, 5, 8), (1, 12, 8)]
    monthly = [datetime.fromtimestamp(run.at, UTC) for run in sim.state.jobs[2].runs]
    assert [(m.month, m.day) for m in monthly] == [(1, 31), (3, 31), (5, 31)]


async def test_unpaid_periodic_run_fails_with_1003(
    client: Client, sim: RunningSimulator
) -> None:
    await job(
        client,
        jobtype=2,
        interval=60,
        min=0,
        hour=0,
        day=1,
        period=2,
        numbers="123456",
    )
    account = sim.state.accounts["demo"]
    account.balance, account.gift = Decimal(0), Decimal(0)
    await client.ctl("POST", "time/advance", {"seconds": 3600})
    await client.ctl("POST", "messages/advance", {"steps": "final"})
    reply = await client.report([1, 2])
    assert [row[3] for row in reply["array"]] == [0, 1003]
    assert sim.state.messages[2].job_id == 1


async def test_job_by_get_is_accepted(client: Client) -> None:
    assert (await client.get("smsjob", **JOB))["status"] == 0


@pytest.mark.parametrize(
    ("job_type", "fields"),
    [
        (JobType.INTERVAL, {"interval": 30}),
        (JobType.MONTHLY, {"month": 1}),
    ],
    ids=["interval", "monthly"],
)
async def test_day_required_for_interval_and_monthly_jobs(
    client: Client, sim: RunningSimulator, job_type: JobType, fields: dict[str, int]
) -> None:
    """Scenario 13: the spec's table makes `day` compulsory for types 2 and 5: both sides agree."""
    sms_job = SmsJob(
        name="no day",
        content="test",
        numbers="123456",
        job_type=job_type,
        minute=0,
        hour=9,
        **fields,  # type: ignore[arg-type]
    )
    with pytest.raises(EimsValidationError) as err:
        sms_job.validate()
    assert (err.value.field, err.value.reason) == ("day", "required")
    body = replace(sms_job, day=1).to_body()
    del body["day"]
    assert (await client.post("smsjob", **body))["status"] == -11
    assert sim.state.jobs == {}
