"""The client against the gateway simulator over real HTTP, for every endpoint."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import aiohttp
import pytest

from custom_components.eims.api import (
    DeliverStatus,
    EimsAuthError,
    EimsBalanceError,
    EimsClient,
    EimsConnectionError,
    JobType,
    MemorySeqSource,
    SendRequest,
    SendStatus,
    SmsJob,
    SmsType,
    format_gateway_time,
)
from simulator.clock import ManualClock
from simulator.testing import RunningSimulator, run_simulator

START = 1_767_225_600.0  # 2026-01-01 00:00 UTC


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """A plain aiohttp session."""
    async with aiohttp.ClientSession() as session:
        yield session


def make_client(
    session: aiohttp.ClientSession, sim: RunningSimulator, **kwargs: object
) -> EimsClient:
    """A client for the simulator's demo account."""
    options: dict[str, object] = {
        "account": "demo",
        "password": "demo",
        "port": sim.port,
    }
    options.update(kwargs)
    return EimsClient(session, sim.host, time_zone=UTC, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize("report_fields", [4, 6, 7])
@pytest.mark.parametrize("number_form", ["int", "str"])
async def test_every_endpoint(
    socket_enabled: None,
    session: aiohttp.ClientSession,
    report_fields: int,
    number_form: str,
) -> None:
    """Balance, send, report, inbound SMS and jobs, in each response form."""
    clock = ManualClock(START)
    async with run_simulator(
        clock=clock,
        tz=UTC,
        tick_seconds=None,
        report_fields=report_fields,
        number_form=number_form,
        getsms_receiver=number_form == "str",
    ) as sim:
        client = make_client(session, sim)
        account = sim.state.accounts["demo"]
        before = await client.get_balance()
        assert before.balance == account.balance
        assert before.gift == account.gift

        result = await client.send_sms(
            [
                SendRequest(numbers=["+447911123456", "10010", "10010"], content="Hi"),
                SendRequest(
                    numbers=["1008611"],
                    content="Pic",
                    sms_type=SmsType.MMS,
                    mms_title="Title",
                    sender="HOME",
                ),
            ]
        )
        assert result.success == 3
        assert result.fail == 0
        assert result.requests == 1
        assert sorted(result.accepted.values()) == [
            "+447911123456",
            "10010",
            "1008611",
        ]
        [submission] = sim.state.submissions
        assert sorted(submission.numbers) == ["10010", "1008611", "447911123456"]
        assert sorted(submission.ids) == sorted(result.accepted)
        assert (await client.get_balance()).balance + (
            await client.get_balance()
        ).gift < before.balance + before.gift

        ids = list(result.accepted)
        report = await client.get_reports(ids)
        assert {row.id for row in report.rows} == set(ids)
        assert all(row.send_status is SendStatus.UNSENT for row in report.rows)

        sim.state.step_messages(steps=None)
        report = await client.get_reports([*ids, 99999])
        assert {row.id for row in report.rows} == set(ids)
        assert all(row.send_status is SendStatus.SENT for row in report.rows)
        if report_fields > 4:
            assert all(
                row.deliver_status is DeliverStatus.DELIVERED for row in report.rows
            )
            assert report.counters.not_found == 1

        for n in range(3):
            sim.state.add_inbound(account, sender="+4479111", content=f"héllo {n}")
        page = await client.get_sms_page()
        assert [sms.text for sms in page.messages] == ["héllo 0", "héllo 1", "héllo 2"]
        assert all(sms.decoded for sms in page.messages)
        assert (await client.get_sms_page()).messages == []

        job_id = await client.create_job(
            SmsJob(
                name="daily",
                content="Good morning",
                numbers="10010,1008611",
                job_type=JobType.DAILY,
                hour=9,
                minute=0,
                period=2,
            )
        )
        assert job_id in sim.state.jobs


async def test_scheduled_send_and_get(
    socket_enabled: None, session: aiohttp.ClientSession
) -> None:
    """A scheduled send waits for its time; GET sends work too."""
    clock = ManualClock(START)
    async with run_simulator(clock=clock, tz=UTC, tick_seconds=None) as sim:
        client = make_client(session, sim, use_get=True)
        at = datetime.fromtimestamp(START, UTC) + timedelta(hours=1)
        result = await client.send_sms(
            [
                SendRequest(
                    numbers=["10010"],
                    content="later & soon",
                    send_time=format_gateway_time(at, UTC),
                )
            ]
        )
        [message_id] = result.accepted
        assert sim.state.submissions[0].method == "GET"
        assert sim.state.submissions[0].params["content"] == "later & soon"
        sim.state.step_messages(steps=None)
        [row] = (await client.get_reports([message_id])).rows
        assert row.send_status is SendStatus.UNSENT
        sim.state.advance_time(3600 + 60)
        [row] = (await client.get_reports([message_id])).rows
        assert row.send_status is SendStatus.SENT


async def test_encrypted_mode(
    socket_enabled: None, session: aiohttp.ClientSession
) -> None:
    """md5 passwords with an increasing seq pass; a reused seq is refused."""
    async with run_simulator(key="k3y") as sim:
        client = make_client(session, sim, key="k3y", seq_source=MemorySeqSource(5))
        assert (await client.get_balance()).balance == Decimal("100.00")
        await client.get_reports([1])
        assert sim.state.accounts["demo"].seqs == [5, 6]
        # A seq the gateway has seen is refused, then asked once more above it.
        stale = make_client(session, sim, key="k3y", seq_source=MemorySeqSource(6))
        assert (await stale.get_balance()).balance == Decimal("100.00")
        assert [record.status for record in sim.state.requests[-2:]] == [-1, 0]


async def test_insufficient_balance(
    socket_enabled: None, session: aiohttp.ClientSession
) -> None:
    """-10 when the account cannot pay, and nothing is sent."""
    async with run_simulator(balance="0.01", gift="0") as sim:
        client = make_client(session, sim)
        with pytest.raises(EimsBalanceError):
            await client.send_sms([SendRequest(numbers=["10010"], content="x")])
        assert sim.state.messages == {}


def seqs_received(sim: RunningSimulator) -> list[str]:
    """Return every seq the gateway received, dropped requests included."""
    return [record.seq for record in sim.state.requests if record.seq is not None]


async def test_dropped_connection_never_resends_a_seq(
    socket_enabled: None, session: aiohttp.ClientSession
) -> None:
    """Scenario 9: aiohttp's own retry of a dropped GET never reaches the gateway."""
    async with run_simulator(key="k3y") as sim:
        client = make_client(session, sim, key="k3y", seq_source=MemorySeqSource())
        sim.state.add_fault({"kind": "drop", "count": 1, "endpoint": "getbalance"})
        # A read that changes nothing is asked again, signed anew.
        assert (await client.get_balance()).balance == Decimal("100.00")
        sim.state.add_fault({"kind": "drop", "count": 1, "endpoint": "getsms"})
        # getsms consumes what it returns: not asked again.
        with pytest.raises(EimsConnectionError):
            await client.get_sms_page()
        seqs = seqs_received(sim)
        assert len(seqs) == 3
        assert len(set(seqs)) == 3


async def test_refused_after_transport_error_is_rechecked(
    socket_enabled: None, session: aiohttp.ClientSession
) -> None:
    """Scenario 9: a -1 right after a dropped connection is asked again before it counts."""
    async with run_simulator(key="k3y") as sim:
        client = make_client(session, sim, key="k3y", seq_source=MemorySeqSource())
        sim.state.add_fault({"kind": "drop", "count": 1, "endpoint": "getsms"})
        with pytest.raises(EimsConnectionError):
            await client.get_sms_page()
        sim.state.add_fault({"kind": "status", "status": -1, "count": 1})
        assert (await client.get_sms_page()).messages == []
        assert [record.status for record in sim.state.requests[-2:]] == [-1, 0]
        assert len(set(seqs_received(sim))) == 3


async def test_seq_too_low_recovered_once(
    socket_enabled: None, session: aiohttp.ClientSession
) -> None:
    """Scenario 10: the gateway saw higher seqs (a restored store): one retry, above them."""
    async with run_simulator(key="k3y") as sim:
        sim.state.accounts["demo"].seqs.append(5000)
        client = make_client(session, sim, key="k3y", seq_source=MemorySeqSource(6))
        assert (await client.get_balance()).balance == Decimal("100.00")
        assert sim.state.accounts["demo"].seqs[-1] > 5000
        assert len(sim.state.requests) == 2
        wrong = make_client(
            session, sim, key="k3y", password="wrong", seq_source=MemorySeqSource()
        )
        with pytest.raises(EimsAuthError):
            await wrong.get_balance()
        # A wrong password costs one request more, never a loop.
        assert len(sim.state.requests) == 4
