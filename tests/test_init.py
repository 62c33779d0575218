"""Tests for setting up the EIMS integration."""

from homeassistant.core import HomeAssistant
from homeassistant.loader import async_get_integration
from homeassistant.setup import async_setup_component

from custom_components.eims.const import DOMAIN


async def test_integration_loads(hass: HomeAssistant) -> None:
    """Home Assistant finds the custom integration and sets it up."""
    integration = await async_get_integration(hass, DOMAIN)
    assert integration.name == "EIMS SMS Gateway"
    assert integration.config_flow is True
    assert await async_setup_component(hass, DOMAIN, {})
    assert DOMAIN in hass.config.components
