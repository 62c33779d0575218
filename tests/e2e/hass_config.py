"""A config dir for a real Home Assistant on 127.0.0.1: YAML, the integration, seeded stores.

`python -m tests.e2e.hass_config CONFIG_DIR PORT` prepares a dir (scripts/develop uses it);
existing files are kept, so a second run changes nothing.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
import json
import os
from pathlib import Path
from typing import Any

from homeassistant.components.http.config import (
    HTTP_STORAGE_SCHEMA,
    KEY_PENDING,
    KEY_STABLE,
    KEY_YAML_MIGRATION_DONE,
    STORAGE_KEY as HTTP_STORAGE_KEY,
    STORAGE_MINOR_VERSION as HTTP_STORAGE_MINOR_VERSION,
    STORAGE_VERSION as HTTP_STORAGE_VERSION,
)
from homeassistant.components.onboarding import (
    STORAGE_KEY as ONBOARDING_STORAGE_KEY,
    STORAGE_VERSION as ONBOARDING_STORAGE_VERSION,
)
from homeassistant.components.onboarding.const import STEP_CORE_CONFIG
from homeassistant.util.yaml import dump, load_yaml_dict

from .local_processes import LOOPBACK

REPO = Path(__file__).resolve().parents[2]
COMMITTED_YAML = REPO / "config" / "configuration.yaml"
# The automation editor saves to automations.yaml, which a new install's configuration includes.
UI_AUTOMATIONS = "automations.yaml"


def prepare_config_dir(config_dir: Path, port: int) -> None:
    """Fill `config_dir` with what hass needs to serve on 127.0.0.1:`port` with no network."""
    config_dir.mkdir(parents=True, exist_ok=True)
    configuration = config_dir / "configuration.yaml"
    if not configuration.exists():
        _write_yaml_for_port(configuration, port)
    automations = config_dir / UI_AUTOMATIONS
    if not automations.exists():
        automations.write_text("[]\n")
    integrations = config_dir / "custom_components"
    if not integrations.exists():
        integrations.symlink_to(
            os.path.relpath(REPO / "custom_components", config_dir),
            target_is_directory=True,
        )
    storage = config_dir / ".storage"
    storage.mkdir(exist_ok=True)
    # A confirmed ("stable") HTTP config: one set from YAML would be a trial reverted after 5 minutes.
    http = HTTP_STORAGE_SCHEMA({"server_host": [LOOPBACK], "server_port": port})
    _write_store(
        storage,
        HTTP_STORAGE_KEY,
        HTTP_STORAGE_VERSION,
        HTTP_STORAGE_MINOR_VERSION,
        {
            KEY_STABLE: {
                **http,
                "created_at": datetime.now(UTC).isoformat(),
                "error": None,
                "error_message": None,
            },
            KEY_PENDING: None,
            KEY_YAML_MIGRATION_DONE: True,
        },
    )
    # Finishing the core_config step would add integrations that fetch from the internet.
    _write_store(
        storage,
        ONBOARDING_STORAGE_KEY,
        ONBOARDING_STORAGE_VERSION,
        1,
        {"done": [STEP_CORE_CONFIG]},
    )


def _write_yaml_for_port(path: Path, port: int) -> None:
    """Write the committed configuration.yaml with internal_url pointing at `port`."""
    config = load_yaml_dict(COMMITTED_YAML)
    config["homeassistant"]["internal_url"] = f"http://{LOOPBACK}:{port}"
    # Added as text: `dump` cannot write an !include.
    path.write_text(f"{dump(config)}automation: !include {UI_AUTOMATIONS}\n")


def _write_store(
    storage: Path, key: str, version: int, minor_version: int, data: dict[str, Any]
) -> None:
    """Write one `.storage` file in Home Assistant's format, unless it exists."""
    path = storage / key
    if path.exists():
        return
    document = {
        "version": version,
        "minor_version": minor_version,
        "key": key,
        "data": data,
    }
    path.write_text(json.dumps(document, indent=2))


def main() -> None:
    """Prepare the config dir named on the command line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("config_dir", type=Path)
    parser.add_argument("port", type=int)
    args = parser.parse_args()
    prepare_config_dir(args.config_dir, args.port)


if __name__ == "__main__":
    main()
