"""Base entity: device info, and state writes only when something changed."""

from __future__ import annotations

from datetime import datetime
import time

from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers.device_registry import CONNECTION_NETWORK_MAC, DeviceInfo
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import CONF_MIN_WRITE_INTERVAL, DEFAULT_MIN_WRITE_INTERVAL, DOMAIN
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


# A throttled value held back is written by the first push after the interval, so it
# is fresh; this much later a timer writes it if no push came (the value stood still).
HELD_WRITE_GRACE = 1.5


class HomeWizardEntity(CoordinatorEntity[HomeWizardCoordinator]):
    """An entity of one device; subclasses compute their state in `_refresh_state`."""

    _attr_has_entity_name = True
    # Power-like values change every second; they are written at most every
    # `min_write_interval` seconds.
    throttled = False

    def __init__(
        self, coordinator: HomeWizardCoordinator, key: str, shows: str | None = None
    ) -> None:
        """Attach to the device.

        `shows` is the measurement field (default: `key`) or the data part (`system`,
        `batteries`, `device`) the entity shows: pushes of anything else skip it.
        """
        super().__init__(coordinator, context=frozenset({shows or key}))
        self._attr_unique_id = f"{coordinator.device.serial}_{key}"
        self._attr_device_info = device_info(coordinator.device)
        self._last_write = 0.0
        self._written: tuple[object, ...] | None = None
        self._pending_write: CALLBACK_TYPE | None = None

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
        self.async_on_remove(self._cancel_pending)

    @callback
    def _handle_coordinator_update(self) -> None:
        """Write state only when it changed; throttled ones at most every interval."""
        self._refresh_state()
        if self._state_key() == self._written:
            self._cancel_pending()
            return
        interval = self._min_write_interval()
        now = time.monotonic()
        if now - self._last_write >= interval or not self.available:
            self._write_now()
        elif self._pending_write is None:
            self._pending_write = async_call_later(
                self.hass,
                self._last_write + interval + HELD_WRITE_GRACE - now,
                self._write_later,
            )

    def _min_write_interval(self) -> float:
        if not self.throttled:
            return 0.0
        options = self.coordinator.config_entry.options
        return float(options.get(CONF_MIN_WRITE_INTERVAL, DEFAULT_MIN_WRITE_INTERVAL))

    @callback
    def _write_later(self, _now: datetime) -> None:
        self._pending_write = None
        self._write_now()

    @callback
    def _write_now(self) -> None:
        self._cancel_pending()
        self._last_write = time.monotonic()
        self._written = self._state_key()
        self.async_write_ha_state()

    @callback
    def _cancel_pending(self) -> None:
        if self._pending_write is not None:
            self._pending_write()
            self._pending_write = None
