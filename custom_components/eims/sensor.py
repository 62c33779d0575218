"""Sensors of an EIMS account: balance and gift balance."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import CONF_CURRENCY, NO_CURRENCY
from .coordinator import EimsConfigEntry, EimsCoordinator, EimsData
from .entity import EimsEntity

# The coordinator fetches everything; entities only read it.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class EimsBalanceDescription(SensorEntityDescription):
    """A sensor showing one of the account's balances."""

    value_fn: Callable[[EimsData], Decimal]


BALANCE_SENSORS: tuple[EimsBalanceDescription, ...] = (
    EimsBalanceDescription(
        key="balance",
        translation_key="balance",
        value_fn=lambda data: data.balance.balance,
    ),
    EimsBalanceDescription(
        key="gift",
        translation_key="gift",
        value_fn=lambda data: data.balance.gift,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: EimsConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the account's sensors."""
    coordinator = entry.runtime_data.coordinator
    async_add_entities(
        EimsBalanceSensor(coordinator, description) for description in BALANCE_SENSORS
    )


class EimsBalanceSensor(EimsEntity, SensorEntity):
    """A balance, monetary when the user has said which currency the account uses."""

    entity_description: EimsBalanceDescription

    def __init__(
        self, coordinator: EimsCoordinator, description: EimsBalanceDescription
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

    async def async_update(self) -> None:
        """Fetch the balance now: `homeassistant.update_entity` lands here."""
        self.coordinator.request_balance()
        await super().async_update()
