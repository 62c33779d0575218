"""Heavy libraries load where they are used, not with the integration."""

from __future__ import annotations

from pathlib import Path
import subprocess
import sys

REPO_ROOT = Path(__file__).resolve().parent.parent

# What Home Assistant imports for an entry: the package, its platforms, the preloaded ones.
_IMPORT_AS_HOME_ASSISTANT_DOES = """
import importlib, importlib.util, sys
from homeassistant.loader import BASE_PRELOAD_PLATFORMS
eims = importlib.import_module("custom_components.eims")
for platform in [*eims.PLATFORMS, *BASE_PRELOAD_PLATFORMS]:
    if importlib.util.find_spec(f"custom_components.eims.{platform}"):
        importlib.import_module(f"custom_components.eims.{platform}")
print(" ".join(sorted(sys.modules)))
"""


def test_integration_imports_without_heavy_libraries() -> None:
    """Loading the integration leaves libphonenumber and the conversation agent unloaded."""
    modules = subprocess.check_output(  # noqa: S603 - this interpreter, our own code
        [sys.executable, "-c", _IMPORT_AS_HOME_ASSISTANT_DOES], cwd=REPO_ROOT, text=True
    ).split()
    assert "custom_components.eims.sensor" in modules
    assert "phonenumbers" not in modules
    assert "homeassistant.components.conversation" not in modules
