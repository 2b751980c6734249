"""Sensors: measurements, energy totals, external meters, system and battery group."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    PERCENTAGE,
    SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
    EntityCategory,
    UnitOfApparentPower,
    UnitOfElectricCurrent,
    UnitOfElectricPotential,
    UnitOfEnergy,
    UnitOfFrequency,
    UnitOfPower,
    UnitOfReactivePower,
    UnitOfVolume,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .coordinator import HomeWizardConfigEntry, HomeWizardCoordinator, HomeWizardData
from .entity import HomeWizardEntity
from .vendor.energy_api.ha.devices import async_remove_stale_devices
from .vendor.energy_api.ha.sensor import MonotonicTotalSensor
from .vendor.energy_api.homewizard import ExternalMeter

PARALLEL_UPDATES = 0
# Uptime jitters by the time a poll takes; the boot time moves only past this.
UPTIME_DEVIATION = timedelta(minutes=1)


@dataclass(frozen=True, kw_only=True)
class HomeWizardSensorDescription(SensorEntityDescription):
    """A sensor and how to read it from the device's data."""

    value_fn: Callable[[HomeWizardData], StateType | datetime]
    part: str = "measurement"


def _measured(name: str) -> Callable[[HomeWizardData], float | int | None]:
    def value(data: HomeWizardData) -> float | int | None:
        result: float | int | None = getattr(data.measurement, name)
        return result

    return value


def _energy(
    key: str, translation_key: str, *, enabled: bool = True
) -> HomeWizardSensorDescription:
    return HomeWizardSensorDescription(
        key=key,
        translation_key=translation_key,
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=3,
        entity_registry_enabled_default=enabled,
        value_fn=_measured(key),
    )


def _phased(
    base: str,
    unit: str,
    device_class: SensorDeviceClass,
    translation: str,
    *,
    total: bool = True,
    enabled: bool = False,
    suffix: str = "",
) -> list[HomeWizardSensorDescription]:
    """Return the total (optional) and per-phase sensors of one quantity."""
    keys = [(f"{base}{suffix}", translation)] if total else []
    keys += [(f"{base}_l{n}{suffix}", f"{translation}_phase") for n in (1, 2, 3)]
    return [
        HomeWizardSensorDescription(
            key=key,
            translation_key=translation_key,
            translation_placeholders={"phase": key.split("_l")[1][0]}
            if "_l" in key.removeprefix(base)
            else None,
            device_class=device_class,
            state_class=SensorStateClass.MEASUREMENT,
            native_unit_of_measurement=unit,
            entity_registry_enabled_default=enabled,
            value_fn=_measured(key),
        )
        for key, translation_key in keys
    ]


def _power_factor(
    key: str, translation_key: str, phase: str | None
) -> HomeWizardSensorDescription:
    return HomeWizardSensorDescription(
        key=key,
        translation_key=translation_key,
        translation_placeholders={"phase": phase} if phase else None,
        device_class=SensorDeviceClass.POWER_FACTOR,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=PERCENTAGE,
        entity_registry_enabled_default=False,
        value_fn=lambda data: (
            None
            if (pf := getattr(data.measurement, key)) is None
            else round(pf * 100, 1)
        ),
    )


def _count(
    key: str, translation_key: str, phase: str | None = None
) -> HomeWizardSensorDescription:
    return HomeWizardSensorDescription(
        key=key,
        translation_key=translation_key,
        translation_placeholders={"phase": phase} if phase else None,
        entity_category=EntityCategory.DIAGNOSTIC,
        state_class=SensorStateClass.TOTAL_INCREASING,
        entity_registry_enabled_default=False,
        value_fn=_measured(key),
    )


def _local_time(value: datetime | None) -> datetime | None:
    """Return a device timestamp (local time without zone) in HA's time zone."""
    return (
        None if value is None else value.replace(tzinfo=dt_util.get_default_time_zone())
    )


