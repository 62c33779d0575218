"""The gateway simulator on a thread of its own, so its work never runs on the measured loop."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
import concurrent.futures
import threading
from typing import Any

from simulator.testing import RunningSimulator, run_simulator


class SimulatorThread:
    """Serve `run_simulator` (ticker off) from a daemon thread with its own event loop."""

    def __init__(self, **account_options: Any) -> None:
        """Remember the demo account's options; `start` serves it."""
        self._options = account_options
        self._loop = asyncio.new_event_loop()
        self._ready: concurrent.futures.Future[RunningSimulator] = (
            concurrent.futures.Future()
        )
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="simulator", daemon=True
        )

    def start(self) -> RunningSimulator:
        """Start serving on 127.0.0.1 and return the running simulator."""
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._serve(), self._loop)
        return self._ready.result(timeout=30)

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        try:
            async with run_simulator(tick_seconds=None, **self._options) as sim:
                self._ready.set_result(sim)
                await self._stop.wait()
        except Exception as err:
            if not self._ready.done():
                self._ready.set_exception(err)
            raise

    def stop(self) -> None:
        """Stop serving and end the thread."""
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=30)

    async def call[T](self, func: Callable[[], T]) -> T:
        """Run `func` on the simulator's loop (its state is not thread-safe) and return its result."""

        async def run() -> T:
            return func()

        return await asyncio.wrap_future(
            asyncio.run_coroutine_threadsafe(run(), self._loop)
        )


class RequestLog:
    """Counts of the gateway requests the simulator recorded after a mark."""

    def __init__(self, sim: RunningSimulator) -> None:
        """Start counting from now."""
        self._sim = sim
        self._mark = len(sim.state.requests)

    def counts(self) -> Counter[str]:
        """Return requests per endpoint since the mark."""
        return Counter(
            record.endpoint for record in self._sim.state.requests[self._mark :]
        )
