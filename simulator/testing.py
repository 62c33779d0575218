"""Run the simulator inside a test on an ephemeral 127.0.0.1 port."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable
import contextlib
from dataclasses import dataclass
from datetime import tzinfo
import time
from typing import Any

from aiohttp import web

from .accounts import Account, demo_account
from .app import create_app
from .state import GatewayState

HOST = "127.0.0.1"


@dataclass(frozen=True, slots=True)
class RunningSimulator:
    """A simulator serving on 127.0.0.1; `state` may be read and changed directly."""

    host: str
    port: int
    state: GatewayState

    @property
    def url(self) -> str:
        """The gateway's base URL."""
        return f"http://{self.host}:{self.port}"

    @property
    def control_url(self) -> str:
        """The control API's base URL."""
        return f"{self.url}/_sim"


@contextlib.asynccontextmanager
async def run_simulator(
    *,
    account: str = "demo",
    clock: Callable[[], float] = time.time,
    tz: tzinfo | None = None,
    tick_seconds: float | None = 0.05,
    extra_accounts: Iterable[Account] = (),
    **account_options: Any,
) -> AsyncIterator[RunningSimulator]:
    """Serve one account (the demo one, changed by `account_options`) plus `extra_accounts`."""
    state = GatewayState(
        [demo_account(account, **account_options), *extra_accounts], clock=clock, tz=tz
    )
    runner = web.AppRunner(
        create_app(state, tick_seconds=tick_seconds), access_log=None
    )
    await runner.setup()
    try:
        site = web.TCPSite(runner, HOST, 0)
        await site.start()
        port = runner.addresses[0][1]
        yield RunningSimulator(HOST, port, state)
    finally:
        # A reply still held at a gate would keep the cleanup waiting for its handler.
        state.clear_faults()
        await runner.cleanup()
