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
import re
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
from homeassistant.config import (
    AUTOMATION_CONFIG_PATH,
    SCENE_CONFIG_PATH,
    SCRIPT_CONFIG_PATH,
)
import yaml

from .local_processes import LOOPBACK

REPO = Path(__file__).resolve().parents[2]
COMMITTED_YAML = REPO / "config" / "configuration.yaml"
# What the UI editors save to, included by configuration.yaml, as a new install writes them.
INCLUDED_FILES = {
    AUTOMATION_CONFIG_PATH: "[]",
    SCRIPT_CONFIG_PATH: "",
    SCENE_CONFIG_PATH: "",
}
INTERNAL_URL = re.compile(r"^(\s+internal_url:).*$", re.MULTILINE)


class _IncludesUnread(yaml.SafeLoader):
    """Reads a configuration.yaml without opening the files its !include tags name (nor env vars)."""


_IncludesUnread.add_multi_constructor(
    "!include", lambda loader, suffix, node: f"!include{suffix} {node.value}"
)
_IncludesUnread.add_constructor(
    "!env_var", lambda loader, node: f"!env_var {node.value}"
)


def committed_config() -> dict[str, Any]:
    """Return the committed configuration.yaml; its includes are text, their files may not exist."""
    config: dict[str, Any] = yaml.load(
        COMMITTED_YAML.read_text(),
        Loader=_IncludesUnread,  # noqa: S506 (a SafeLoader that reads !include as text)
    )
    return config


HASS_TIME_ZONE: str = committed_config()["homeassistant"]["time_zone"]


def prepare_config_dir(config_dir: Path, port: int) -> None:
    """Fill `config_dir` with what hass needs to serve on 127.0.0.1:`port` with no network."""
    config_dir.mkdir(parents=True, exist_ok=True)
    configuration = config_dir / "configuration.yaml"
    if not configuration.exists():
        _write_yaml_for_port(configuration, port)
    for name, empty in INCLUDED_FILES.items():
        if not (config_dir / name).exists():
            (config_dir / name).write_text(empty)
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
    # As text: comments and !include tags stay as they are.
    text, count = INTERNAL_URL.subn(
        rf"\g<1> http://{LOOPBACK}:{port}", COMMITTED_YAML.read_text()
    )
    if count != 1:
        raise ValueError(f"{COMMITTED_YAML} has {count} internal_url lines, not one")
    path.write_text(text)


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
