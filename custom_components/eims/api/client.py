"""Async client for the EIMS SMS gateway's HTTP API."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
import contextlib
from contextlib import AbstractAsyncContextManager
from datetime import UTC, tzinfo
from functools import partial
import json
import logging
import time
from typing import Any, Final, Self

import aiohttp
from aiohttp import (
    ClientHandlerType,
    ClientMiddlewareType,
    ClientRequest,
    ClientResponse,
)
from yarl import URL

from .auth import Credentials, MemorySeqSource, SeqSource, redact
from .batching import SendBatch, plan_report_batches, plan_send_batches
from .exceptions import (
    EimsAuthError,
    EimsCannotConnectError,
    EimsConnectionError,
    EimsError,
    EimsHttpError,
    EimsPartialSendError,
    EimsTimeoutError,
    EimsValidationError,
)
from .jobs import SmsJob
from .models import (
    Balance,
    ClientStats,
    ReportCounters,
    ReportResult,
    ReportRow,
    SendRequest,
    SendResult,
    SentMessage,
    SmsPage,
    UnreadableReport,
)
from .parsers import (
    Reply,
    add_counters,
    decode_reply,
    parse_balance,
    parse_job_reply,
    parse_report_reply,
    parse_send_reply,
    parse_sms_reply,
)

# The library's own name: it could be published as a package of its own.
_LOGGER = logging.getLogger("eims_client")

DEFAULT_PORT: Final = 20003
_JSON_HEADERS: Final = {"Content-Type": "application/json;charset=utf-8"}


class _RetransmissionRefused(aiohttp.ClientError):
    """aiohttp was about to transmit a request again after its connection dropped."""


def _transmit_once() -> ClientMiddlewareType:
    """Return a middleware that lets its request out once: aiohttp's retries are refused."""
    sent = False

    async def middleware(
        request: ClientRequest, handler: ClientHandlerType
    ) -> ClientResponse:
        nonlocal sent
        if sent:
            raise _RetransmissionRefused
        sent = True
        return await handler(request)

    return middleware


def _send_item(item: SendRequest) -> dict[str, str | int]:
    """Return the sendsms fields of one request."""
    fields: dict[str, str | int] = {
        "numbers": ",".join(item.numbers),
        "content": item.content,
        "smstype": int(item.sms_type),
    }
    optional = {
        "mmstitle": item.mms_title,
        "sender": item.sender,
        "sendtime": item.send_time,
    }
    fields.update({key: value for key, value in optional.items() if value is not None})
    return fields


