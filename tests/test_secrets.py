"""The password, the encryption key and the md5 tokens never reach logs or diagnostics."""

from __future__ import annotations

import logging
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_PASSWORD
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.eims.api import auth
from custom_components.eims.const import CONF_ENCRYPTION_KEY
from simulator.testing import RunningSimulator

from .common import async_poll

PASSWORD = "Pa55-word-XyZ"
KEY = "k3y-Secret-9"


@pytest.fixture
def simulator_options() -> dict[str, object]:
    """The demo account in encrypted password mode."""
    return {"key": KEY, "password": PASSWORD}


async def test_no_secret_in_logs_or_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: RunningSimulator,
    sim_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Set up, send, fail in every way the gateway can, and read the diagnostics."""
    caplog.set_level(logging.DEBUG)
    tokens: list[str] = []

    def keep_token(*args: object) -> str:
        token = original(*args)  # type: ignore[arg-type]
        tokens.append(token)
        return token

    original = auth.md5_token
    sim_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        sim_entry,
        data={**sim_entry.data, CONF_PASSWORD: PASSWORD, CONF_ENCRYPTION_KEY: KEY},
    )
    with patch.object(auth, "md5_token", side_effect=keep_token):
        assert await hass.config_entries.async_setup(sim_entry.entry_id)
        await hass.async_block_till_done()
        await hass.services.async_call(
            "eims",
            "send_sms",
            {
                "config_entry_id": sim_entry.entry_id,
                "numbers": ["+447911123456"],
                "message": "hello",
            },
            blocking=True,
            return_response=True,
        )
        for fault in (
            {"kind": "http500", "count": 1},
            {"kind": "malformed", "count": 1},
            {"kind": "drop", "count": 2},
            {"kind": "status", "status": -1, "count": 1},
        ):
            simulator.state.add_fault(fault)
            # Polled every 30 seconds: half an hour would expire the test's login to HA.
            while simulator.state.faults:
                await async_poll(hass, freezer)
    assert await async_setup_component(hass, "diagnostics", {})
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, sim_entry)

    assert len(tokens) >= 4
    logged = caplog.text
    assert "Error fetching" in logged
    for secret in (PASSWORD, KEY, *tokens):
        assert secret not in logged
        assert secret not in str(diagnostics)
    assert diagnostics["entry"]["data"][CONF_PASSWORD] == "**REDACTED**"
    assert diagnostics["entry"]["data"][CONF_ENCRYPTION_KEY] == "**REDACTED**"
