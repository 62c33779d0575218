"""What the integration costs at startup: its import time, and entry setup until entities are available."""

from __future__ import annotations

from dataclasses import dataclass
import statistics
import subprocess
import sys
import time

from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from .home import REPO, add_demo_entry, async_remove_entry

RUNS = 5
CONVERSATION = "homeassistant.components.conversation"
# A fresh interpreter with what Home Assistant has imported before any integration loads; then
# the integration as HA loads it for an entry (Assist off: no option sets it up).
_IMPORT_PROBE = f"""
import sys, time
import homeassistant.config_entries, homeassistant.helpers.entity_platform
import homeassistant.helpers.update_coordinator, homeassistant.components.webhook
import homeassistant.components.sensor, homeassistant.components.notify
import homeassistant.components.event
before = set(sys.modules)
start = time.perf_counter()
import custom_components.eims
for platform in ("config_flow", "sensor", "notify", "event"):
    __import__(f"custom_components.eims.{{platform}}")
print(time.perf_counter() - start, {CONVERSATION!r} in set(sys.modules) - before)
"""


@dataclass(frozen=True, slots=True)
class StartupResult:
    """Medians of `RUNS` runs, in seconds; and whether importing pulled in the conversation agent."""

    import_seconds: float
    imports_conversation: bool
    setup_seconds: float
    entities: int


def _import_once() -> tuple[float, bool]:
    """Import the integration in a fresh interpreter; return the seconds and the conversation flag."""
    output = subprocess.run(  # noqa: S603 - this interpreter, our own code
        [sys.executable, "-c", _IMPORT_PROBE],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return float(output[0]), output[1] == "True"


async def _setup_once(hass: HomeAssistant, port: int) -> tuple[float, int]:
    """Set up an entry; return the seconds until all its entities have a state, and how many."""
    entry = add_demo_entry(hass, port)
    start = time.perf_counter()
    if not await hass.config_entries.async_setup(entry.entry_id):
        raise RuntimeError(f"the EIMS entry did not set up: {entry.state}")
    await hass.async_block_till_done()
    elapsed = time.perf_counter() - start
    entities = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    states = [hass.states.get(entity.entity_id) for entity in entities]
    if not entities or any(s is None or s.state == STATE_UNAVAILABLE for s in states):
        raise RuntimeError("entities are missing or unavailable after setup")
    await async_remove_entry(hass, entry)
    return elapsed, len(entities)


async def startup(hass: HomeAssistant, port: int) -> StartupResult:
    """Measure import (in subprocesses) and setup (in `hass`, against the simulator)."""
    imports = [_import_once() for _ in range(RUNS)]
    setups = [await _setup_once(hass, port) for _ in range(RUNS)]
    return StartupResult(
        import_seconds=statistics.median(seconds for seconds, _ in imports),
        imports_conversation=any(flag for _, flag in imports),
        setup_seconds=statistics.median(seconds for seconds, _ in setups),
        entities=setups[0][1],
    )
