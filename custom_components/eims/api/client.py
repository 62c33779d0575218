"""Async client for the EIMS SMS gateway's HTTP API: one method per endpoint."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import UTC, tzinfo
from functools import partial
from typing import Final, Self

import aiohttp
from yarl import URL

from .auth import Credentials, MemorySeqSource, SeqSource
from .batching import plan_report_batches, plan_send_batches
from .exceptions import EimsError, EimsPartialSendError, EimsValidationError
from .jobs import SmsJob
from .models import (
    Accepted,
    Balance,
    ClientStats,
    ReportCounters,
    ReportResult,
    ReportRow,
    SendRequest,
    SendResult,
    SmsPage,
    UnreadableReport,
)
from .parsers import (
    add_counters,
    parse_balance,
    parse_job_reply,
    parse_report_reply,
    parse_send_reply,
    parse_sms_reply,
)
from .transport import Transport

DEFAULT_PORT: Final = 20003


class EimsClient:
    """
    Client for one EIMS account.

    With a session, the session is the caller's; with None, the client opens its own on
    first use and closes it in `close` (or at the end of `async with EimsClient(...)`).
    """

    def __init__(
        self,
        session: aiohttp.ClientSession | None,
        host: str,
        *,
        account: str,
        password: str,
        port: int = DEFAULT_PORT,
        use_https: bool = False,
        verify_ssl: bool = True,
        key: str | None = None,
        seq_source: SeqSource | None = None,
        request_timeout: float = 10.0,
        time_zone: tzinfo = UTC,
        use_get: bool = False,
    ) -> None:
        """Set up the client; `key` switches to md5-signed passwords with `seq_source`."""
        try:
            self._base = URL.build(
                scheme="https" if use_https else "http", host=host, port=port
            )
        except TypeError, ValueError:
            raise EimsValidationError("host", "invalid_host", host) from None
        self._credentials = Credentials(
            account, password, key or None, seq_source or MemorySeqSource()
        )
        self._time_zone = time_zone
        self._use_get = use_get
        self.stats = ClientStats()
        self._transport = Transport(
            session,
            self._base,
            self._credentials,
            verify_ssl=verify_ssl,
            timeout=request_timeout,
            stats=self.stats,
        )

    async def __aenter__(self) -> Self:
        """Use the client; its own session (if any) closes on exit."""
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Close the client's own session."""
        await self.close()

    async def close(self) -> None:
        """Close the session the client opened; a caller's session is left open."""
        await self._transport.close()

    def __repr__(self) -> str:
        """Show the gateway and account, never the secrets."""
        return f"EimsClient({self.base_url!r}, account={self._credentials.account!r})"

    @property
    def base_url(self) -> str:
        """Return scheme://host:port of the gateway, without credentials."""
        return str(self._base)

    @property
    def time_zone(self) -> tzinfo:
        """Return the zone the gateway's local times are read and written in."""
        return self._time_zone

    async def get_balance(self) -> Balance:
        """Return the account's balance and gift balance."""
        return await self._transport.call(
            "GET", "/getbalance", {}, parse_balance, repeatable=True
        )

    async def send_sms(
        self,
        requests: Sequence[SendRequest],
        on_accepted: Callable[[Accepted], None] | None = None,
    ) -> SendResult:
        """
        Send messages, never retried; each number goes out once per call.

        Numbers are validated and split into requests of at most 10000 (POST) or
        100 (GET). `on_accepted` gets each request's accepted messages as soon as its
        reply is read. When a request fails after others were accepted, the error is
        EimsPartialSendError: what was accepted, and the request's error as its cause.
        """
        # In the loop's executor: checking 100,000 numbers would hold the loop for ~0.1 s.
        batches = await asyncio.get_running_loop().run_in_executor(
            None, partial(plan_send_batches, requests, use_get=self._use_get)
        )
        method = "GET" if self._use_get else "POST"
        result = SendResult()
        for batch in batches:
            try:
                reply = await self._transport.call(
                    method,
                    "/sendsms",
                    batch.fields(),
                    partial(parse_send_reply, sent=batch.numbers),
                    flat_pairs=True,
                )
            except EimsError as err:
                if result.requests:
                    raise EimsPartialSendError(result, err) from err
                raise
            result.success += reply.success
            result.fail += reply.fail
            result.accepted.update(reply.accepted)
            result.failed.extend(reply.failed)
            result.requests += 1
            if on_accepted is not None:
                on_accepted(reply.accepted)
            # A reply of 10,000 read and handed on is one loop step; the next request another.
            await asyncio.sleep(0)
        return result

    async def get_reports(self, ids: Sequence[int]) -> ReportResult:
        """Return the send and delivery reports of message ids, 200 per request."""
        rows: list[ReportRow] = []
        unreadable: list[UnreadableReport] = []
        counters = ReportCounters()
        batches = plan_report_batches(ids)
        for batch in batches:
            batch_rows, batch_unreadable, batch_counters = await self._transport.call(
                "GET",
                "/getreport",
                {"ids": ",".join(map(str, batch))},
                lambda data: parse_report_reply(data, self._time_zone),
                repeatable=True,
            )
            rows.extend(batch_rows)
            unreadable.extend(batch_unreadable)
            counters = add_counters(counters, batch_counters)
        return ReportResult(
            rows=rows, counters=counters, requests=len(batches), unreadable=unreadable
        )

    async def get_sms_page(self, start_time: int | None = None) -> SmsPage:
        """
        Fetch one page (up to 50) of received SMS; the gateway forgets what it returns.

        No row is lost to a malformed neighbour: see `parse_sms_reply`.
        """
        fields = {} if start_time is None else {"start_time": start_time}
        return await self._transport.call(
            "GET",
            "/getsms",
            fields,
            lambda data: parse_sms_reply(data, self._time_zone),
        )

    async def create_job(self, job: SmsJob) -> int:
        """Validate and create an SMS job; return its job id."""
        return await self._transport.call(
            "POST", "/smsjob", job.to_body(), parse_job_reply, allow_empty_status=True
        )
