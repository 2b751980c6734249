"""Sensors: state of charge, power flows in HA's signs, six energy totals, the override's end."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    CONCENTRATION_PARTS_PER_MILLION,
    PERCENTAGE,
    EntityCategory,
    UnitOfElectricCurrent,
    UnitOfElectricPotential,
    UnitOfEnergy,
    UnitOfFrequency,
    UnitOfPower,
    UnitOfTemperature,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from .coordinator import PowervaultConfigEntry, PowervaultCoordinator, PowervaultData
from .energy import KINDS
from .entity import PowervaultEntity
from .vendor.energy_api.ha.sensor import MonotonicTotalSensor
from .vendor.energy_api.powervault import Telemetry

PARALLEL_UPDATES = 0

type Value = StateType | datetime


@dataclass(frozen=True, kw_only=True)
class PowervaultSensorDescription(SensorEntityDescription):
    """A sensor and the value it shows from the unit's data."""

    value_fn: Callable[[PowervaultData], Value]


@dataclass(frozen=True, kw_only=True)
class TelemetrySensorDescription(SensorEntityDescription):
    """A sensor of the local API's telemetry."""

    value_fn: Callable[[Telemetry], Value]


def _power(
    key: str, value_fn: Callable[[PowervaultData], Value]
) -> PowervaultSensorDescription:
    return PowervaultSensorDescription(
        key=key,
        translation_key=key,
        device_class=SensorDeviceClass.POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfPower.WATT,
        suggested_display_precision=0,
        value_fn=value_fn,
    )


SENSORS: tuple[PowervaultSensorDescription, ...] = (
    PowervaultSensorDescription(
        key="state_of_charge",
        device_class=SensorDeviceClass.BATTERY,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=PERCENTAGE,
        value_fn=lambda d: d.soc_pct,
    ),
    _power("grid_power", lambda d: d.grid_power_w),
    _power("battery_power", lambda d: d.battery_power_w),
    _power("solar_power", lambda d: d.solar_power_w),
    _power("home_power", lambda d: d.home_power_w),
    PowervaultSensorDescription(
        key="override_end",
        translation_key="override_end",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda d: d.override_end,
    ),
    PowervaultSensorDescription(
        key="measured_at",
        translation_key="measured_at",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda d: d.measured_at,
    ),
)


def _measure(
    key: str,
    unit: str | None,
    device_class: SensorDeviceClass | None,
    value_fn: Callable[[Telemetry], Value],
) -> TelemetrySensorDescription:
    return TelemetrySensorDescription(
        key=key,
        translation_key=key,
        device_class=device_class,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=unit,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=value_fn,
    )


