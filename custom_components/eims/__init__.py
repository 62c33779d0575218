"""The EIMS SMS Gateway integration."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.typing import ConfigType

from .connection import async_create_client
from .const import DOMAIN, LOGGER
from .coordinator import EimsConfigEntry, EimsCoordinator, EimsRuntimeData

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)
PLATFORMS: list[Platform] = [Platform.SENSOR]


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Set up the EIMS integration."""
    return True


async def async_setup_entry(hass: HomeAssistant, entry: EimsConfigEntry) -> bool:
    """Set up an EIMS account from a config entry."""
    client = await async_create_client(hass, entry.data, entry.options)
    coordinator = EimsCoordinator(hass, entry, client)
    await coordinator.async_config_entry_first_refresh()
    entry.runtime_data = EimsRuntimeData(client=client, coordinator=coordinator)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: EimsConfigEntry) -> bool:
    """Unload an EIMS account."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_migrate_entry(hass: HomeAssistant, entry: EimsConfigEntry) -> bool:
    """Migrate an entry from an older version; none exists yet, so a newer one is refused."""
    if entry.version > 1:
        LOGGER.error(
            "Cannot downgrade %s from version %s.%s",
            entry.title,
            entry.version,
            entry.minor_version,
        )
        return False
    return True