MEASUREMENT_SENSORS: tuple[HomeWizardSensorDescription, ...] = (
    HomeWizardSensorDescription(
        key="protocol_version",
        translation_key="dsmr_version",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=_measured("protocol_version"),
    ),
    HomeWizardSensorDescription(
        key="meter_model",
        translation_key="meter_model",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda data: data.measurement.meter_model,
    ),
    HomeWizardSensorDescription(
        key="unique_id",
        translation_key="meter_id",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.measurement.unique_id,
    ),
    HomeWizardSensorDescription(
        key="tariff",
        translation_key="tariff",
        device_class=SensorDeviceClass.ENUM,
        options=["1", "2", "3", "4"],
        value_fn=lambda data: (
            None if data.measurement.tariff is None else str(data.measurement.tariff)
        ),
    ),
    _energy("energy_import_kwh", "energy_import"),
    *(_energy(f"energy_import_t{n}_kwh", f"energy_import_t{n}") for n in (1, 2, 3, 4)),
    _energy("energy_export_kwh", "energy_export"),
    *(_energy(f"energy_export_t{n}_kwh", f"energy_export_t{n}") for n in (1, 2, 3, 4)),
    *_phased(
        "power",
        UnitOfPower.WATT,
        SensorDeviceClass.POWER,
        "power",
        enabled=True,
        suffix="_w",
    ),
    *_phased(
        "voltage",
        UnitOfElectricPotential.VOLT,
        SensorDeviceClass.VOLTAGE,
        "voltage",
        suffix="_v",
    ),
    *_phased(
        "current",
        UnitOfElectricCurrent.AMPERE,
        SensorDeviceClass.CURRENT,
        "current",
        suffix="_a",
    ),
    *_phased(
        "apparent_current",
        UnitOfElectricCurrent.AMPERE,
        SensorDeviceClass.CURRENT,
        "apparent_current",
        suffix="_a",
    ),
    *_phased(
        "reactive_current",
        UnitOfElectricCurrent.AMPERE,
        SensorDeviceClass.CURRENT,
        "reactive_current",
        suffix="_a",
    ),
    *_phased(
        "apparent_power",
        UnitOfApparentPower.VOLT_AMPERE,
        SensorDeviceClass.APPARENT_POWER,
        "apparent_power",
        suffix="_va",
    ),
    *_phased(
        "reactive_power",
        UnitOfReactivePower.VOLT_AMPERE_REACTIVE,
        SensorDeviceClass.REACTIVE_POWER,
        "reactive_power",
        suffix="_var",
    ),
    _power_factor("power_factor", "power_factor", None),
    *(
        _power_factor(f"power_factor_l{n}", "power_factor_phase", str(n))
        for n in (1, 2, 3)
    ),
    HomeWizardSensorDescription(
        key="frequency_hz",
        translation_key="frequency",
        device_class=SensorDeviceClass.FREQUENCY,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfFrequency.HERTZ,
        entity_registry_enabled_default=False,
        value_fn=_measured("frequency_hz"),
    ),
    *(
        _count(f"voltage_sag_l{n}_count", "voltage_sag_phase", str(n))
        for n in (1, 2, 3)
    ),
    *(
        _count(f"voltage_swell_l{n}_count", "voltage_swell_phase", str(n))
        for n in (1, 2, 3)
    ),
    _count("any_power_fail_count", "any_power_fail"),
    _count("long_power_fail_count", "long_power_fail"),
    HomeWizardSensorDescription(
        key="average_power_15m_w",
        translation_key="average_power_15m",
        device_class=SensorDeviceClass.POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfPower.WATT,
        value_fn=_measured("average_power_15m_w"),
    ),
    HomeWizardSensorDescription(
        key="monthly_power_peak_w",
        translation_key="monthly_power_peak",
        device_class=SensorDeviceClass.POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfPower.WATT,
        value_fn=_measured("monthly_power_peak_w"),
    ),
    HomeWizardSensorDescription(
        key="monthly_power_peak_timestamp",
        translation_key="monthly_power_peak_timestamp",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda data: _local_time(
            data.measurement.monthly_power_peak_timestamp
        ),
    ),
    HomeWizardSensorDescription(
        key="state_of_charge_pct",
        translation_key="state_of_charge",
        device_class=SensorDeviceClass.BATTERY,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=PERCENTAGE,
        value_fn=_measured("state_of_charge_pct"),
    ),
    HomeWizardSensorDescription(
        key="cycles",
        translation_key="cycles",
        state_class=SensorStateClass.TOTAL_INCREASING,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=_measured("cycles"),
    ),
)

