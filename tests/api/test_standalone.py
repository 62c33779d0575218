"""The client package stands on its own: it could be published unchanged."""

from __future__ import annotations

import json
from pathlib import Path
import subprocess
import sys

API = Path(__file__).parents[2] / "custom_components" / "eims" / "api"

# Loads api/ as a top-level package of another name, as a published copy would be, so a
# relative import reaching into the integration fails; then imports every module of it.
_PROBE = """
import importlib, importlib.util, json, pkgutil, sys
path = sys.argv[1]
spec = importlib.util.spec_from_file_location(
    "eims_client", f"{path}/__init__.py", submodule_search_locations=[path]
)
package = importlib.util.module_from_spec(spec)
sys.modules["eims_client"] = package
spec.loader.exec_module(package)
for module in pkgutil.iter_modules(package.__path__):
    importlib.import_module(f"eims_client.{module.name}")
print(json.dumps(sorted(sys.modules)))
"""


def _imported_by_api() -> list[str]:
    """Return every module a fresh interpreter holds after importing all of api/."""
    run = subprocess.run(  # noqa: S603 - this interpreter, our own probe
        [sys.executable, "-c", _PROBE, str(API)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    modules: list[str] = json.loads(run.stdout)
    return modules


def test_api_imports_no_home_assistant_and_nothing_of_the_integration() -> None:
    """Every module of api/ imports without Home Assistant or the integration around it."""
    modules = _imported_by_api()
    own = {name for name in modules if name.startswith("eims_client.")}
    assert own >= {
        f"eims_client.{path.stem}"
        for path in API.glob("*.py")
        if path.stem != "__init__"
    }
    foreign = [
        name
        for name in modules
        if name.partition(".")[0] in ("homeassistant", "custom_components")
    ]
    assert foreign == []
