"""Shared fixtures for the EIMS tests."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator
from decimal import Decimal
from types import MappingProxyType
from unittest.mock import AsyncMock, MagicMock, patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigSubentry
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_SSL,
    CONF_VERIFY_SSL,
    CONF_WEBHOOK_ID,
)
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

# Imported first so the project's package wins over the test config dir's custom_components.
import custom_components.eims  # noqa: F401
from custom_components.eims.api import Balance, ClientStats, SmsPage
from custom_components.eims.const import CONF_ACCOUNT, DOMAIN
from simulator.testing import RunningSimulator, run_simulator

ENTRY_DATA = {
    CONF_HOST: "127.0.0.1",
    CONF_PORT: 20003,
    CONF_SSL: False,
    CONF_VERIFY_SSL: True,
    CONF_ACCOUNT: "demo",
    CONF_PASSWORD: "s3cret-pass",
    CONF_WEBHOOK_ID: "eims_test_webhook",
}
UNIQUE_ID = "127.0.0.1:20003:demo"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load integrations from custom_components."""


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Snapshots in Home Assistant's format: registry ids and times are left out."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.fixture
def mock_config_entry() -> MockConfigEntry:
    """An EIMS entry pointing at the gateway on loopback."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="demo @ 127.0.0.1",
        entry_id="01JEIMSTESTENTRY0000000000",
        unique_id=UNIQUE_ID,
        data=dict(ENTRY_DATA),
        version=1,
        minor_version=1,
    )


@pytest.fixture
def mock_setup_entry() -> Generator[AsyncMock]:
    """Keep the config flow tests from setting the entry up."""
    with patch(
        "custom_components.eims.async_setup_entry", return_value=True
    ) as mock_setup:
        yield mock_setup


@pytest.fixture
def mock_client() -> Generator[MagicMock]:
    """The gateway client, autospecced, answering like a healthy gateway."""
    with patch(
        "custom_components.eims.connection.EimsClient", autospec=True
    ) as client_class:
        client = client_class.return_value
        client.base_url = "http://127.0.0.1:20003"
        client.stats = ClientStats()
        client.get_balance.return_value = Balance(
            balance=Decimal("99.990000"), gift=Decimal("50.00000")
        )
        client.get_sms_page.return_value = SmsPage(messages=[], unreadable=[], rows=0)
        yield client


def freeze_first(request: pytest.FixtureRequest) -> None:
    """Freeze time now when the test freezes it at all: before its entry is set up."""
    if "freezer" in request.fixturenames:
        # Frozen after the setup, the loop's clock would jump past every poll's timer.
        request.getfixturevalue("freezer")


@pytest.fixture
async def init_integration(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    mock_client: MagicMock,
    request: pytest.FixtureRequest,
) -> MockConfigEntry:
    """Set the integration up with the mocked client, in a hass with its core integration."""
    freeze_first(request)
    # Always there in a running Home Assistant; the options' Assist agents need it.
    assert await async_setup_component(hass, "homeassistant", {})
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    return mock_config_entry


@pytest.fixture
def simulator_options() -> dict[str, object]:
    """Options of the simulator's demo account; override in a module to change them."""
    return {}


@pytest.fixture
async def simulator(
    socket_enabled: None, simulator_options: dict[str, object]
) -> AsyncGenerator[RunningSimulator]:
    """A real EIMS gateway simulator on 127.0.0.1 (account demo, password demo)."""
    async with run_simulator(**simulator_options) as sim:
        yield sim


@pytest.fixture
def sim_entry_data() -> dict[str, object]:
    """Entry data beyond the simulator's address and password; override in a module."""
    return {}


@pytest.fixture
def sim_entry_options() -> dict[str, object]:
    """Options of the simulator's entry; override in a module."""
    return {}


@pytest.fixture
def sim_entry(
    simulator: RunningSimulator,
    sim_entry_data: dict[str, object],
    sim_entry_options: dict[str, object],
) -> MockConfigEntry:
    """An entry for the simulator's demo account (not yet added to hass)."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="demo @ 127.0.0.1",
        unique_id=f"127.0.0.1:{simulator.port}:demo",
        data={
            **ENTRY_DATA,
            CONF_PORT: simulator.port,
            CONF_PASSWORD: "demo",
            **sim_entry_data,
        },
        options=sim_entry_options,
        version=1,
        minor_version=1,
    )


@pytest.fixture
async def init_sim_entry(
    hass: HomeAssistant, sim_entry: MockConfigEntry, request: pytest.FixtureRequest
) -> MockConfigEntry:
    """The simulator's entry, set up (after time is frozen, in a test that freezes it)."""
    freeze_first(request)
    sim_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(sim_entry.entry_id)
    await hass.async_block_till_done()
    return sim_entry


@pytest.fixture
def in_the_uk(hass: HomeAssistant) -> None:
    """National numbers are British."""
    hass.config.country = "GB"


# The recipient "Family" and a stranger, in the United Kingdom.
MUM = "+447911123456"
DAD = "+447911123457"
STRANGER = "+447400123456"
FAMILY = ConfigSubentry(
    subentry_type="recipient",
    title="Family",
    unique_id=None,
    data=MappingProxyType({"numbers": [MUM, DAD], "message_type": "sms"}),
)


@pytest.fixture
async def family_entry(
    hass: HomeAssistant, sim_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> MockConfigEntry:
    """
    The simulator's account with a "Family" recipient, set up in the United Kingdom.

    Time is frozen first: freezing it later would make the first poll due at once.
    """
    hass.config.country = "GB"
    sim_entry.add_to_hass(hass)
    hass.config_entries.async_add_subentry(sim_entry, FAMILY)
    assert await hass.config_entries.async_setup(sim_entry.entry_id)
    await hass.async_block_till_done()
    return sim_entry
