"""Sensors of an EIMS account: balances, delivery tracking and unread SMS."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from .account.delivery_status import DeliveryStatus
from .account.history import Message
from .account.track import DeliveryTracker
from .api import Balance
from .const import CONF_CURRENCY, NO_CURRENCY
from .coordinator import EimsBalanceCoordinator
from .entity import EimsEntity, account_device_info
from .entry import EimsConfigEntry

# The coordinators fetch everything; entities only read it.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class EimsBalanceDescription(SensorEntityDescription):
    """A sensor showing one of the account's balances."""

    value_fn: Callable[[Balance], Decimal]


BALANCE_SENSORS: tuple[EimsBalanceDescription, ...] = (
    EimsBalanceDescription(
        key="balance",
        translation_key="balance",
        value_fn=lambda balance: balance.balance,
    ),
    EimsBalanceDescription(
        key="gift",
        translation_key="gift",
        value_fn=lambda balance: balance.gift,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EimsConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the account's sensors."""
    balance = entry.runtime_data.balance
    async_add_entities(
        EimsBalanceSensor(balance, description) for description in BALANCE_SENSORS
    )
    async_add_entities(
        EimsDeliverySensor(entry, description) for description in DELIVERY_SENSORS
    )
    async_add_entities([EimsUnreadSensor(entry)])


class EimsBalanceSensor(EimsEntity, SensorEntity):
    """A balance, monetary when the user has said which currency the account uses."""

    entity_description: EimsBalanceDescription

    def __init__(
        self, coordinator: EimsBalanceCoordinator, description: EimsBalanceDescription
    ) -> None:
        """Set the unit from the entry's currency option."""
        super().__init__(coordinator, description)
        currency = coordinator.config_entry.options.get(CONF_CURRENCY, NO_CURRENCY)
        if currency != NO_CURRENCY:
            self._attr_device_class = SensorDeviceClass.MONETARY
            self._attr_state_class = SensorStateClass.TOTAL
            self._attr_native_unit_of_measurement = currency
            self._attr_suggested_display_precision = 2
        else:
            self._attr_state_class = SensorStateClass.MEASUREMENT

    @property
    def native_value(self) -> Decimal:
        """Return the balance without the gateway's padding zeros ("99.990000" is 99.99)."""
        value = self.entity_description.value_fn(self.coordinator.data)
        return Decimal(format(value.normalize(), "f"))


@dataclass(frozen=True, kw_only=True)
class EimsDeliveryDescription(SensorEntityDescription):
    """A sensor showing what the delivery tracker knows."""

    value_fn: Callable[[DeliveryTracker], StateType]
    attributes_fn: Callable[[DeliveryTracker], dict[str, Any] | None] | None = None


DELIVERY_SENSORS: tuple[EimsDeliveryDescription, ...] = (
    EimsDeliveryDescription(
        key="last_delivery_status",
        translation_key="last_delivery_status",
        device_class=SensorDeviceClass.ENUM,
        options=[status.value for status in DeliveryStatus],
        value_fn=lambda tracker: (
            tracker.last_report.status.value if tracker.last_report else None
        ),
        attributes_fn=lambda tracker: (
            tracker.last_report.as_dict() if tracker.last_report else None
        ),
    ),
    EimsDeliveryDescription(
        key="awaiting_report",
        translation_key="awaiting_report",
        entity_category=EntityCategory.DIAGNOSTIC,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda tracker: tracker.pending_count,
    ),
    EimsDeliveryDescription(
        key="sms_sent",
        translation_key="sms_sent",
        state_class=SensorStateClass.TOTAL_INCREASING,
        value_fn=lambda tracker: tracker.sent,
    ),
    EimsDeliveryDescription(
        key="delivered",
        translation_key="delivered",
        state_class=SensorStateClass.TOTAL_INCREASING,
        value_fn=lambda tracker: tracker.delivered,
    ),
    EimsDeliveryDescription(
        key="failed",
        translation_key="failed",
        state_class=SensorStateClass.TOTAL_INCREASING,
        value_fn=lambda tracker: tracker.failed,
    ),
)


class EimsDeliverySensor(SensorEntity):
    """A delivery figure, written whenever the tracker changes (polled or pushed)."""

    _attr_has_entity_name = True
    _attr_should_poll = False
    # New with every report: recorded, each would add a row to the attributes table.
    _unrecorded_attributes = frozenset(
        {"message_id", "number", "sent_at", "reported_at"}
    )
    entity_description: EimsDeliveryDescription

    def __init__(
        self, entry: EimsConfigEntry, description: EimsDeliveryDescription
    ) -> None:
        """Attach the sensor to the account's device and delivery tracker."""
        # Not a coordinator entity: the tracker's figures stay true while the gateway is away.
        self._messages = entry.runtime_data.messages
        self._tracker = entry.runtime_data.account.tracker
        self.entity_description = description
        self._attr_unique_id = f"{entry.entry_id}_{description.key}"
        self._attr_device_info = account_device_info(entry)

    async def async_added_to_hass(self) -> None:
        """Follow the tracker."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self._tracker.async_add_listener(self.async_write_ha_state)
        )

    async def async_update(self) -> None:
        """Ask the gateway for reports now: `homeassistant.update_entity` lands here."""
        await self._messages.async_request_refresh()

    @property
    def native_value(self) -> StateType:
        """Return the figure."""
        return self.entity_description.value_fn(self._tracker)

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Return the last report's details (the last status sensor only)."""
        attributes_fn = self.entity_description.attributes_fn
        return attributes_fn(self._tracker) if attributes_fn else None


class EimsUnreadSensor(SensorEntity):
    """How many received SMS nobody has read yet in the account's conversations."""

    _attr_has_entity_name = True
    _attr_should_poll = False
    _attr_translation_key = "unread_sms"
    _attr_state_class = SensorStateClass.MEASUREMENT

    def __init__(self, entry: EimsConfigEntry) -> None:
        """Attach the sensor to the account's device and conversations."""
        self._conversations = entry.runtime_data.account.conversations
        self._attr_unique_id = f"{entry.entry_id}_unread_sms"
        self._attr_device_info = account_device_info(entry)

    async def async_added_to_hass(self) -> None:
        """Follow the conversations."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self._conversations.async_add_listener(self._async_changed)
        )

    @callback
    def _async_changed(self, _messages: list[Message]) -> None:
        self.async_write_ha_state()

    @property
    def native_value(self) -> int:
        """Return the number of unread SMS."""
        return self._conversations.history.unread