LOCAL_SENSORS: tuple[TelemetrySensorDescription, ...] = (
    _measure(
        "grid_current",
        UnitOfElectricCurrent.AMPERE,
        SensorDeviceClass.CURRENT,
        lambda t: t.grid_current_a,
    ),
    _measure(
        "battery_current",
        UnitOfElectricCurrent.AMPERE,
        SensorDeviceClass.CURRENT,
        lambda t: t.battery_current_a,
    ),
    _measure(
        "inverter_voltage",
        UnitOfElectricPotential.VOLT,
        SensorDeviceClass.VOLTAGE,
        lambda t: t.inverter_voltage_v,
    ),
    _measure(
        "inverter_frequency",
        UnitOfFrequency.HERTZ,
        SensorDeviceClass.FREQUENCY,
        lambda t: t.inverter_frequency_hz,
    ),
    _measure(
        "temperature",
        UnitOfTemperature.CELSIUS,
        SensorDeviceClass.TEMPERATURE,
        lambda t: t.temperature_c,
    ),
    _measure(
        "cpu_temperature",
        UnitOfTemperature.CELSIUS,
        SensorDeviceClass.TEMPERATURE,
        lambda t: t.cpu_temperature_c,
    ),
    _measure(
        "air_temperature",
        UnitOfTemperature.CELSIUS,
        SensorDeviceClass.TEMPERATURE,
        lambda t: t.voc_temperature_c,
    ),
    _measure(
        "air_humidity",
        PERCENTAGE,
        SensorDeviceClass.HUMIDITY,
        lambda t: t.voc_humidity_pct,
    ),
    _measure(
        "air_co2",
        CONCENTRATION_PARTS_PER_MILLION,
        SensorDeviceClass.CO2,
        lambda t: t.voc_co2_ppm,
    ),
    _measure("air_voc_index", None, None, lambda t: t.voc_index),
    _measure(
        "average_soc",
        PERCENTAGE,
        SensorDeviceClass.BATTERY,
        lambda t: t.soc_average_pct,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: PowervaultConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the unit's sensors; the local API's extras for P3/P3X units."""
    coordinator = entry.runtime_data
    entities: list[SensorEntity] = [
        PowervaultSensor(coordinator, description) for description in SENSORS
    ]
    entities.extend(EnergySensor(coordinator, kind) for kind in KINDS)
    if not coordinator.is_cloud:
        entities.extend(TelemetrySensor(coordinator, d) for d in LOCAL_SENSORS)
        entities.extend(_cell_sensors(coordinator))
    async_add_entities(entities)


def _cell_sensors(coordinator: PowervaultCoordinator) -> list[SensorEntity]:
    """Return a sensor per cell voltage and temperature the unit reports (disabled by default)."""
    telemetry = coordinator.unit.telemetry
    if telemetry is None:
        return []
    sensors: list[SensorEntity] = []
    for string, cell in sorted(telemetry.cell_voltages_v):
        sensors.append(
            CellSensor(
                coordinator,
                "cell_voltage",
                string,
                cell,
                UnitOfElectricPotential.VOLT,
                SensorDeviceClass.VOLTAGE,
                lambda t: t.cell_voltages_v,
            )
        )
    for string, cell in sorted(telemetry.cell_temperatures_c):
        sensors.append(
            CellSensor(
                coordinator,
                "cell_temperature",
                string,
                cell,
                UnitOfTemperature.CELSIUS,
                SensorDeviceClass.TEMPERATURE,
                lambda t: t.cell_temperatures_c,
            )
        )
    return sensors


class PowervaultSensor(PowervaultEntity, SensorEntity):
    """A value of the unit."""

    entity_description: PowervaultSensorDescription

    def __init__(
        self,
        coordinator: PowervaultCoordinator,
        description: PowervaultSensorDescription,
    ) -> None:
        """Attach to the unit."""
        super().__init__(coordinator, description.key)
        self.entity_description = description

    @property
    def native_value(self) -> Value:
        """Return the value from the unit's data."""
        return self.entity_description.value_fn(self.coordinator.unit)


class TelemetrySensor(PowervaultEntity, SensorEntity):
    """A measurement of the local API."""

    entity_description: TelemetrySensorDescription

    def __init__(
        self,
        coordinator: PowervaultCoordinator,
        description: TelemetrySensorDescription,
    ) -> None:
        """Attach to the unit."""
        super().__init__(coordinator, description.key)
        self.entity_description = description

    @property
    def native_value(self) -> Value:
        """Return the measurement, None before the first telemetry."""
        telemetry = self.coordinator.unit.telemetry
        return (
            None if telemetry is None else self.entity_description.value_fn(telemetry)
        )


class CellSensor(PowervaultEntity, SensorEntity):
    """One battery cell's voltage or temperature (local API), disabled by default."""

    _attr_entity_registry_enabled_default = False
    _attr_entity_category = EntityCategory.DIAGNOSTIC
    _attr_state_class = SensorStateClass.MEASUREMENT

    def __init__(
        self,
        coordinator: PowervaultCoordinator,
        kind: str,
        string: int,
        cell: int,
        unit: str,
        device_class: SensorDeviceClass,
        series_fn: Callable[[Telemetry], dict[tuple[int, int], float]],
    ) -> None:
        """Attach to the unit; `string` is the P3 string or P3X module."""
        super().__init__(coordinator, f"{kind}_{string}_{cell}")
        self._attr_translation_key = kind
        self._attr_translation_placeholders = {"string": str(string), "cell": str(cell)}
        self._attr_native_unit_of_measurement = unit
        self._attr_device_class = device_class
        self._series_fn = series_fn
        self._cell = (string, cell)

    @property
    def native_value(self) -> Value:
        """Return the cell's value, None before the first telemetry."""
        telemetry = self.coordinator.unit.telemetry
        return None if telemetry is None else self._series_fn(telemetry).get(self._cell)


class EnergySensor(PowervaultEntity, MonotonicTotalSensor):
    """One of the six energy totals: never lower, restored after restarts."""

    _attr_device_class = SensorDeviceClass.ENERGY
    _attr_native_unit_of_measurement = UnitOfEnergy.KILO_WATT_HOUR
    _attr_suggested_display_precision = 2

    def __init__(self, coordinator: PowervaultCoordinator, kind: str) -> None:
        """Attach to the unit; `kind` is one of `energy.KINDS`."""
        super().__init__(coordinator, f"{kind}_energy")
        self._attr_translation_key = f"{kind}_energy"
        self._kind = kind

    async def async_added_to_hass(self) -> None:
        """Restore, then take the ledger's total."""
        await super().async_added_to_hass()
        self._publish_total(self.coordinator.ledger.data.totals_kwh[self._kind])

    @callback
    def _handle_coordinator_update(self) -> None:
        self._publish_total(self.coordinator.ledger.data.totals_kwh[self._kind])
        super()._handle_coordinator_update()

    @property
    def available(self) -> bool:
        """Stay available while reads fail: the total is still true."""
        return self.native_value is not None
