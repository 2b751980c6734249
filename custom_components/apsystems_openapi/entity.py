"""Entities of a system, its ECUs and its inverters."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN
from .coordinator import ApsystemsCoordinator, meter_ident, storage_ident
from .vendor.energy_api.apsystems import Ecu, Inverter

MANUFACTURER = "APsystems"
EMA_URL = "https://www.apsystemsema.com"


def system_device(coordinator: ApsystemsCoordinator) -> DeviceInfo:
    """Return the registry entry of the system."""
    return DeviceInfo(
        identifiers={(DOMAIN, coordinator.sid)},
        manufacturer=MANUFACTURER,
        model="EMA solar system",
        name=coordinator.config_entry.title,
        configuration_url=EMA_URL,
    )


def ecu_device(coordinator: ApsystemsCoordinator, ecu: Ecu) -> DeviceInfo:
    """Return the registry entry of an ECU, under the system."""
    return DeviceInfo(
        identifiers={(DOMAIN, ecu.eid)},
        manufacturer=MANUFACTURER,
        model=ecu.model or "ECU",
        name=f"ECU {ecu.eid[-4:]}",
        serial_number=ecu.eid,
        via_device=(DOMAIN, coordinator.sid),
    )


def inverter_device(
    coordinator: ApsystemsCoordinator, inverter: Inverter
) -> DeviceInfo:
    """Return the registry entry of an inverter, under the system."""
    return DeviceInfo(
        identifiers={(DOMAIN, inverter.uid)},
        manufacturer=MANUFACTURER,
        model=inverter.model or "Micro-inverter",
        name=f"{inverter.model or 'Inverter'} {inverter.uid[-4:]}",
        serial_number=inverter.uid,
        via_device=(DOMAIN, coordinator.sid),
    )


def meter_device(coordinator: ApsystemsCoordinator, ecu: Ecu) -> DeviceInfo:
    """Return the registry entry of an ECU's energy meter, under the system."""
    return DeviceInfo(
        identifiers={(DOMAIN, meter_ident(ecu))},
        manufacturer=MANUFACTURER,
        model="Energy meter",
        name=f"Meter {ecu.eid[-4:]}",
        via_device=(DOMAIN, coordinator.sid),
    )


def storage_device(coordinator: ApsystemsCoordinator, ecu: Ecu) -> DeviceInfo:
    """Return the registry entry of an ECU's battery, under the system."""
    return DeviceInfo(
        identifiers={(DOMAIN, storage_ident(ecu))},
        manufacturer=MANUFACTURER,
        model=ecu.model or "Battery",
        name=f"Battery {ecu.eid[-4:]}",
        via_device=(DOMAIN, coordinator.sid),
    )


class ApsystemsEntity(CoordinatorEntity[ApsystemsCoordinator]):
    """An entity of the system or one of its devices."""

    _attr_has_entity_name = True

    def __init__(
        self,
        coordinator: ApsystemsCoordinator,
        device: DeviceInfo,
        key: str,
        owner: str,
    ) -> None:
        """Attach to `device`; the unique id is the owner's id and `key`."""
        super().__init__(coordinator)
        self._attr_unique_id = f"{owner}_{key}"
        self._attr_device_info = device
