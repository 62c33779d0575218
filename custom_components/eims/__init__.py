"""The EIMS SMS Gateway integration."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.typing import ConfigType

from .account import EimsAccount
from .card import async_register_card
from .connection import async_create_client
from .const import CONF_ASSIST, CONF_ENABLED, DOMAIN, LOGGER
from .coordinator import EimsBalanceCoordinator, EimsMessagesCoordinator
from .entry import EimsConfigEntry
from .notify import async_follow_notify_services, async_setup_notify_services
from .runtime import EimsRuntimeData
from .services import async_setup_services
from .webhook import async_register_webhook
from .websocket_api import async_setup_websocket_api

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)
PLATFORMS: list[Platform] = [Platform.EVENT, Platform.NOTIFY, Platform.SENSOR]


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Set up the EIMS integration."""
    async_setup_services(hass)
    async_setup_notify_services(hass, config)
    async_setup_websocket_api(hass)
    await async_register_card(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: EimsConfigEntry) -> bool:
    """Set up an EIMS account from a config entry."""
    client = await async_create_client(hass, entry.data, entry.options)
    account = EimsAccount(hass, entry, client)
    await account.async_load()
    entry.async_on_unload(account.async_stop)
    messages = EimsMessagesCoordinator(hass, entry, account)
    balance = EimsBalanceCoordinator(hass, entry, account)
    # SMS first: they are what users wait for.
    await messages.async_config_entry_first_refresh()
    await balance.async_config_entry_first_refresh()
    entry.runtime_data = runtime = EimsRuntimeData(
        account=account, balance=balance, messages=messages
    )
    entry.async_on_unload(async_register_webhook(hass, entry, account))
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    async_follow_notify_services(hass, entry)
    # Options, recipients, the address: any change sets the account up again.
    entry.async_on_unload(entry.add_update_listener(_async_entry_updated))
    if entry.options.get(CONF_ASSIST, {}).get(CONF_ENABLED):
        # Imported here: it imports conversation, a fifth of a second nobody else needs.
        from .assist import async_start_assist

        runtime.assist = await async_start_assist(hass, entry, account)
    # Only now that the entities and Assist listen: SMS stored before are announced.
    await account.async_start()
    return True


async def _async_entry_updated(hass: HomeAssistant, entry: EimsConfigEntry) -> None:
    """Reload the account with what changed."""
    hass.config_entries.async_schedule_reload(entry.entry_id)


async def async_unload_entry(hass: HomeAssistant, entry: EimsConfigEntry) -> bool:
    """Unload an EIMS account, once a getsms page being read is saved."""
    await entry.runtime_data.account.async_stop()
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: EimsConfigEntry) -> None:
    """Delete the account's stored data."""
    await EimsAccount.async_remove(hass, entry.entry_id)


async def async_migrate_entry(hass: HomeAssistant, entry: EimsConfigEntry) -> bool:
    """Bring an entry to the current version (1.1, the first: nothing to change yet)."""
    if entry.version != 1:
        LOGGER.error("Cannot migrate %s from version %s", entry.title, entry.version)
        return False
    if entry.minor_version < 1:
        hass.config_entries.async_update_entry(entry, minor_version=1)
    return True
