"""Base entity: device info, and state writes only when something changed."""

from __future__ import annotations

from homeassistant.core import callback
from homeassistant.helpers.device_registry import CONNECTION_NETWORK_MAC, DeviceInfo
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN
from .coordinator import HomeWizardCoordinator, HomeWizardData
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
    """An entity of one device; subclasses compute their state in `_refresh_state`."""

    _attr_has_entity_name = True

    def __init__(
        self, coordinator: HomeWizardCoordinator, key: str, shows: str
    ) -> None:
        """Attach to the device.

        `shows` is the measurement field or the data part (`system`, `batteries`,
        `device`) the entity shows: pushes of anything else skip it.
        """
        super().__init__(coordinator, context=frozenset({shows}))
        self._attr_unique_id = f"{coordinator.device.serial}_{key}"
        self._attr_device_info = device_info(coordinator.device)
        self._written: tuple[object, ...] | None = None

    @property
    def data(self) -> HomeWizardData:
        """Return the coordinator's data."""
        return self.coordinator.data

    def _refresh_state(self) -> None:
        """Recompute the `_attr_*` state from the coordinator's data."""

    def _shown(self) -> object:
        """Return the value the entity shows; None means the device does not deliver it."""
        return True

    def _state_key(self) -> tuple[object, ...]:
        """Return what a state write would show; equal keys need no write."""
        return (self.available, self._shown())

    @property
    def available(self) -> bool:
        """Return whether the device delivers and reports this entity's value."""
        return super().available and self._shown() is not None

    async def async_added_to_hass(self) -> None:
        """Compute the first state (the platform writes it)."""
        await super().async_added_to_hass()
        self._refresh_state()
        self._written = self._state_key()

    @callback
    def _handle_coordinator_update(self) -> None:
        """Write state only when what it shows changed."""
        self._refresh_state()
        written = self._state_key()
        if written != self._written:
            self._written = written
            self.async_write_ha_state()
