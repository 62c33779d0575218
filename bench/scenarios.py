"""The scenarios: each does one piece of the integration's work against the simulator and measures it."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
import contextlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
import gc
import math
import time
import tracemalloc
from typing import Any
from unittest.mock import patch

from homeassistant.core import Context, Event, callback
from homeassistant.helpers import trigger as trigger_helper
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util

from custom_components.eims.account.receive import EVENT_SMS_RECEIVED
from custom_components.eims.api import Accepted
from custom_components.eims.const import BALANCE_INTERVAL, DOMAIN, UPDATE_INTERVAL
from custom_components.eims.entry import EimsConfigEntry
from custom_components.eims.services import SERVICE_SEND_SMS

from .gateway import Gateway
from .home import Home, async_add_entry, async_remove_entry, runtime_of
from .probe import LoopProbe, LoopReport
from .sizes import tracker_bytes

SEND_LIMIT = 10_000
REPORT_LIMIT = 200
SMS_PAGE = 50
DAY = timedelta(days=1)
# A safety stop: the tracker polls a big backlog in turns, never this many.
MAX_POLL_CYCLES = 100


def number(index: int) -> str:
    """Return the index-th of a run of valid Chinese mobile numbers."""
    return f"+86138{index:08d}"


@dataclass(slots=True)
class Result:
    """One row of the table."""

    name: str
    counted: str
    requests: int
    minimum: int
    naive: int
    wall: float
    loop: LoopReport
    tracker_bytes: int | None
    other: Counter[str] = field(default_factory=Counter)
    note: str = ""

    @property
    def ratio(self) -> float:
        """Return requests made per request the spec requires (0 of 0 is 1)."""
        if self.minimum:
            return self.requests / self.minimum
        return 1.0 if self.requests == 0 else math.inf

    @property
    def naive_ratio(self) -> float:
        """Return how many times the naive way's requests exceed the minimum."""
        return self.naive / self.minimum if self.minimum else math.inf


@dataclass(slots=True)
class Window:
    """What one measured stretch of work cost."""

    counts: Counter[str] = field(default_factory=Counter)
    wall: float = 0.0
    loop: LoopReport = field(default_factory=LoopReport)


@dataclass(slots=True)
class MemoryResult:
    """What the tracker retains for pending messages, measured with tracemalloc."""

    messages: int
    retained: int

    @property
    def per_message(self) -> float:
        """Return bytes per pending message."""
        return self.retained / self.messages


class Bench:
    """The running pieces every scenario uses: Home Assistant, the simulator, the probe."""

    def __init__(self, home: Home, gateway: Gateway) -> None:
        """Bind the bench to a running Home Assistant and simulator."""
        self.home = home
        self.hass = home.hass
        self.gateway = gateway

    @contextlib.asynccontextmanager
    async def window(self) -> AsyncIterator[Window]:
        """Measure the block: gateway requests, wall time and the event loop."""
        window = Window()
        mark = len(await self.gateway.requests())
        with LoopProbe() as probe:
            # Awaits close the steps around the work, so the probe times all of it and only it.
            await asyncio.sleep(0)
            start = time.perf_counter()
            yield window
            window.wall = time.perf_counter() - start
            await asyncio.sleep(0)
        window.loop = probe.report
        window.counts = await self.gateway.requests_since(mark)

    async def messages(self, count: int) -> Accepted:
        """Return `count` of the messages the gateway accepted, all final; send more first when needed."""
        accepted = await self.gateway.accepted()
        if (missing := count - len(accepted)) > 0:
            entry = await async_add_entry(self.hass, self.gateway.port)
            await self.service_send(entry, [number(i) for i in range(missing)])
            await async_remove_entry(self.hass, entry)
            accepted = await self.gateway.accepted()
        await self.gateway.control(
            "POST", "/messages/advance", {"steps": "final", "force": True}
        )
        return {i: accepted[i] for i in sorted(accepted)[:count]}

    async def service_send(self, entry: EimsConfigEntry, numbers: list[str]) -> None:
        """Send through the integration's action, as an automation does (no response kept)."""
        await self.hass.services.async_call(
            DOMAIN,
            SERVICE_SEND_SMS,
            {"config_entry_id": entry.entry_id, "numbers": numbers, "message": "bench"},
            blocking=True,
        )
        await self.hass.async_block_till_done()


def _split(counts: Counter[str], counted: str) -> tuple[int, Counter[str]]:
    """Return the counted endpoint's requests and the others'."""
    other = Counter(counts)
    return other.pop(counted, 0), other


