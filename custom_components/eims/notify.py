"""
Recipients as notify entities, and named notify services for what calls `notify.<name>`.

`notify.send_message` sends a recipient's entity an SMS or an MMS. The legacy services
(`notify.eims_<account>`, `notify.eims_<recipient>`) are for `alert:`, notify groups and
blueprints, which call a service by name; they follow the accounts and recipients loaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from homeassistant.components.notify import (
    ATTR_DATA,
    ATTR_MESSAGE,
    ATTR_TARGET,
    ATTR_TITLE,
    DOMAIN as NOTIFY_DOMAIN,
    NOTIFY_SERVICE_SCHEMA,
    BaseNotificationService,
    NotifyEntity,
    NotifyEntityFeature,
    async_reload,
)
from homeassistant.config_entries import ConfigEntry, ConfigEntryState, ConfigSubentry
from homeassistant.const import CONF_NAME, EVENT_CORE_CONFIG_UPDATE, Platform
from homeassistant.core import Event, HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import (
    config_validation as cv,
    device_registry as dr,
    discovery,
    service,
)
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import ConfigType, DiscoveryInfoType
from homeassistant.util import slugify
import voluptuous as vol

from .account.outgoing import (
    MessageOptions,
    OutgoingMessage,
    recipient_message,
    titled_message,
)
from .account.recipients import recipients
from .account.send import ORIGIN_NOTIFY
from .const import (
    ATTR_MMS_TITLE,
    ATTR_SEND_TIME,
    ATTR_SENDER,
    CONF_MESSAGE_TYPE,
    DOMAIN,
    MANUFACTURER,
    MESSAGE_TYPE_MMS,
    SUBENTRY_DEVICE,
)
from .entity import account_device_info
from .entry import EimsConfigEntry
from .errors import validation_error
from .notify_help import async_describe_services
from .notify_names import NotifyNames, NotifyTarget, async_get_notify_names

# Groups and blueprints pass one `data` to every platform: keys for others are ignored.
NOTIFY_DATA_SCHEMA = vol.Schema(
    {
        vol.Optional(ATTR_SENDER): cv.string,
        vol.Optional(ATTR_MMS_TITLE): cv.string,
        vol.Optional(ATTR_SEND_TIME): cv.datetime,
    },
    extra=vol.REMOVE_EXTRA,
)

# The client orders signed requests itself; sends need no queue here.
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EimsConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a notify entity for each recipient (adding or removing one reloads the entry)."""
    # Recipients' devices hang off the account's, whichever platform creates it first.
    account = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id, **account_device_info(entry)
    )
    for subentry in recipients(entry):
        async_add_entities(
            [EimsRecipientNotify(entry, subentry, account.id)],
            config_subentry_id=subentry.subentry_id,
        )


def _model(subentry: ConfigSubentry) -> str:
    """Return what the recipient's device page shows as its model."""
    if subentry.subentry_type == SUBENTRY_DEVICE:
        return "SMS-controlled device"
    if subentry.data.get(CONF_MESSAGE_TYPE) == MESSAGE_TYPE_MMS:
        return "MMS"
    return "SMS"


class EimsRecipientNotify(NotifyEntity):
    """A recipient: one or more numbers that get the same message."""

    _attr_has_entity_name = True
    _attr_name = None
    _attr_translation_key = "recipient"

    def __init__(
        self, entry: EimsConfigEntry, subentry: ConfigSubentry, account_device_id: str
    ) -> None:
        """Show the recipient as its own device, reached through the account."""
        self._account = entry.runtime_data.account
        self._subentry = subentry
        self._attr_unique_id = f"{entry.entry_id}_{subentry.subentry_id}"
        # A device's text goes exactly as written: it takes no title.
        if subentry.subentry_type == SUBENTRY_DEVICE:
            self._attr_translation_key = "device"
        else:
            self._attr_supported_features = NotifyEntityFeature.TITLE
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, self._attr_unique_id)},
            entry_type=DeviceEntryType.SERVICE,
            manufacturer=MANUFACTURER,
            model=_model(subentry),
            name=subentry.title,
            via_device_id=account_device_id,
        )

    async def async_send_message(self, message: str, title: str | None = None) -> None:
        """Send the message to every number of the recipient."""
        await self._account.async_send(
            recipient_message(self._subentry, message, title), ORIGIN_NOTIFY
        )


@callback
def async_setup_notify_services(hass: HomeAssistant, config: ConfigType) -> None:
    """Load the named notify services; each account's follow it as it loads and unloads."""
    hass.async_create_task(
        discovery.async_load_platform(
            hass, Platform.NOTIFY, DOMAIN, {CONF_NAME: DOMAIN}, config
        ),
        eager_start=True,
    )

    @callback
    def async_language_changed(_event: Event[Mapping[str, Any]]) -> None:
        # Their descriptions are in Home Assistant's language.
        _async_refresh_services(hass)

    hass.bus.async_listen(
        EVENT_CORE_CONFIG_UPDATE,
        async_language_changed,
        event_filter=callback(lambda data: "language" in data),
    )


