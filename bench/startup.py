"""What the integration costs at startup: its import time, and entry setup until entities are available."""

from __future__ import annotations

from dataclasses import dataclass
import os
import statistics
import subprocess
import sys
import tempfile
import time

from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from .home import REPO, add_demo_entry, async_remove_entry

RUNS = 5
CONVERSATION = "homeassistant.components.conversation"
# A fresh interpreter that has imported the Home Assistant modules the integration imports at
# top level (Home Assistant has them loaded already, save the conversation agent); then the
# integration as HA loads it for an entry: the package, its entity platforms and the platforms
# HA preloads (config_flow, diagnostics, logbook, trigger...). Assist is off: no option sets it up.
_IMPORT_PROBE = f"""
import ast, importlib, importlib.util, pathlib, sys, time
from homeassistant.loader import BASE_PRELOAD_PLATFORMS
package = pathlib.Path("custom_components/eims")
for path in package.rglob("*.py"):
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("homeassistant"):
            module = importlib.import_module(node.module)
            for alias in node.names if hasattr(module, "__path__") else ():
                name = f"{{node.module}}.{{alias.name}}"
                if not name.startswith({CONVERSATION!r}) and importlib.util.find_spec(name):
                    importlib.import_module(name)
before = set(sys.modules)
start, cpu = time.perf_counter(), time.process_time()
eims = importlib.import_module("custom_components.eims")
for platform in [*eims.PLATFORMS, *BASE_PRELOAD_PLATFORMS]:
    if importlib.util.find_spec(f"custom_components.eims.{{platform}}"):
        importlib.import_module(f"custom_components.eims.{{platform}}")
print(
    time.perf_counter() - start,
    time.process_time() - cpu,
    {CONVERSATION!r} in set(sys.modules) - before,
)
"""


@dataclass(frozen=True, slots=True)
class StartupResult:
    """Medians of `RUNS` runs, in seconds; and whether importing pulled in the conversation agent."""

    import_seconds: float
    # The importing process's CPU time: on a shared machine wall time also holds others' work.
    import_cpu_seconds: float
    # The first import after an install or update, which compiles the source (one run).
    first_import_cpu_seconds: float
    imports_conversation: bool
    setup_seconds: float
    entities: int


def _import_once(bytecode: str) -> tuple[float, float, bool]:
    """Import the integration in a fresh interpreter; return wall and CPU seconds, the flag."""
    # Bytecode is written and read as a Home Assistant install does (this shell may turn it
    # off), under `bytecode`, so the checkout stays clean and the first run compiles.
    env = {
        **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
        "PYTHONPYCACHEPREFIX": bytecode,
    }
    output = subprocess.run(  # noqa: S603 - this interpreter, our own code
        [sys.executable, "-c", _IMPORT_PROBE],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return float(output[0]), float(output[1]), output[2] == "True"


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
    with tempfile.TemporaryDirectory(prefix="eims-bench-pyc-") as bytecode:
        _, first_cpu, _ = _import_once(bytecode)
        imports = [_import_once(bytecode) for _ in range(RUNS)]
    setups = [await _setup_once(hass, port) for _ in range(RUNS)]
    return StartupResult(
        import_seconds=statistics.median(wall for wall, _, _ in imports),
        import_cpu_seconds=statistics.median(cpu for _, cpu, _ in imports),
        first_import_cpu_seconds=first_cpu,
        imports_conversation=any(flag for _, _, flag in imports),
        setup_seconds=statistics.median(seconds for seconds, _ in setups),
        entities=setups[0][1],
    )
