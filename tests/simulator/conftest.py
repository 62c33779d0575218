"""Fixtures: a simulator on 127.0.0.1 with a manual clock, and a raw aiohttp client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC
import hashlib
from typing import Any

import aiohttp
import pytest

from simulator.clock import ManualClock
from simulator.testing import RunningSimulator, run_simulator

START = 1_767_225_600  # 2026-01-01 00:00:00 UTC, the ManualClock's default
START_STAMP = 20260101000000


def md5_password(account: str, password: str, seq: int, stamp: int, key: str) -> str:
    """Return the encrypted-mode password token."""
    token = f"{account}{password}{seq}{stamp}{key}".encode()
    return hashlib.md5(token, usedforsecurity=False).hexdigest()


class Client:
    """Raw HTTP calls to the simulator's gateway and control API."""

    def __init__(self, session: aiohttp.ClientSession, sim: RunningSimulator) -> None:
        self.session = session
        self.sim = sim
        self.auth = {"account": "demo", "password": "demo"}

    async def get(self, endpoint: str, **params: Any) -> dict[str, Any]:
        """GET a gateway endpoint with the demo credentials unless given."""
        query = {k: str(v) for k, v in (self.auth | params).items() if v is not None}
        async with self.session.get(f"{self.sim.url}/{endpoint}", params=query) as resp:
            assert resp.status == 200
            reply: dict[str, Any] = await resp.json(content_type=None)
            return reply

    async def post(self, endpoint: str, **body: Any) -> dict[str, Any]:
        """POST a JSON body to a gateway endpoint with the demo credentials unless given."""
        payload = {k: v for k, v in (self.auth | body).items() if v is not None}
        async with self.session.post(
            f"{self.sim.url}/{endpoint}", json=payload
        ) as resp:
            assert resp.status == 200
            reply: dict[str, Any] = await resp.json(content_type=None)
            return reply

    async def ctl(
        self, method: str, path: str, body: Any = None, *, expect: int = 200
    ) -> Any:
        """Call the control API and return its JSON."""
        async with self.session.request(
            method, f"{self.sim.control_url}/{path}", json=body
        ) as resp:
            assert resp.status == expect, await resp.text()
            return await resp.json()

    async def send(
        self, numbers: str, content: str = "hello", **extra: Any
    ) -> list[int]:
        """Send by GET and return the message ids."""
        reply = await self.get("sendsms", numbers=numbers, content=content, **extra)
        assert reply["status"] == 0, reply
        return [row[1] for row in reply["array"]]

    async def report(self, ids: list[int]) -> dict[str, Any]:
        """Return getreport's reply for `ids`."""
        return await self.get("getreport", ids=",".join(map(str, ids)))


@pytest.fixture
def clock() -> ManualClock:
    """A clock the tests move by hand."""
    return ManualClock(START)


@pytest.fixture
def account_options() -> dict[str, Any]:
    """Options of the demo account; modules and tests override this fixture."""
    return {"step_seconds": 0}


@pytest.fixture
async def sim(
    socket_enabled: None, clock: ManualClock, account_options: dict[str, Any]
) -> AsyncIterator[RunningSimulator]:
    """A simulator without its background ticker: time moves through the control API."""
    async with run_simulator(
        clock=clock, tz=UTC, tick_seconds=None, **account_options
    ) as running:
        yield running


@pytest.fixture
async def client(socket_enabled: None, sim: RunningSimulator) -> AsyncIterator[Client]:
    """A raw aiohttp client for `sim`."""
    async with aiohttp.ClientSession() as session:
        yield Client(session, sim)