@callback
def async_follow_notify_services(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Register or remove the entry's named services as it loads or starts unloading."""
    entry.async_on_unload(
        entry.async_on_state_change(callback(lambda: _async_refresh_services(hass)))
    )


@callback
def _async_refresh_services(hass: HomeAssistant) -> None:
    """Register, remove and describe the named services anew."""
    hass.async_create_background_task(
        async_reload(hass, DOMAIN), f"{DOMAIN} notify services"
    )


async def async_get_service(
    hass: HomeAssistant,
    config: ConfigType,
    discovery_info: DiscoveryInfoType | None = None,
) -> EimsNotificationService | None:
    """Return the service behind `notify.eims` and the per-account, per-recipient ones."""
    if discovery_info is None:
        return None
    return EimsNotificationService(await async_get_notify_names(hass))


def _message_options(data: Any) -> MessageOptions:
    """Read a notification's `data`; raise a translated error when it cannot be used."""
    try:
        options = NOTIFY_DATA_SCHEMA(data or {})
    except vol.Invalid as err:
        raise validation_error("invalid_notify_data", error=str(err)) from err
    return MessageOptions(
        sender=options.get(ATTR_SENDER) or None,
        mms_title=options.get(ATTR_MMS_TITLE) or None,
        send_time=options.get(ATTR_SEND_TIME),
    )


class EimsNotificationService(BaseNotificationService):
    """
    The named notify services of every loaded account.

    `notify.eims_<account>` sends to the numbers and recipients in `target`;
    `notify.eims_<recipient>` sends to that recipient; `notify.eims` is the account's service
    while there is one account.
    """

    def __init__(self, names: NotifyNames) -> None:
        """Serve the accounts and recipients under the names they hold."""
        self._names = names

    @property
    def targets(self) -> dict[str, NotifyTarget]:
        """Return the loaded accounts and recipients by service name, less the prefix."""
        return {
            name.removeprefix(f"{DOMAIN}_"): target
            for target, name in self._names.names().items()
            if (entry := self.hass.config_entries.async_get_entry(target.entry_id))
            is not None
            and entry.state is ConfigEntryState.LOADED
        }

    async def async_register_services(self) -> None:
        """Register the services; an account's keeps the call's `target`."""
        await super().async_register_services()
        for name, target in self.registered_targets.items():
            if target.subentry_id is None:
                # Home Assistant replaces the `target` of a call to a target's service
                # with that target (pinned by a test): the account's also needs the call's.
                self.hass.services.async_register(
                    NOTIFY_DOMAIN,
                    name,
                    partial(self._async_send_to_account, target),
                    schema=NOTIFY_SERVICE_SCHEMA,
                )
        # Home Assistant's own text names no recipient ("using the eims_family integration").
        await async_describe_services(
            self.hass, {DOMAIN: None, **self.registered_targets}
        )

    async def _async_send_to_account(
        self, account: NotifyTarget, call: ServiceCall
    ) -> None:
        """Send a call of `notify.eims_<account>` to the numbers and recipients it names."""
        await self._async_send(account, call.data.get(ATTR_TARGET), call.data)

    async def async_send_message(self, message: str = "", **kwargs: Any) -> None:
        """Send a call of a recipient's service, or of `notify.eims` to its `target`."""
        targets = kwargs.get(ATTR_TARGET)
        if targets and isinstance(recipient := targets[0], NotifyTarget):
            await self._async_send(recipient, None, {ATTR_MESSAGE: message, **kwargs})
        else:
            await self._async_send(None, targets, {ATTR_MESSAGE: message, **kwargs})

    async def _async_send(
        self,
        target: NotifyTarget | None,
        names: list[str] | None,
        data: Mapping[str, Any],
    ) -> None:
        """Send one notification; every message is tried before the first error is raised."""
        message: str = data[ATTR_MESSAGE]
        title: str | None = data.get(ATTR_TITLE) or None
        options = _message_options(data.get(ATTR_DATA))
        entry = self._entry(target)
        # Taken now: a reload may replace the entry's account while this call waits.
        account = entry.runtime_data.account
        if target is not None and target.subentry_id is not None:
            subentry = entry.subentries[target.subentry_id]
            outgoing = [recipient_message(subentry, message, title, options)]
        else:
            outgoing = self._account_messages(
                entry, names or [], message, title, options
            )
        errors: list[HomeAssistantError] = []
        for item in outgoing:
            try:
                await account.async_send(item, ORIGIN_NOTIFY)
            except HomeAssistantError as err:
                errors.append(err)
        if errors:
            raise errors[0]

    def _entry(self, target: NotifyTarget | None) -> EimsConfigEntry:
        """Return the target's account, or the only one for `notify.eims`."""
        if target is not None:
            return service.async_get_config_entry(self.hass, DOMAIN, target.entry_id)
        entries = self.hass.config_entries.async_loaded_entries(DOMAIN)
        if len(entries) != 1:
            raise validation_error("notify_account_ambiguous", count=str(len(entries)))
        return entries[0]

    def _account_messages(
        self,
        entry: EimsConfigEntry,
        names: list[str],
        message: str,
        title: str | None,
        options: MessageOptions,
    ) -> list[OutgoingMessage]:
        """Split `target` into recipients (by name or service) and numbers (the rest)."""
        if not names:
            raise validation_error("no_notify_target")
        by_name = {
            key: subentry
            for subentry in recipients(entry)
            for key in (slugify(subentry.title), *self._names_of(subentry.subentry_id))
        }
        numbers: list[str] = []
        outgoing: list[OutgoingMessage] = []
        for name in names:
            key = slugify(name.removeprefix(f"{NOTIFY_DOMAIN}."))
            if (subentry := by_name.get(key)) is not None:
                outgoing.append(recipient_message(subentry, message, title, options))
            else:
                numbers.append(name)
        if numbers:
            outgoing.insert(0, titled_message(numbers, message, title, options))
        return outgoing

    def _names_of(self, subentry_id: str) -> list[str]:
        """Return the service name of a recipient (what `target` may also call it)."""
        return [
            name
            for name, target in self.registered_targets.items()
            if target.subentry_id == subentry_id
        ]
