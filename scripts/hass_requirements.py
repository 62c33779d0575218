"""Print the requirements of what a Home Assistant release sets up with the e2e configuration."""

# Run with the interpreter of the venv that holds that release: it reads the release's own start-up
# sets (bootstrap) and manifests, so a new release's new integrations and pins come with it.
# `python scripts/hass_requirements.py CONFIGURATION_YAML CUSTOM_COMPONENTS` prints one requirement
# per line: those of every integration hass would set up (the configured ones, its default set, the
# base platforms, the custom integrations) and of their dependencies and after-dependencies, as
# bootstrap gathers them before the first setup; and those of the auth modules the login offers.

from __future__ import annotations

import argparse
import importlib
import json
from pathlib import Path
import pkgutil

from homeassistant import bootstrap, components
from homeassistant.auth import mfa_modules, providers
from homeassistant.const import BASE_PLATFORMS
import yaml


def manifest_dirs(custom_components: Path) -> dict[str, Path]:
    """Return each domain's folder, custom integrations first as the loader has them."""
    folders: dict[str, Path] = {}
    for root in (Path(components.__file__).parent, custom_components):
        folders.update(
            (path.parent.name, path.parent) for path in root.glob("*/manifest.json")
        )
    return folders


def requirements(configuration: Path, custom_components: Path) -> list[str]:
    """Return the sorted requirements of the integrations set up at start, with their dependencies."""
    folders = manifest_dirs(custom_components)
    custom = {path.parent.name for path in custom_components.glob("*/manifest.json")}
    # Composed, not loaded: the top-level keys are all it needs, and the files that !include
    # names are created only when hass first starts.
    document = yaml.compose(configuration.read_text())
    config_domains = {key.value.split(" ")[0] for key, _ in document.value}
    pending = {
        *bootstrap.CORE_INTEGRATIONS,
        *bootstrap.DEFAULT_INTEGRATIONS,
        *BASE_PLATFORMS,
        *config_domains,
        *custom,
    }
    seen: set[str] = set()
    wanted: set[str] = set()
    while pending:
        domain = pending.pop()
        seen.add(domain)
        if domain not in folders:
            continue  # "homeassistant" and YAML-only keys have no manifest of their own
        manifest = json.loads((folders[domain] / "manifest.json").read_text())
        wanted.update(manifest.get("requirements", []))
        pending.update(
            {
                *manifest.get("dependencies", []),
                *manifest.get("after_dependencies", []),
            }
            - seen
        )
    return sorted(wanted | auth_module_requirements(), key=str.lower)


def auth_module_requirements() -> set[str]:
    """Return what the login's MFA modules and auth providers install when the frontend lists them."""
    found: set[str] = set()
    for package in (mfa_modules, providers):
        for module in pkgutil.iter_modules(package.__path__, f"{package.__name__}."):
            found.update(
                getattr(importlib.import_module(module.name), "REQUIREMENTS", [])
            )
    return found


def main() -> None:
    """Print the requirements for the files named on the command line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("configuration", type=Path)
    parser.add_argument("custom_components", type=Path)
    args = parser.parse_args()
    print("\n".join(requirements(args.configuration, args.custom_components)))


if __name__ == "__main__":
    main()
