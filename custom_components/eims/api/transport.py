"""
One request to the gateway: signed, transmitted once, its reply decoded, failures counted.

Everything here stands between an endpoint of the client and the wire: the session (the
caller's or the transport's own), the account's turn for signed requests, the one retry
that cannot send twice, and the mapping of transport failures to the library's errors.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
import contextlib
from contextlib import AbstractAsyncContextManager
import json
import logging
import time
from typing import Any, Final

import aiohttp
from aiohttp import (
    ClientHandlerType,
    ClientMiddlewareType,
    ClientRequest,
    ClientResponse,
)
from yarl import URL

from .auth import Credentials, redact
from .exceptions import (
    EimsAuthError,
    EimsCannotConnectError,
    EimsConnectionError,
    EimsError,
    EimsHttpError,
    EimsTimeoutError,
)
from .models import ClientStats
from .parsers import Reply, decode_reply

# The library's own name: it could be published as a package of its own.
_LOGGER = logging.getLogger("eims_client")

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


class Transport:
    """
    The requests of one account to one gateway.

    With a session, the session is the caller's; with None, the transport opens its own on
    first use and closes it in `close`.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession | None,
        base: URL,
        credentials: Credentials,
        *,
        verify_ssl: bool,
        timeout: float,
        stats: ClientStats,
    ) -> None:
        """Send to `base` as `credentials`, counting requests and errors in `stats`."""
        self._session = session
        self._owns_session = session is None
        self._base = base
        self._credentials = credentials
        self._ssl = verify_ssl
        self._timeout = timeout
        self._stats = stats

    async def close(self) -> None:
        """Close the session the transport opened; a caller's session is left open."""
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return self._session

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
            self._stats.requests += 1
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
        flat_pairs: bool,
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
            return decode_reply(
                body, allow_empty_status=allow_empty_status, flat_pairs=flat_pairs
            )
        except EimsAuthError:
            if not self._credentials.encrypted:
                raise
        _LOGGER.debug("%s %s: refused; asking once more with a fresh seq", method, path)
        self._credentials.seq_source.skip_to(int(time.time()))
        body = await self._transfer(method, path, fields, repeatable=repeatable)
        return decode_reply(
            body, allow_empty_status=allow_empty_status, flat_pairs=flat_pairs
        )

    async def call[T](
        self,
        method: str,
        path: str,
        fields: Mapping[str, Any],
        parse: Callable[[Reply], T],
        *,
        repeatable: bool = False,
        allow_empty_status: bool = False,
        flat_pairs: bool = False,
    ) -> T:
        """Make one API call and parse its reply, counting failures in the stats."""
        try:
            async with self._turn():
                reply = await self._exchange(
                    method,
                    path,
                    fields,
                    repeatable=repeatable,
                    allow_empty_status=allow_empty_status,
                    flat_pairs=flat_pairs,
                )
            return parse(reply)
        except EimsError as err:
            self._stats.errors += 1
            self._stats.last_error = f"{type(err).__name__}: {err}"
            _LOGGER.debug("%s %s failed: %s", method, path, self._stats.last_error)
            raise

    def _turn(self) -> AbstractAsyncContextManager[object]:
        """Wait for the account's turn when signing: one signed request in flight at a time."""
        if self._credentials.encrypted:
            return self._credentials.seq_source.lock
        return contextlib.nullcontext()