async def send(bench: Bench, count: int) -> Result:
    """Send one text to `count` numbers through the send_sms action."""
    entry = await async_add_entry(bench.hass, bench.gateway.port)
    numbers = [number(i) for i in range(count)]
    async with bench.window() as window:
        await bench.service_send(entry, numbers)
    tracker = runtime_of(entry).account.tracker
    if tracker.pending_count != count:
        raise RuntimeError(f"the tracker follows {tracker.pending_count} of {count}")
    size = tracker_bytes(tracker)
    await async_remove_entry(bench.hass, entry)
    requests, other = _split(window.counts, "sendsms")
    return Result(
        name=f"send to {count:,} number{'s' if count > 1 else ''}",
        counted="sendsms",
        requests=requests,
        minimum=math.ceil(count / SEND_LIMIT),
        naive=count,
        wall=window.wall,
        loop=window.loop,
        tracker_bytes=size,
        other=other,
    )


async def poll(bench: Bench, count: int) -> Result:
    """Poll the delivery reports of `count` pending messages until each was asked about."""
    messages = await bench.messages(count) if count else {}
    entry = await async_add_entry(bench.hass, bench.gateway.port)
    tracker = runtime_of(entry).account.tracker
    tracker.async_track(messages, "bench")
    size = tracker_bytes(tracker)
    cycles = 0
    async with bench.window() as window:
        while cycles == 0 or (tracker.pending_count and cycles < MAX_POLL_CYCLES):
            await tracker.async_poll()
            cycles += 1
    if tracker.pending_count:
        raise RuntimeError(f"{tracker.pending_count} messages still pending")
    await async_remove_entry(bench.hass, entry)
    requests, other = _split(window.counts, "getreport")
    return Result(
        name=f"poll {count:,} pending ids",
        counted="getreport",
        requests=requests,
        minimum=math.ceil(count / REPORT_LIMIT),
        naive=count,
        wall=window.wall,
        loop=window.loop,
        tracker_bytes=size,
        other=other,
        note=f"{cycles} poll cycle{'s' if cycles > 1 else ''}",
    )


async def inbound(bench: Bench, count: int) -> Result:
    """Fetch `count` waiting SMS in one coordinator cycle; each must be announced once."""
    entry = await async_add_entry(bench.hass, bench.gateway.port)
    for i in range(count):
        await bench.gateway.add_inbound(number(i), f"sms {i}")
    announced: list[int] = []

    @callback
    def received(event: Event) -> None:
        announced.append(event.data["id"])

    unsubscribe = bench.hass.bus.async_listen(EVENT_SMS_RECEIVED, received)
    async with bench.window() as window:
        await runtime_of(entry).messages.async_refresh()
        await bench.hass.async_block_till_done()
    unsubscribe()
    if len(announced) != count or len(set(announced)) != count:
        raise RuntimeError(f"{len(set(announced))} of {count} SMS announced")
    await async_remove_entry(bench.hass, entry)
    requests, other = _split(window.counts, "getsms")
    # Pages of 50 until a short one: a multiple of 50 ends on an empty page.
    minimum = count // SMS_PAGE + 1
    return Result(
        name=f"{count:,} inbound SMS waiting",
        counted="getsms",
        requests=requests,
        minimum=minimum,
        naive=minimum,
        wall=window.wall,
        loop=window.loop,
        tracker_bytes=None,
        other=other,
        note="naive: one page per 30-s poll",
    )


async def hostile_sms(bench: Bench, pattern: str, length: int) -> Result:
    """One SMS of `length` "a" and a "!" against a pattern that backtracks on it; it must not match."""
    entry = await async_add_entry(bench.hass, bench.gateway.port)
    config = await trigger_helper.async_validate_trigger_config(
        bench.hass, [{"platform": "eims.sms_received", "options": {"pattern": pattern}}]
    )
    runs: list[str] = []

    @callback
    def action(variables: dict[str, Any], context: Context | None = None) -> None:
        runs.append(variables["trigger"]["text"])

    remove = await trigger_helper.async_initialize_triggers(
        bench.hass, config, action, DOMAIN, "bench", lambda *args, **kwargs: None
    )
    if remove is None:
        raise RuntimeError("the trigger did not attach")
    await bench.gateway.add_inbound(number(0), "a" * length + "!")
    async with bench.window() as window:
        await runtime_of(entry).messages.async_refresh()
        await bench.hass.async_block_till_done()
    remove()
    await async_remove_entry(bench.hass, entry)
    if runs:
        raise RuntimeError(f"the pattern {pattern} matched {runs}")
    requests, other = _split(window.counts, "getsms")
    return Result(
        name=f"hostile SMS ({length} a + !) vs {pattern}",
        counted="getsms",
        requests=requests,
        minimum=1,
        naive=1,
        wall=window.wall,
        loop=window.loop,
        tracker_bytes=None,
        other=other,
    )


