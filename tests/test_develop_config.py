"""The configuration scripts/develop and tests/e2e run: a new install's, default_config spelt out."""

from __future__ import annotations

import json
from pathlib import Path

from homeassistant import components
from homeassistant.config import _write_default_config
from homeassistant.util.yaml import load_yaml_dict
import pytest

from tests.e2e.hass_config import COMMITTED_YAML, prepare_config_dir

PORT = 18123
# What cannot run here; the configuration's comment says why for each.
LEFT_OUT = {"dhcp", "go2rtc", "homeassistant_alerts", "ssdp", "zeroconf"}


def default_config_components() -> set[str]:
    """Return what `default_config:` sets up in this release."""
    manifest = Path(components.__file__).parent / "default_config" / "manifest.json"
    return set(json.loads(manifest.read_text())["dependencies"])


def test_prepared_config_is_a_new_installs(tmp_path: Path) -> None:
    """Everything a new install writes is there and loads (automations, scripts, scenes, themes)."""
    ours, new_install = tmp_path / "ours", tmp_path / "new"
    prepare_config_dir(ours, PORT)
    new_install.mkdir()
    _write_default_config(str(new_install))

    config = load_yaml_dict(ours / "configuration.yaml")
    expected = load_yaml_dict(new_install / "configuration.yaml")
    assert expected.pop("default_config") is None
    assert {key: config.get(key) for key in expected} == expected
    assert config["homeassistant"]["internal_url"] == f"http://127.0.0.1:{PORT}"
    for name in ("automations.yaml", "scripts.yaml", "scenes.yaml"):
        assert (ours / name).read_text() == (new_install / name).read_text()


def test_default_config_spelt_out_but_what_cannot_run_here() -> None:
    """default_config's components are all configured but those left out, each named with why."""
    text = COMMITTED_YAML.read_text()
    configured = {
        line.split(":")[0] for line in text.splitlines() if line[:1].isalpha()
    }
    assert "default_config" not in configured
    assert default_config_components() - configured == LEFT_OUT
    comments = "\n".join(line for line in text.splitlines() if line.startswith("#"))
    for name in LEFT_OUT:
        assert f" {name}" in comments


@pytest.mark.parametrize(
    ("environment", "level"), [({}, "info"), ({"EIMS_LOG_LEVEL": "debug"}, "debug")]
)
def test_log_levels_info_and_the_integrations_from_develop(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    environment: dict[str, str],
    level: str,
) -> None:
    """Home Assistant logs at info; the integration at EIMS_LOG_LEVEL (develop --debug: debug)."""
    monkeypatch.delenv("EIMS_LOG_LEVEL", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    prepare_config_dir(tmp_path, PORT)
    logger = load_yaml_dict(tmp_path / "configuration.yaml")["logger"]
    assert logger["default"] == "info"
    assert logger["logs"]["custom_components.eims"] == level
