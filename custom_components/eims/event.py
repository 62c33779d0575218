"""Event entities of an EIMS account: received SMS and delivery reports."""

from __future__ import annotations

from typing import Final

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.const import ATTR_DOMAIN, ATTR_ENTITY_ID, EVENT_LOGBOOK_ENTRY
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .account.delivery_status import FINAL_STATUSES, DeliveryReport, DeliveryStatus
from .account.receive import SmsInbox, sms_attributes
from .account.track import DeliveryTracker
from .api import InboundSms
from .const import DOMAIN
from .entity import account_device_info
from .entry import EimsConfigEntry
from .text import excerpt

# Entities only relay what the messages coordinator fetched.
PARALLEL_UPDATES = 0

EVENT_RECEIVED = "received"
# A logbook entry's text (the logbook integration's own name for it).
ATTR_MESSAGE: Final = "message"

RECEIVED_SMS = EventEntityDescription(
    key="received_sms",
    translation_key="received_sms",
    event_types=[EVENT_RECEIVED],
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EimsConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the account's event entities."""
    async_add_entities([EimsReceivedSmsEvent(entry), EimsDeliveryReportEvent(entry)])


def received_line(sms: InboundSms) -> str:
    """Return what the logbook says after the entity's name: the sender and the text's start."""
    if sms.decoded:
        text = excerpt(sms.text) or "(empty)"
    else:
        text = f"(not valid text) {excerpt(sms.raw)}"
    return f"from {sms.sender}: {text}"


class EimsEvent(EventEntity):
    """
    An event entity of the account, fed by the inbox or the tracker, not by polling.

    Not a coordinator entity: events fetched by the poll that ends an outage would
    otherwise be written while the entity still reads unavailable.
    """

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(
        self, entry: EimsConfigEntry, description: EventEntityDescription
    ) -> None:
        """Attach the entity to the account's device."""
        self.entity_description = description
        self._attr_unique_id = f"{entry.entry_id}_{description.key}"
        self._attr_device_info = account_device_info(entry)


class EimsReceivedSmsEvent(EimsEvent):
    """Fires once per received SMS, in the order they arrived."""

    def __init__(self, entry: EimsConfigEntry) -> None:
        """Attach the entity to the account's inbox."""
        super().__init__(entry, RECEIVED_SMS)
        self._inbox: SmsInbox = entry.runtime_data.account.inbox

    async def async_added_to_hass(self) -> None:
        """Listen to the inbox."""
        await super().async_added_to_hass()
        self.async_on_remove(self._inbox.async_add_listener(self._async_received))

    @callback
    def _async_received(self, sms: InboundSms) -> None:
        self._trigger_event(EVENT_RECEIVED, sms_attributes(sms))
        self.async_write_ha_state()
        # A logbook entry, not a described bus event: every logbook view listens to these,
        # one opened before the integration loaded and this entity's more-info included.
        # No name: the logbook shows the entity's, which the user may have changed.
        self.hass.bus.async_fire(
            EVENT_LOGBOOK_ENTRY,
            {
                ATTR_MESSAGE: received_line(sms),
                ATTR_DOMAIN: DOMAIN,
                ATTR_ENTITY_ID: self.entity_id,
            },
        )


DELIVERY_REPORT = EventEntityDescription(
    key="delivery_report",
    translation_key="delivery_report",
    event_types=[
        DeliveryStatus.SENT.value,
        *(status.value for status in FINAL_STATUSES),
    ],
)


class EimsDeliveryReportEvent(EimsEvent):
    """Fires once per message when its delivery status is final."""

    def __init__(self, entry: EimsConfigEntry) -> None:
        """Attach the entity to the account's delivery tracker."""
        super().__init__(entry, DELIVERY_REPORT)
        self._tracker: DeliveryTracker = entry.runtime_data.account.tracker

    async def async_added_to_hass(self) -> None:
        """Listen to the tracker."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self._tracker.async_add_report_listener(self._async_reported)
        )

    @callback
    def _async_reported(self, report: DeliveryReport) -> None:
        # "sent" is final only on gateways without delivery reports.
        if report.final:
            self._trigger_event(report.status.value, report.as_dict())
            self.async_write_ha_state()
