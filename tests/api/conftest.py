"""Fixtures for the EIMS API client tests: a fake gateway served on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
import json
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer
import pytest

from custom_components.eims.api import EimsClient

FIXTURES = Path(__file__).parent / "fixtures"
ACCOUNT = "chenkc"
PASSWORD = "S3cr3t+p&ss=word"
KEY = "NegotiatedKey-42"

type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
type Reply = dict[str, Any] | str | bytes | Handler


def load_fixture(name: str) -> Any:
    """Return a JSON fixture, decoded."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def fixture_text(name: str) -> str:
    """Return a fixture file's text."""
    return (FIXTURES / name).read_text(encoding="utf-8")


@dataclass
class Recorded:
    """One request the fake gateway received."""

    method: str
    path: str
    query: dict[str, str]
    body: dict[str, Any] | None
    raw_url: str

    @property
    def fields(self) -> dict[str, Any]:
        """Return the request's fields, wherever they travelled."""
        return self.body if self.body is not None else self.query


@dataclass
class FakeGateway:
    """Replies queued per path; a path's last reply repeats once the queue is down to one."""

    server: TestServer
    replies: dict[str, list[Reply]] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)

    def reply(self, path: str, *replies: Reply) -> None:
        """Queue replies for a path."""
        self.replies.setdefault(path, []).extend(replies)

    def calls(self, path: str) -> list[Recorded]:
        """Return the requests made to a path."""
        return [request for request in self.requests if request.path == path]

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Record the request and answer with the next queued reply."""
        raw = await request.read()
        self.requests.append(
            Recorded(
                method=request.method,
                path=request.path,
                query=dict(request.query),
                body=json.loads(raw) if raw else None,
                raw_url=str(request.url),
            )
        )
        queue = self.replies.get(request.path)
        if not queue:
            return web.Response(status=404, text="no reply queued")
        reply = queue.pop(0) if len(queue) > 1 else queue[0]
        if callable(reply):
            return await reply(request)
        if isinstance(reply, dict):
            return web.json_response(reply)
        body = reply.encode() if isinstance(reply, str) else reply
        return web.Response(body=body, content_type="application/json")


@pytest.fixture
def auto_enable_custom_integrations() -> None:
    """Keep Home Assistant out of the client's tests: the client has no HA imports."""


@pytest.fixture
async def gateway(socket_enabled: None, aiohttp_server: Any) -> FakeGateway:
    """Serve a fake EIMS gateway on 127.0.0.1."""
    app = web.Application()
    holder: list[FakeGateway] = []

    async def handle(request: web.Request) -> web.StreamResponse:
        return await holder[0].handle(request)

    app.router.add_route("*", "/{path:.*}", handle)
    server = await aiohttp_server(app)
    holder.append(FakeGateway(server))
    return holder[0]


@pytest.fixture
async def session(socket_enabled: None) -> AsyncIterator[aiohttp.ClientSession]:
    """Yield an aiohttp session, closed after the test."""
    async with aiohttp.ClientSession() as client_session:
        yield client_session


@pytest.fixture
def make_client(
    gateway: FakeGateway, session: aiohttp.ClientSession
) -> Callable[..., EimsClient]:
    """Build clients against the fake gateway."""

    def build(**kwargs: Any) -> EimsClient:
        options: dict[str, Any] = {
            "account": ACCOUNT,
            "password": PASSWORD,
            "port": gateway.server.port,
        }
        options.update(kwargs)
        return EimsClient(session, "127.0.0.1", **options)

    return build


@pytest.fixture
def client(make_client: Callable[..., EimsClient]) -> EimsClient:
    """Return a plain-password client using POST."""
    return make_client()
