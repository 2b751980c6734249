"""Base entity: the device it belongs to and its unique id."""

from __future__ import annotations

from homeassistant.helpers.device_registry import CONNECTION_NETWORK_MAC, DeviceInfo
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN
from .coordinator import HomeWizardCoordinator
from .vendor.energy_api.homewizard import Device


def device_info(device: Device) -> DeviceInfo:
    """Return the registry entry of the device itself."""
    return DeviceInfo(
        identifiers={(DOMAIN, device.serial)},
        connections={(CONNECTION_NETWORK_MAC, device.serial)},
        manufacturer="HomeWizard",
        model=device.product_name,
        model_id=device.product_type,
        name=device.product_name,
        serial_number=device.serial,
        sw_version=device.firmware_version,
    )


class HomeWizardEntity(CoordinatorEntity[HomeWizardCoordinator]):
    """An entity of one device; unavailable while the coordinator's updates fail."""

    _attr_has_entity_name = True

    def __init__(self, coordinator: HomeWizardCoordinator, key: str) -> None:
        """Attach to the device; the unique id is the serial and `key`."""
        super().__init__(coordinator)
        self._attr_unique_id = f"{coordinator.device.serial}_{key}"
        self._attr_device_info = device_info(coordinator.device)