SYSTEM_SENSORS: tuple[HomeWizardSensorDescription, ...] = (
    HomeWizardSensorDescription(
        part="system",
        key="wifi_ssid",
        translation_key="wifi_ssid",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda data: data.system.wifi_ssid if data.system else None,
    ),
    HomeWizardSensorDescription(
        part="system",
        key="wifi_rssi",
        translation_key="wifi_rssi",
        device_class=SensorDeviceClass.SIGNAL_STRENGTH,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.system.wifi_rssi_db if data.system else None,
    ),
    HomeWizardSensorDescription(
        part="system",
        key="wifi_strength",
        translation_key="wifi_strength",
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=PERCENTAGE,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.system.wifi_strength_pct if data.system else None,
    ),
)

BATTERY_GROUP_SENSORS: tuple[HomeWizardSensorDescription, ...] = (
    HomeWizardSensorDescription(
        part="batteries",
        key="battery_group_power_w",
        translation_key="battery_group_power",
        device_class=SensorDeviceClass.POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfPower.WATT,
        value_fn=lambda data: data.batteries.power_w if data.batteries else None,
    ),
    HomeWizardSensorDescription(
        part="batteries",
        key="battery_group_target_power_w",
        translation_key="battery_group_target_power",
        device_class=SensorDeviceClass.POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfPower.WATT,
        value_fn=lambda data: data.batteries.target_power_w if data.batteries else None,
    ),
    HomeWizardSensorDescription(
        part="batteries",
        key="battery_group_max_consumption_w",
        translation_key="battery_group_max_consumption",
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.WATT,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda data: (
            data.batteries.max_consumption_w if data.batteries else None
        ),
    ),
    HomeWizardSensorDescription(
        part="batteries",
        key="battery_group_max_production_w",
        translation_key="battery_group_max_production",
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.WATT,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda data: (
            data.batteries.max_production_w if data.batteries else None
        ),
    ),
    HomeWizardSensorDescription(
        part="batteries",
        key="battery_count",
        translation_key="battery_count",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda data: data.batteries.battery_count if data.batteries else None,
    ),
)

UPTIME = HomeWizardSensorDescription(
    part="system",
    key="uptime",
    translation_key="uptime",
    device_class=SensorDeviceClass.TIMESTAMP,
    entity_category=EntityCategory.DIAGNOSTIC,
    entity_registry_enabled_default=False,
    value_fn=lambda data: None,
)

# External meter types: (device class, unit, total) by type; unknown types show raw.
EXTERNAL_TYPES: dict[str, tuple[SensorDeviceClass | None, str | None]] = {
    "gas_meter": (SensorDeviceClass.GAS, UnitOfVolume.CUBIC_METERS),
    "water_meter": (SensorDeviceClass.WATER, UnitOfVolume.CUBIC_METERS),
    "warm_water_meter": (SensorDeviceClass.WATER, UnitOfVolume.CUBIC_METERS),
    "heat_meter": (SensorDeviceClass.ENERGY, UnitOfEnergy.GIGA_JOULE),
    "inlet_heat_meter": (None, UnitOfVolume.CUBIC_METERS),
}
_UNITS = {"m3": UnitOfVolume.CUBIC_METERS, "GJ": UnitOfEnergy.GIGA_JOULE}


