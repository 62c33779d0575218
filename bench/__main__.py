"""Run the benchmark: `python -m bench` (or `scripts/bench`) prints the table and the targets."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import sys
import time

import aiohttp

from . import scenarios
from .conversations import ConversationResult, conversation, conversation_line
from .gateway import Gateway, SimulatorProcess
from .home import running_home
from .scenarios import Bench, MemoryResult, Result
from .startup import StartupResult, startup
from .table import FOOTNOTES, longest_steps, render_table, startup_lines, verdicts

SIZES = (1, 100, 10_000, 100_000)
POLLS = (0, 200, 10_000, 100_000)
QUICK_LIMIT = 10_000
# Patterns that backtrack exponentially on "aaa…a!": the issue's, and one `regex` cannot shortcut.
HOSTILE_PATTERNS = (r"^(a+)+$", r"^(a|a)+$")


class _ErrorCounter(logging.Handler):
    """Count what is logged at ERROR or above, so the report can say the run was clean."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def _write(text: str = "") -> None:
    sys.stdout.write(f"{text}\n")
    sys.stdout.flush()


async def _run(
    quick: bool,
) -> tuple[list[Result], MemoryResult, StartupResult, ConversationResult]:
    limit = QUICK_LIMIT if quick else max(SIZES)
    results: list[Result] = []
    # Balance for every send; reports with delivery fields, messages moved by hand only.
    simulator = SimulatorProcess(balance="100000000", report_fields=6, step_seconds=0)
    port = simulator.start()
    try:
        async with (
            running_home() as home,
            aiohttp.ClientSession() as control,
        ):
            bench = Bench(home, Gateway(port, control))
            # Home Assistant's startup leaves a full collection of its own objects due: paid
            # now, each scenario pays only for the collections that the work it measures causes.
            gc.collect()
            for size in (s for s in SIZES if s <= limit):
                results.append(await scenarios.send(bench, size))
                _write(f"... {results[-1].name}: {results[-1].wall:.1f} s")
            for size in (s for s in POLLS if s <= limit):
                results.append(await scenarios.poll(bench, size))
                _write(f"... {results[-1].name}: {results[-1].wall:.1f} s")
            results.append(await scenarios.inbound(bench, 1000))
            results.append(await scenarios.pushes(bench, 1000))
            results.extend(
                [await scenarios.hostile_sms(bench, p, 60) for p in HOSTILE_PATTERNS]
            )
            results.append(await scenarios.idle_day(bench))
            _write(f"... {results[-1].name}: {results[-1].wall:.1f} s")
            opened = await conversation(bench, home)
            _write(f"... conversation of {opened.messages:,} messages")
            memory = await scenarios.tracker_memory(bench, limit)
            started = await startup(home.hass, port)
    finally:
        simulator.stop()
    return results, memory, started, opened


def main() -> int:
    """Run every scenario and print the report; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="stop at 10,000 numbers and ids"
    )
    args = parser.parse_args()
    logging.basicConfig(
        level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    # HA warns about every custom integration it loads.
    logging.getLogger("homeassistant.loader").setLevel(logging.ERROR)
    errors = _ErrorCounter()
    logging.getLogger().addHandler(errors)
    start = time.perf_counter()
    results, memory, started, opened = asyncio.run(_run(args.quick))
    _write()
    _write(render_table(results))
    _write()
    _write(startup_lines(started))
    _write()
    _write(conversation_line(opened))
    _write()
    _write(FOOTNOTES)
    _write()
    _write(
        "The longest event-loop steps of each scenario (GC: collector pauses inside the step):"
    )
    _write(longest_steps(results))
    _write()
    checks = verdicts(results, memory, started)
    for check in checks:
        _write(f"[{'met' if check.met else 'MISSED'}] {check.text}")
    _write(
        f"Errors logged: {errors.count}. Total run: {time.perf_counter() - start:.0f} s."
    )
    return 0 if all(check.met for check in checks) and not errors.count else 1


sys.exit(main())
