"""Recipients as notify entities: `notify.send_message` sends them an SMS or an MMS."""

from __future__ import annotations

from homeassistant.components.notify import NotifyEntity
from homeassistant.components.notify.const import NotifyEntityFeature
from homeassistant.config_entries import (
    SIGNAL_CONFIG_ENTRY_CHANGED,
    ConfigEntry,
    ConfigEntryChange,
    ConfigSubentry,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import DOMAIN, MANUFACTURER
from .coordinator import EimsConfigEntry
from .entity import account_device_info
from .sending import (
    CONF_MESSAGE_TYPE,
    MESSAGE_TYPE_MMS,
    ORIGIN_NOTIFY,
    SUBENTRY_RECIPIENT,
    async_send,
    recipient_message,
)

# The client orders signed requests itself; sends need no queue here.
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EimsConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a notify entity for each recipient subentry, and for each one added later."""
    # Recipients' devices hang off the account's, whichever platform creates it first.
    account = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id, **account_device_info(entry)
    )
    added: set[str] = set()

    @callback
    def async_add_recipients() -> None:
        for subentry_id, subentry in entry.subentries.items():
            if (
                subentry.subentry_type == SUBENTRY_RECIPIENT
                and subentry_id not in added
            ):
                added.add(subentry_id)
                async_add_entities(
                    [EimsRecipientNotify(entry, subentry, account.id)],
                    config_subentry_id=subentry_id,
                )

    @callback
    def async_entry_changed(change: ConfigEntryChange, changed: ConfigEntry) -> None:
        # A new subentry needs no reload; removed ones leave with the entity registry.
        if change is ConfigEntryChange.UPDATED and changed.entry_id == entry.entry_id:
            async_add_recipients()

    async_add_recipients()
    entry.async_on_unload(
        async_dispatcher_connect(hass, SIGNAL_CONFIG_ENTRY_CHANGED, async_entry_changed)
    )


class EimsRecipientNotify(NotifyEntity):
    """A recipient: one or more numbers that get the same message."""

    _attr_has_entity_name = True
    _attr_name = None
    _attr_supported_features = NotifyEntityFeature.TITLE
    _attr_translation_key = "recipient"

    def __init__(
        self, entry: EimsConfigEntry, subentry: ConfigSubentry, account_device_id: str
    ) -> None:
        """Show the recipient as its own device, reached through the account."""
        self._entry = entry
        self._subentry = subentry
        self._attr_unique_id = f"{entry.entry_id}_{subentry.subentry_id}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, self._attr_unique_id)},
            entry_type=DeviceEntryType.SERVICE,
            manufacturer=MANUFACTURER,
            model="MMS"
            if subentry.data.get(CONF_MESSAGE_TYPE) == MESSAGE_TYPE_MMS
            else "SMS",
            name=subentry.title,
            via_device_id=account_device_id,
        )

    async def async_send_message(self, message: str, title: str | None = None) -> None:
        """Send the message to every number of the recipient."""
        await async_send(
            self.hass,
            self._entry,
            recipient_message(self._subentry, message, title),
            ORIGIN_NOTIFY,
        )