async def pushes(bench: Bench, count: int) -> Result:
    """Let the gateway push `count` final reports to the webhook; nothing is polled."""
    entry = await async_add_entry(bench.hass, bench.gateway.port)
    before = await bench.gateway.accepted()
    await bench.service_send(entry, [number(i) for i in range(count)])
    ids = [i for i in await bench.gateway.accepted() if i not in before]
    if len(ids) != count:
        raise RuntimeError(f"the gateway accepted {len(ids)} of {count}")
    tracker = runtime_of(entry).account.tracker
    size = tracker_bytes(tracker)
    await bench.gateway.set_demo(push_url=bench.home.webhook_url(entry))
    first_push = len(await bench.gateway.pushes())
    async with bench.window() as window:
        # The simulator pushes what became final before it answers.
        await bench.gateway.control(
            "POST", "/messages/advance", {"ids": ids, "steps": "final"}
        )
        await bench.hass.async_block_till_done()
    await bench.gateway.set_demo(push_url=None)
    puts = (await bench.gateway.pushes())[first_push:]
    if tracker.pending_count or any(put["http_status"] != 200 for put in puts):
        raise RuntimeError(
            f"{tracker.pending_count} pending after {len(puts)} pushes: "
            f"{Counter(put['http_status'] for put in puts)}"
        )
    await async_remove_entry(bench.hass, entry)
    return Result(
        name=f"{count:,} reports pushed",
        counted="any",
        requests=sum(window.counts.values()),
        minimum=0,
        naive=count,
        wall=window.wall,
        loop=window.loop,
        tracker_bytes=size,
        note=f"in {len(puts)} PUTs",
    )


class _Clock:
    """A stand-in for dt_util.utcnow that moves only when told to."""

    def __init__(self) -> None:
        self.now = dt_util.utcnow()

    def __call__(self) -> datetime:
        return self.now


async def idle_day(bench: Bench) -> Result:
    """Run a day of 30-s messages cycles and 30-min balance polls, on a simulated clock."""
    entry = await async_add_entry(bench.hass, bench.gateway.port)
    runtime = runtime_of(entry)
    clock = _Clock()
    cycles = int(DAY / UPDATE_INTERVAL)
    balance_every = int(BALANCE_INTERVAL / UPDATE_INTERVAL)
    with patch.object(dt_util, "utcnow", clock):
        async with bench.window() as window:
            for cycle in range(1, cycles + 1):
                clock.now += UPDATE_INTERVAL
                due: list[DataUpdateCoordinator[Any]] = [runtime.messages]
                if cycle % balance_every == 0:
                    due.append(runtime.balance)
                for coordinator in due:
                    await coordinator.async_refresh()
                    if not coordinator.last_update_success:
                        raise RuntimeError("a cycle failed")
    await async_remove_entry(bench.hass, entry)
    balances = int(DAY / BALANCE_INTERVAL)
    return Result(
        name="idle day, 30-s cycles",
        counted="any",
        requests=sum(window.counts.values()),
        minimum=cycles + balances,
        naive=2 * cycles,
        wall=window.wall,
        loop=window.loop,
        tracker_bytes=None,
        note=f"{window.counts['getsms']} getsms + {window.counts['getbalance']} getbalance",
    )


async def tracker_memory(bench: Bench, count: int) -> MemoryResult:
    """Measure with tracemalloc what the tracker keeps for `count` newly pending messages."""
    entry = await async_add_entry(bench.hass, bench.gateway.port)
    tracker = runtime_of(entry).account.tracker
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        accepted = {10**9 + i: number(i) for i in range(count)}
        tracker.async_track(accepted, "bench")
        # What the send's reply held is freed: only what the tracker keeps remains.
        del accepted
        gc.collect()
        retained = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    if tracker.pending_count != count:
        raise RuntimeError(f"the tracker follows {tracker.pending_count} of {count}")
    await async_remove_entry(bench.hass, entry)
    return MemoryResult(count, retained)
