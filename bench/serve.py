"""`python -m bench.serve OPTIONS_JSON`: the bench's simulator, served until stdin closes."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

from simulator.testing import run_simulator


async def _serve(options: dict[str, Any]) -> None:
    # Ticker off: messages move only when the bench says so.
    async with run_simulator(tick_seconds=None, **options) as sim:
        sys.stdout.write(f"{sim.port}\n")
        sys.stdout.flush()
        # The bench closes our stdin to stop us, and so does its exit, crash included.
        await asyncio.to_thread(sys.stdin.read)


if __name__ == "__main__":
    asyncio.run(_serve(json.loads(sys.argv[1])))
