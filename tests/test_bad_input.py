"""Bad input gets a clear, translated answer; replies in every published form are matched."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC
from unittest.mock import MagicMock

import aiohttp
from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import (
    ATTR_CONFIG_ENTRY_ID,
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_SSL,
    CONF_VERIFY_SSL,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.eims.api import EimsClient, SendRequest
from custom_components.eims.const import CONF_ACCOUNT, DOMAIN
from simulator.testing import run_simulator

USER_INPUT = {
    CONF_PORT: 20003,
    CONF_SSL: False,
    CONF_VERIFY_SSL: True,
    CONF_ACCOUNT: "demo",
    CONF_PASSWORD: "s3cret-pass",
}


async def add_account(hass: HomeAssistant, host: str) -> dict[str, object]:
    """Fill in the user step with `host`; return the flow's result."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {**USER_INPUT, CONF_HOST: host}
    )


@pytest.mark.usefixtures("mock_setup_entry")
async def test_host_with_port_takes_the_port(
    hass: HomeAssistant, mock_client: MagicMock
) -> None:
    """Scenario 12: `127.0.0.1:8080` in the host field is host 127.0.0.1, port 8080."""
    result = await add_account(hass, "127.0.0.1:8080")
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert (result["data"][CONF_HOST], result["data"][CONF_PORT]) == ("127.0.0.1", 8080)


@pytest.mark.usefixtures("mock_setup_entry")
@pytest.mark.parametrize(
    "host",
    ["-", "...", "1.2.3.4.5.6", "a" * 300, "gw.example.com:99999", "host/path"],
)
async def test_malformed_host_refused(
    hass: HomeAssistant, mock_client: MagicMock, host: str
) -> None:
    """Scenario 12: what is no host name or address is refused before any request."""
    result = await add_account(hass, host)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_HOST: "invalid_host"}
    mock_client.get_balance.assert_not_called()


async def test_send_time_overflow_is_a_translated_error(
    hass: HomeAssistant, init_integration: MockConfigEntry, mock_client: MagicMock
) -> None:
    """Scenario 12: a send time past the year 9999 in the gateway's zone: translated, unsent."""
    await hass.config.async_set_time_zone("Asia/Tokyo")
    mock_client.time_zone = UTC
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "send_sms",
            {
                ATTR_CONFIG_ENTRY_ID: init_integration.entry_id,
                "numbers": ["+447911123456"],
                "message": "Far future",
                "send_time": "9999-12-31T23:59:59-12:00",
            },
            blocking=True,
        )
    assert err.value.translation_key == "time_out_of_range"
    mock_client.send_sms.assert_not_called()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """A plain aiohttp session."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.mark.parametrize("sent", ["00447700900123", "+447700900123", "447700900123"])
async def test_v34_int_numbers_matched_on_digits(
    socket_enabled: None, session: aiohttp.ClientSession, sent: str
) -> None:
    """Scenario 13: a v3.4 reply gives 447700900123 (an int) for 00447700900123: accepted."""
    async with run_simulator(number_form="int") as sim:
        client = EimsClient(
            session, sim.host, account="demo", password="demo", port=sim.port
        )
        result = await client.send_sms([SendRequest(numbers=[sent], content="hi")])
    assert list(result.accepted.values()) == [sent]
    assert result.failed == []
    assert (result.success, result.fail) == (1, 0)
