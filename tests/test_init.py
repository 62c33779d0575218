"""Tests for setting up, polling and unloading an EIMS account."""

from __future__ import annotations

from decimal import Decimal
import logging
from unittest.mock import MagicMock

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.loader import async_get_integration
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.eims.api import (
    Balance,
    EimsAuthError,
    EimsConnectionError,
    EimsIpLimitedError,
    EimsLockedError,
)
from custom_components.eims.const import BALANCE_INTERVAL, DOMAIN

from .common import async_poll
from .conftest import ENTRY_DATA, UNIQUE_ID

BALANCE = "sensor.demo_127_0_0_1_balance"


async def test_integration_loads(hass: HomeAssistant) -> None:
    """Home Assistant finds the custom integration and sets it up."""
    integration = await async_get_integration(hass, DOMAIN)
    assert integration.name == "EIMS SMS Gateway"
    assert integration.config_flow is True
    assert await async_setup_component(hass, DOMAIN, {})
    assert DOMAIN in hass.config.components


async def test_setup_and_unload(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """An entry loads, shows its balance and unloads cleanly."""
    assert init_integration.state is ConfigEntryState.LOADED
    assert hass.states.get(BALANCE).state == "99.99"
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert init_integration.state is ConfigEntryState.NOT_LOADED


@pytest.mark.parametrize(
    ("error", "state"),
    [
        (EimsConnectionError("refused"), ConfigEntryState.SETUP_RETRY),
        (
            EimsIpLimitedError(-2, "ip_limited", "IP limited"),
            ConfigEntryState.SETUP_RETRY,
        ),
        (EimsAuthError(-1, "invalid_auth", "auth"), ConfigEntryState.SETUP_ERROR),
    ],
)
async def test_setup_failures(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    mock_client: MagicMock,
    error: Exception,
    state: ConfigEntryState,
) -> None:
    """Connection problems retry the setup; refused credentials start reauth."""
    mock_client.get_balance.side_effect = error
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is state
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert bool(flows) is isinstance(error, EimsAuthError)


async def test_reauth_started_later(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    mock_client: MagicMock,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A -1 during normal polling starts reauth."""
    mock_client.get_balance.side_effect = EimsAuthError(-1, "invalid_auth", "auth")
    await async_poll(hass, freezer, BALANCE_INTERVAL)
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


async def test_balance_polled_rarely(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    mock_client: MagicMock,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The balance is asked for on its own interval, not every cycle, and on demand."""
    polled = mock_client.get_balance.await_count
    for _ in range(4):
        await async_poll(hass, freezer)
    assert mock_client.get_balance.await_count == polled

    mock_client.get_balance.return_value = Balance(
        balance=Decimal("12.5"), gift=Decimal(0)
    )
    await async_poll(hass, freezer, BALANCE_INTERVAL)
    assert mock_client.get_balance.await_count == polled + 1
    assert hass.states.get(BALANCE).state == "12.5"

    assert await async_setup_component(hass, "homeassistant", {})
    await hass.services.async_call(
        "homeassistant", "update_entity", {"entity_id": BALANCE}, blocking=True
    )
    assert mock_client.get_balance.await_count == polled + 2


@pytest.mark.parametrize(
    ("error", "issue"),
    [
        (EimsIpLimitedError(-2, "ip_limited", "IP limited"), "ip_limited"),
        (EimsLockedError(-13, "account_locked", "User locked"), "account_locked"),
    ],
)
async def test_unavailable_and_repair_issue(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    mock_client: MagicMock,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
    caplog: pytest.LogCaptureFixture,
    error: Exception,
    issue: str,
) -> None:
    """A refusal makes entities unavailable and raises a repair; an answer clears both."""
    issue_id = f"{issue}_{init_integration.entry_id}"
    # The gateway refuses every request of a locked or IP-limited account.
    mock_client.get_balance.side_effect = error
    mock_client.get_sms_page.side_effect = error
    for _ in range(2):
        await async_poll(hass, freezer, BALANCE_INTERVAL)
    assert hass.states.get(BALANCE).state == STATE_UNAVAILABLE
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is not None
    # Once per coordinator, not once per failed poll.
    assert caplog.text.count("Error fetching") == 2

    caplog.clear()
    caplog.set_level(logging.INFO)
    mock_client.get_balance.side_effect = None
    mock_client.get_sms_page.side_effect = None
    # A failed balance poll is retried at the messages' pace.
    await async_poll(hass, freezer)
    assert hass.states.get(BALANCE).state == "99.99"
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None
    assert caplog.text.count("recovered") == 2


@pytest.mark.parametrize(
    ("version", "minor_version", "state"),
    [
        (1, 0, ConfigEntryState.LOADED),
        (0, 1, ConfigEntryState.MIGRATION_ERROR),
        (2, 1, ConfigEntryState.MIGRATION_ERROR),
    ],
)
async def test_migration(
    hass: HomeAssistant,
    mock_client: MagicMock,
    version: int,
    minor_version: int,
    state: ConfigEntryState,
) -> None:
    """Version 1 entries are brought to 1.1; other versions are not loaded."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        version=version,
        minor_version=minor_version,
        data=dict(ENTRY_DATA),
        unique_id=UNIQUE_ID,
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is state
    if state is ConfigEntryState.LOADED:
        assert (entry.version, entry.minor_version) == (1, 1)


async def test_against_simulator(
    hass: HomeAssistant, init_sim_entry: MockConfigEntry, simulator
) -> None:
    """Over real HTTP, the balance sensors show what the simulator's account holds."""
    assert init_sim_entry.state is ConfigEntryState.LOADED
    account = simulator.state.accounts["demo"]
    assert Decimal(hass.states.get(BALANCE).state) == account.balance
    assert (
        Decimal(hass.states.get("sensor.demo_127_0_0_1_gift_balance").state)
        == account.gift
    )
