"""Measuring the event loop: its longest steps (and what ran in them) and the loop thread's CPU time."""

from __future__ import annotations

import asyncio
from asyncio import events
from collections.abc import Callable
from dataclasses import dataclass, field
import gc
import threading
import time
from types import CoroutineType, TracebackType
from typing import Any, Self

_ORIGINAL_RUN: Callable[[events.Handle], None] = events.Handle._run  # noqa: SLF001
# Deep enough to reach the integration's own coroutine under HA's wrappers.
_CHAIN_DEPTH = 16
_OURS = "custom_components"
KEPT_STEPS = 3


type Chain = list[tuple[str, str]]


def _task_chain(handle: events.Handle) -> Chain | None:
    """Return the coroutines a task step's task is suspended in (name, file), outermost first."""
    owner = getattr(getattr(handle, "_callback", None), "__self__", None)
    if not isinstance(owner, asyncio.Task):
        return None
    chain: Chain = []
    coro: Any = owner.get_coro()
    while isinstance(coro, CoroutineType) and len(chain) < _CHAIN_DEPTH:
        chain.append((coro.__qualname__, coro.cr_code.co_filename))
        coro = coro.cr_await
    return chain


def _format_chain(chain: Chain) -> str:
    """Name a task by its root coroutine and the integration's coroutines under it."""
    ours = [name for name, path in chain[1:] if _OURS in path]
    names = [chain[0][0], *ours] if ours else [name for name, _ in chain[:4]]
    return " > ".join(names)


def _describe(handle: events.Handle, before: Chain | None) -> str:
    """Say what a loop step ran: where its task resumed and where it stopped, or the callback."""
    after = _task_chain(handle)
    if before is None or not before or after is None:
        callback = getattr(handle, "_callback", None)
        return str(getattr(callback, "__qualname__", repr(callback)))
    if not after or after == before:
        return _format_chain(before)
    return f"from {_format_chain(before)} to {_format_chain(after)}"


@dataclass(frozen=True, slots=True)
class Step:
    """One event-loop step: wall time, the loop thread's CPU time, GC pauses in it, and what ran."""

    wall: float
    cpu: float
    gc: float
    what: str


@dataclass(slots=True)
class LoopReport:
    """What the loop did during one measurement."""

    cpu_seconds: float = 0.0
    steps: int = 0
    gc_total: float = 0.0
    longest: list[Step] = field(default_factory=list)
    # The step that used the most CPU on the loop thread (GC pauses included).
    busiest: Step = field(default_factory=lambda: Step(0.0, 0.0, 0.0, ""))

    @property
    def max_step(self) -> Step:
        """Return the longest step (by wall time)."""
        return self.longest[0] if self.longest else Step(0.0, 0.0, 0.0, "")

    def keep(self, step: Step) -> None:
        """Keep the step if it is among the longest few."""
        self.longest.append(step)
        self.longest.sort(key=lambda kept: kept.wall, reverse=True)
        del self.longest[KEPT_STEPS:]


class LoopProbe:
    """
    Time every step of the event loop (each Handle run), as asyncio's debug mode does.

    Debug mode slows every step down; this adds clock reads and a walk of the task's
    coroutines per step. Entered and left on the loop's thread, whose CPU time it measures;
    only steps that start and end inside the block count, so the block should await once
    after entering and once before leaving.
    """

    def __init__(self) -> None:
        """Create the probe; the report fills in when the `with` block ends."""
        self.report = LoopReport()
        self._thread = threading.get_ident()
        self._cpu_start = 0.0
        self._step_gc = 0.0
        self._gc_start = 0.0
        self._active = False

    def _run(self, handle: events.Handle) -> None:
        if threading.get_ident() != self._thread:
            # Another thread's loop: not the one measured.
            _ORIGINAL_RUN(handle)
            return
        before = _task_chain(handle)
        self._step_gc = 0.0
        cpu = time.thread_time()
        start = time.perf_counter()
        try:
            _ORIGINAL_RUN(handle)
        finally:
            wall = time.perf_counter() - start
            report = self.report
            # The step that left the measurement ran on past it: it does not count.
            if self._active:
                report.steps += 1
                cpu = time.thread_time() - cpu
                longest = (
                    len(report.longest) < KEPT_STEPS or wall > report.longest[-1].wall
                )
                if longest or cpu > report.busiest.cpu:
                    step = Step(wall, cpu, self._step_gc, _describe(handle, before))
                    if longest:
                        report.keep(step)
                    if cpu > report.busiest.cpu:
                        report.busiest = step

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        if threading.get_ident() != self._thread:
            return
        if phase == "start":
            self._gc_start = time.perf_counter()
            return
        pause = time.perf_counter() - self._gc_start
        self._step_gc += pause
        self.report.gc_total += pause

    def __enter__(self) -> Self:
        """Start timing every loop step."""
        self.report = LoopReport()
        self._thread = threading.get_ident()
        self._active = True
        gc.callbacks.append(self._on_gc)
        probe = self

        def timed_run(handle: events.Handle) -> None:
            probe._run(handle)

        setattr(events.Handle, "_run", timed_run)  # noqa: B010
        self._cpu_start = time.thread_time()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop timing and record the loop thread's CPU time."""
        self._active = False
        self.report.cpu_seconds = time.thread_time() - self._cpu_start
        gc.callbacks.remove(self._on_gc)
        setattr(events.Handle, "_run", _ORIGINAL_RUN)  # noqa: B010
