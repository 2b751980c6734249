"""Base entity: the unit's device and unique ids."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN
from .coordinator import PowervaultCoordinator


class PowervaultEntity(CoordinatorEntity[PowervaultCoordinator]):
    """An entity of one unit; unavailable while its reads fail."""

    _attr_has_entity_name = True

    def __init__(self, coordinator: PowervaultCoordinator, key: str) -> None:
        """Attach to the unit; the unique id is the unit id and `key`."""
        super().__init__(coordinator)
        unit = coordinator.unit
        self._attr_unique_id = f"{unit.unit_id}_{key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, unit.unit_id)},
            manufacturer="Powervault",
            model=unit.model,
            name=coordinator.config_entry.title,
            serial_number=unit.unit_id,
            sw_version=unit.firmware,
        )