async def async_setup_entry(
    hass: HomeAssistant,
    entry: HomeWizardConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors this device reports, and external meters as they appear."""
    coordinator = entry.runtime_data
    data = coordinator.data
    entities: list[SensorEntity] = []
    for description in (*MEASUREMENT_SENSORS, *SYSTEM_SENSORS, *BATTERY_GROUP_SENSORS):
        if description.value_fn(data) is None:
            continue
        total = (
            description.state_class is SensorStateClass.TOTAL_INCREASING
            and description.device_class is not None
        )
        entities.append(
            (HomeWizardTotalSensor if total else HomeWizardSensor)(
                coordinator, description
            )
        )
    if data.system is not None and data.system.uptime_s is not None:
        entities.append(HomeWizardUptimeSensor(coordinator, UPTIME))
    async_add_entities(entities)

    reported: frozenset[str] | None = None

    @callback
    def add_external_meters() -> None:
        """Add meters that appear, remove devices of meters that are gone."""
        nonlocal reported
        meters = coordinator.data.measurement.external
        keys = frozenset(meter.key for meter in meters)
        if keys == reported:
            return
        new = [
            meter for meter in meters if reported is None or meter.key not in reported
        ]
        reported = keys
        if new:
            async_add_entities(
                HomeWizardExternalSensor(coordinator, meter) for meter in new
            )
        identifiers = {(DOMAIN, external_identifier(meter)) for meter in meters}
        async_remove_stale_devices(
            hass, entry, {(DOMAIN, coordinator.device.serial), *identifiers}
        )

    add_external_meters()
    entry.async_on_unload(
        coordinator.async_add_listener(add_external_meters, frozenset({"external"}))
    )


def external_identifier(meter: ExternalMeter) -> str:
    """Return the device identifier of an external meter."""
    return f"{meter.type}_{meter.unique_id}"


class HomeWizardSensor(HomeWizardEntity, SensorEntity):
    """A sensor whose state is its description's `value_fn`."""

    entity_description: HomeWizardSensorDescription

    def __init__(
        self,
        coordinator: HomeWizardCoordinator,
        description: HomeWizardSensorDescription,
    ) -> None:
        """Describe the sensor."""
        measured = description.part == "measurement"
        super().__init__(
            coordinator,
            description.key,
            description.key if measured else description.part,
        )
        self.entity_description = description

    def _refresh_state(self) -> None:
        self._attr_native_value = self.entity_description.value_fn(self.data)

    def _shown(self) -> object:
        return self._attr_native_value


class HomeWizardTotalSensor(HomeWizardSensor, MonotonicTotalSensor):
    """An energy total: never goes backwards on a glitch, restored after a restart."""

    def _refresh_state(self) -> None:
        self._publish_total(self.entity_description.value_fn(self.data))


class HomeWizardUptimeSensor(HomeWizardSensor):
    """The device's boot time, which moves only when uptime disagrees by a minute."""

    def _refresh_state(self) -> None:
        uptime = self.data.system.uptime_s if self.data.system else None
        if uptime is None:
            return
        booted = dt_util.utcnow().replace(microsecond=0) - timedelta(seconds=uptime)
        current = self._attr_native_value
        if (
            not isinstance(current, datetime)
            or abs(current - booted) > UPTIME_DEVIATION
        ):
            self._attr_native_value = booted


class HomeWizardExternalSensor(HomeWizardEntity, MonotonicTotalSensor):
    """A gas, water or heat meter connected to the P1 meter, as its own device.

    Known meter types are totals for the Energy dashboard; an unknown type is still
    shown, as a plain measurement.
    """

    def __init__(
        self, coordinator: HomeWizardCoordinator, meter: ExternalMeter
    ) -> None:
        """Describe the meter from its type and unit."""
        identifier = external_identifier(meter)
        super().__init__(coordinator, identifier, "external")
        self._key = meter.key
        self._known = meter.type in EXTERNAL_TYPES
        device_class, unit = EXTERNAL_TYPES.get(meter.type, (None, None))
        self._attr_translation_key = meter.type if self._known else "external_meter"
        self._attr_device_class = device_class
        self._attr_native_unit_of_measurement = unit or _UNITS.get(
            meter.unit or "", meter.unit
        )
        if not self._known:
            self._attr_state_class = SensorStateClass.MEASUREMENT
        name = meter.type.replace("_", " ").capitalize()
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, identifier)},
            manufacturer="HomeWizard",
            model=name,
            name=name,
            serial_number=meter.unique_id,
        )

    async def async_added_to_hass(self) -> None:
        """Link the meter's device to the P1 meter."""
        await super().async_added_to_hass()
        registry = dr.async_get(self.hass)
        main = (DOMAIN, self.coordinator.device.serial)
        devices = dr.async_entries_for_config_entry(
            registry, self.coordinator.config_entry.entry_id
        )
        parent = next(
            (device for device in devices if main in device.identifiers), None
        )
        if self.device_entry is not None and parent is not None:
            registry.async_update_device(self.device_entry.id, via_device_id=parent.id)

    def _refresh_state(self) -> None:
        meter = next(
            (m for m in self.data.measurement.external if m.key == self._key), None
        )
        value = None if meter is None else meter.value
        if self._known:
            self._publish_total(value)
        else:
            self._attr_native_value = value

    def _shown(self) -> object:
        return self._attr_native_value
