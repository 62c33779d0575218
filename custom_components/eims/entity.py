"""The base entity of the EIMS integration."""

from __future__ import annotations

from homeassistant.const import CONF_HOST
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import CONF_ACCOUNT, DOMAIN, MANUFACTURER, MODEL
from .coordinator import EimsBalanceCoordinator
from .entry import EimsConfigEntry


def account_device_info(entry: EimsConfigEntry) -> DeviceInfo:
    """Describe the account as one service device."""
    return DeviceInfo(
        identifiers={(DOMAIN, entry.entry_id)},
        entry_type=DeviceEntryType.SERVICE,
        manufacturer=MANUFACTURER,
        model=MODEL,
        name=f"{entry.data[CONF_ACCOUNT]} @ {entry.data[CONF_HOST]}",
        configuration_url=entry.runtime_data.account.client.base_url,
    )


class EimsEntity(CoordinatorEntity[EimsBalanceCoordinator]):
    """An entity of one EIMS account showing what the balance coordinator fetched."""

    _attr_has_entity_name = True

    def __init__(
        self, coordinator: EimsBalanceCoordinator, description: EntityDescription
    ) -> None:
        """Attach the entity to the account's device."""
        super().__init__(coordinator)
        entry = coordinator.config_entry
        self.entity_description = description
        # The entry id, not the address-based unique id: reconfigure may move the address.
        self._attr_unique_id = f"{entry.entry_id}_{description.key}"
        self._attr_device_info = account_device_info(entry)
