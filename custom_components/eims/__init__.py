"""The EIMS SMS Gateway integration."""

from __future__ import annotations

from homeassistant.const import EVENT_HOMEASSISTANT_STOP, Platform
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.typing import ConfigType

from .account.ask import QuestionBook, async_remove_questions
from .account.guard import SpendingGuard, async_remove_spending
from .account.receive import SmsInbox
from .account.receive_store import async_remove_inbox
from .account.track import DeliveryTracker, async_remove_store
from .connection import async_create_client
from .const import CONF_ASSIST, CONF_ENABLED, DOMAIN, LOGGER
from .coordinator import (
    EimsBalanceCoordinator,
    EimsConfigEntry,
    EimsMessagesCoordinator,
    EimsRuntimeData,
)
from .notify import async_setup_notify_services
from .services import async_setup_services
from .webhook import async_register_webhook

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)
PLATFORMS: list[Platform] = [Platform.EVENT, Platform.NOTIFY, Platform.SENSOR]


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Set up the EIMS integration."""
    async_setup_services(hass)
    async_setup_notify_services(hass, config)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: EimsConfigEntry) -> bool:
    """Set up an EIMS account from a config entry."""
    client = await async_create_client(hass, entry.data, entry.options)
    inbox = SmsInbox(hass, entry.entry_id)
    tracker = DeliveryTracker(hass, entry, client)
    await inbox.async_load()
    await tracker.async_load()
    # Written at once on unload, so a reload finds every message still waiting.
    entry.async_on_unload(tracker.async_flush)
    questions = QuestionBook(hass, entry.entry_id, inbox)
    await questions.async_load()
    entry.async_on_unload(questions.async_flush)
    spending = SpendingGuard(hass, entry)
    await spending.async_load()
    entry.async_on_unload(spending.async_flush)
    messages = EimsMessagesCoordinator(hass, entry, client, inbox, tracker)
    balance = EimsBalanceCoordinator(hass, entry, client)
    # SMS first: they are what users wait for.
    await messages.async_config_entry_first_refresh()
    await balance.async_config_entry_first_refresh()
    entry.runtime_data = runtime = EimsRuntimeData(
        client=client,
        balance=balance,
        messages=messages,
        inbox=inbox,
        tracker=tracker,
        questions=questions,
        spending=spending,
    )
    entry.async_on_unload(async_register_webhook(hass, entry))
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    if entry.options.get(CONF_ASSIST, {}).get(CONF_ENABLED):
        # Imported here: it imports conversation, a fifth of a second nobody else needs.
        from .assist import async_start_assist

        runtime.assist = await async_start_assist(hass, entry, inbox)
    # Replies are taken from the first SMS announced on.
    entry.async_on_unload(questions.async_start())
    # Only now that the event entity and Assist listen: SMS stored before are announced first.
    await inbox.async_start()

    async def async_stop_inbox(_: Event) -> None:
        # A getsms page in flight is gone from the gateway: let it reach the disk first.
        await inbox.async_stop()

    entry.async_on_unload(
        hass.bus.async_listen(EVENT_HOMEASSISTANT_STOP, async_stop_inbox)
    )
    return True


async def async_unload_entry(hass: HomeAssistant, entry: EimsConfigEntry) -> bool:
    """Unload an EIMS account, once a getsms page being read is saved."""
    await entry.runtime_data.inbox.async_stop()
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: EimsConfigEntry) -> None:
    """Delete the account's stored data."""
    await async_remove_inbox(hass, entry.entry_id)
    await async_remove_questions(hass, entry.entry_id)
    await async_remove_store(hass, entry.entry_id)
    await async_remove_spending(hass, entry.entry_id)


async def async_migrate_entry(hass: HomeAssistant, entry: EimsConfigEntry) -> bool:
    """Bring an entry to the current version (1.1, the first: nothing to change yet)."""
    if entry.version != 1:
        LOGGER.error("Cannot migrate %s from version %s", entry.title, entry.version)
        return False
    if entry.minor_version < 1:
        hass.config_entries.async_update_entry(entry, minor_version=1)
    return True