def _send_fields(batch: SendBatch) -> dict[str, Any]:
    """Return the sendsms fields of one batch, in the `smsarray` form when it holds several."""
    if batch.as_array:
        return {"smsarray": [_send_item(item) for item in batch.items]}
    return dict(_send_item(batch.items[0]))


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
        self._session = session
        self._owns_session = session is None
        self._credentials = Credentials(
            account, password, key or None, seq_source or MemorySeqSource()
        )
        self._ssl = verify_ssl
        self._timeout = request_timeout
        self._time_zone = time_zone
        self._use_get = use_get
        self.stats = ClientStats()

    async def __aenter__(self) -> Self:
        """Use the client; its own session (if any) closes on exit."""
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Close the client's own session."""
        await self.close()

    async def close(self) -> None:
        """Close the session the client opened; a caller's session is left open."""
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return self._session

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

    async def _transfer(
        self, method: str, path: str, fields: Mapping[str, Any], *, repeatable: bool
    ) -> bytes:
        """
        Send one request and return the body of a 2xx reply.

        No request is ever transmitted twice (aiohttp would repeat a GET whose connection
        dropped, same seq and all). Only a failed TCP connect (nothing written) is retried,
        and, when `repeatable` (a read that changes nothing), a connection that dropped
        before the reply; each retry is signed anew. aiohttp's error texts may hold the
        URL, so they are redacted and never chained.
        """
        url = self._base.with_path(path)
        may_retry = True
        while True:
            auth = self._credentials.params(time.time)
            secrets = self._credentials.secrets(auth)
            payload = {**auth, **fields}
            if method == "GET":
                options: dict[str, Any] = {
                    "params": {key: str(value) for key, value in payload.items()}
                }
            else:
                body = json.dumps(payload, ensure_ascii=False).encode()
                options = {"data": body, "headers": _JSON_HEADERS}
            self.stats.requests += 1
            failure: EimsError
            try:
                async with asyncio.timeout(self._timeout):
                    # Replaces the session's middlewares for this request: redirects are
                    # never followed, which is all Home Assistant's guard there.
                    async with self._get_session().request(
                        method,
                        url,
                        ssl=self._ssl,
                        allow_redirects=False,
                        middlewares=(_transmit_once(),),
                        **options,
                    ) as response:
                        reply = await response.read()
            except (aiohttp.ClientConnectorError, _RetransmissionRefused) as err:
                message = redact(f"{type(err).__name__}: {err}", secrets)
                connected = isinstance(err, _RetransmissionRefused)
                if may_retry and (repeatable or not connected):
                    _LOGGER.debug("%s %s: %s; retrying once", method, path, message)
                    may_retry = False
                    continue
                if connected:
                    failure = EimsConnectionError(
                        f"Connection for {path} dropped before the reply"
                    )
                else:
                    failure = EimsCannotConnectError(
                        f"Cannot connect for {path}: {message}"
                    )
            except TimeoutError:
                failure = EimsTimeoutError(
                    f"No reply for {path} within {self._timeout} s"
                )
            except aiohttp.ClientError as err:
                message = redact(f"{type(err).__name__}: {err}", secrets)
                failure = EimsConnectionError(f"Request for {path} failed: {message}")
            else:
                _LOGGER.debug("%s %s: HTTP %s", method, path, response.status)
                if not 200 <= response.status < 300:
                    raise EimsHttpError(response.status, path)
                return reply
            # Raised outside the except clauses so no aiohttp error rides along as context.
            raise failure

    async def _exchange(
        self,
        method: str,
        path: str,
        fields: Mapping[str, Any],
        *,
        repeatable: bool,
        allow_empty_status: bool,
    ) -> Reply:
        """
        Make one request and decode its reply; in encrypted mode, never refuse a right password.

        The gateway answers -1 to a seq it has seen (an earlier request it took after its
        connection dropped, a restored backup of the seq store, another client): the request
        is signed once more above any counter before the refusal counts. Nothing was done
        for a -1, so asking again never sends anything twice.
        """
        body = await self._transfer(method, path, fields, repeatable=repeatable)
        try:
            return decode_reply(body, allow_empty_status=allow_empty_status)
        except EimsAuthError:
            if not self._credentials.encrypted:
                raise
        _LOGGER.debug("%s %s: refused; asking once more with a fresh seq", method, path)
        self._credentials.seq_source.skip_to(int(time.time()))
        body = await self._transfer(method, path, fields, repeatable=repeatable)
        return decode_reply(body, allow_empty_status=allow_empty_status)

    async def _call[T](
        self,
        method: str,
        path: str,
        fields: Mapping[str, Any],
        parse: Callable[[Reply], T],
        *,
        repeatable: bool = False,
        allow_empty_status: bool = False,
    ) -> T:
        """Make one API call and parse its reply, counting failures in `stats`."""
        try:
            async with self._turn():
                reply = await self._exchange(
                    method,
                    path,
                    fields,
                    repeatable=repeatable,
                    allow_empty_status=allow_empty_status,
                )
            return parse(reply)
        except EimsError as err:
            self.stats.errors += 1
            self.stats.last_error = f"{type(err).__name__}: {err}"
            _LOGGER.debug("%s %s failed: %s", method, path, self.stats.last_error)
            raise

    def _turn(self) -> AbstractAsyncContextManager[object]:
        """Wait for the account's turn when signing: one signed request in flight at a time."""
        if self._credentials.encrypted:
            return self._credentials.seq_source.lock
        return contextlib.nullcontext()

    async def get_balance(self) -> Balance:
        """Return the account's balance and gift balance."""
        return await self._call(
            "GET", "/getbalance", {}, parse_balance, repeatable=True
        )

    async def send_sms(
        self,
        requests: Sequence[SendRequest],
        on_accepted: Callable[[Sequence[SentMessage]], None] | None = None,
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
                reply = await self._call(
                    method,
                    "/sendsms",
                    _send_fields(batch),
                    partial(parse_send_reply, sent=batch.numbers),
                )
            except EimsError as err:
                if result.requests:
                    raise EimsPartialSendError(result, err) from err
                raise
            result.success += reply.success
            result.fail += reply.fail
            result.messages.extend(reply.messages)
            result.failed.extend(reply.failed)
            result.requests += 1
            if on_accepted is not None:
                on_accepted(reply.messages)
        return result

    async def get_reports(self, ids: Sequence[int]) -> ReportResult:
        """Return the send and delivery reports of message ids, 200 per request."""
        rows: list[ReportRow] = []
        unreadable: list[UnreadableReport] = []
        counters = ReportCounters()
        batches = plan_report_batches(ids)
        for batch in batches:
            batch_rows, batch_unreadable, batch_counters = await self._call(
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
        return await self._call(
            "GET",
            "/getsms",
            fields,
            lambda data: parse_sms_reply(data, self._time_zone),
        )

    async def create_job(self, job: SmsJob) -> int:
        """Validate and create an SMS job; return its job id."""
        return await self._call(
            "POST", "/smsjob", job.to_body(), parse_job_reply, allow_empty_status=True
        )
