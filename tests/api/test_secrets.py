"""No password, key or md5 token in any error text, chain, stats or log line."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
import logging
import traceback
from typing import Any
from urllib.parse import quote, quote_plus

import aiohttp
from aiohttp import web
import pytest
from yarl import URL

from custom_components.eims.api import EimsClient, EimsError, SendRequest
from custom_components.eims.api.auth import AuthParams, Credentials

from .conftest import KEY, PASSWORD, FakeGateway

# The fake gateway's own access log shows the URLs it received; it is not the client's.
SERVER_LOGGERS = ("aiohttp.access", "aiohttp.server", "aiohttp.web")


def chain(err: BaseException) -> Iterator[BaseException]:
    """Yield an exception and every cause and context behind it."""
    seen: set[int] = set()
    current: BaseException | None = err
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        if current.__cause__ is not None:
            yield from chain(current.__cause__)
        current = current.__context__


def leaks(text: str, secrets: list[str]) -> list[str]:
    """Return the secrets, in any encoding, that a text shows."""
    forms = {
        form
        for secret in secrets
        for form in (
            secret,
            quote(secret, safe=""),
            quote_plus(secret),
            URL.build(query={"x": secret}).raw_query_string[2:],
        )
    }
    return [form for form in forms if form in text]


def full_url(url: object, kwargs: dict[str, Any]) -> str:
    """Return the URL a request would have, query included, as aiohttp errors show it."""
    return str(URL(str(url)).with_query(kwargs.get("params") or {}))


def raising(factory: Callable[[str, str], BaseException]) -> Callable[..., Any]:
    """Return a session.request stand-in raising an error that quotes URL and body."""

    def request(method: str, url: object, **kwargs: Any) -> Any:
        body = kwargs.get("data", b"").decode()
        raise factory(full_url(url, kwargs), body)

    return request


def request_info(url: str) -> aiohttp.RequestInfo:
    return aiohttp.RequestInfo(URL(url), "GET", {}, URL(url))  # type: ignore[arg-type]


INJECTED: dict[str, Callable[[str, str], BaseException]] = {
    "invalid_url": lambda url, body: aiohttp.InvalidURL(f"{url} {body}"),
    "response_error": lambda url, body: aiohttp.ClientResponseError(
        request_info(url), (), status=500, message=body
    ),
    "payload_error": lambda url, body: aiohttp.ClientPayloadError(f"{url} {body}"),
    "connector_error": lambda url, body: aiohttp.ClientConnectorError(
        aiohttp.client_reqrep.ConnectionKey(
            "127.0.0.1", 1, False, True, None, None, None
        ),
        OSError(111, f"refused {url} {body}"),
    ),
}


async def stall(request: web.Request) -> web.Response:
    await asyncio.sleep(1)
    return web.json_response({"status": 0})


async def server_error(request: web.Request) -> web.Response:
    return web.Response(status=500, text=f"boom {request.url} {await request.text()}")


async def html_echo(request: web.Request) -> web.Response:
    return web.Response(
        text=f"<html>{request.url} {await request.text()}</html>",
        content_type="text/html",
    )


SERVED: dict[str, Callable[[web.Request], Any]] = {
    "timeout": stall,
    "http_500": server_error,
    "html": html_echo,
}


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
@pytest.mark.parametrize("use_get", [False, True], ids=["post", "get"])
@pytest.mark.parametrize("failure", ["refused", *INJECTED, *SERVED])
async def test_no_secret_in_errors_or_logs(
    gateway: FakeGateway,
    make_client: Callable[..., EimsClient],
    session: aiohttp.ClientSession,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    unused_tcp_port: int,
    encrypted: bool,
    use_get: bool,
    failure: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    options: dict[str, Any] = {"use_get": use_get, "request_timeout": 0.2}
    if encrypted:
        options["key"] = KEY
    if failure == "refused":
        options["port"] = unused_tcp_port
    client = make_client(**options)
    tokens: list[str] = []
    real_params = Credentials.params

    def recording_params(self: Credentials, clock: Callable[[], float]) -> AuthParams:
        params = real_params(self, clock)
        tokens.append(str(params["password"]))
        return params

    monkeypatch.setattr(Credentials, "params", recording_params)
    if failure in INJECTED:
        monkeypatch.setattr(session, "request", raising(INJECTED[failure]))
    for path in ("/sendsms", "/getbalance"):
        gateway.reply(path, SERVED.get(failure, server_error))

    secrets = [PASSWORD, KEY, *tokens]
    for call in (
        client.send_sms([SendRequest(["+8613800000000"], "hi")]),
        client.get_balance(),
    ):
        with pytest.raises(EimsError) as err:
            await call
        secrets = [PASSWORD, KEY, *tokens]
        for link in chain(err.value):
            assert not leaks(str(link), secrets), failure
            assert not leaks(repr(link), secrets), failure
        assert not leaks("".join(traceback.format_exception(err.value)), secrets)
    assert tokens
    assert not leaks(str(client.stats.last_error), secrets)
    client_side = [
        caplog.handler.format(record)
        for record in caplog.records
        if not record.name.startswith(SERVER_LOGGERS)
    ]
    assert not leaks("\n".join(client_side), secrets)
    assert not leaks(repr(client), secrets)
    if encrypted:
        assert PASSWORD not in "".join(request.raw_url for request in gateway.requests)
