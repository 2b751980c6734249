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
from .helpers import async_add_battery_group
from .vendor.energy_api.ha.devices import (
    async_get_entry_device,
    async_remove_stale_devices,
)
from .vendor.energy_api.ha.sensor import MonotonicTotalSensor
from .vendor.energy_api.homewizard import ExternalMeter

PARALLEL_UPDATES = 0
# Uptime jitters by the time a poll takes; the boot time moves only past this.
UPTIME_DEVIATION = timedelta(minutes=1)


@dataclass(frozen=True, kw_only=True)
class HomeWizardSensorDescription(SensorEntityDescription):
    """A sensor and the value it shows from the device's data."""

    value_fn: Callable[[HomeWizardData], StateType | datetime]


def _option(value: int | None) -> str | None:
    """Return a number as an enum option."""
    return None if value is None else str(value)


def _percent(fraction: float | None) -> float | None:
    """Return a fraction (power factor) in percent."""
    return None if fraction is None else round(fraction * 100, 1)


def _local_time(value: datetime | None) -> datetime | None:
    """Return a device timestamp (local time without zone) in HA's time zone."""
    return (
        None if value is None else value.replace(tzinfo=dt_util.get_default_time_zone())
    )


# Energy totals: they never go backwards (see `HomeWizardEnergySensor`).
ENERGY_SENSORS: tuple[HomeWizardSensorDescription, ...] = (
    HomeWizardSensorDescription(
        key="energy_import_kwh",
        translation_key="energy_import",
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=3,
        value_fn=lambda data: data.measurement.energy_import_kwh,
    ),
    HomeWizardSensorDescription(
        key="energy_import_t1_kwh",
        translation_key="energy_import_t1",
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=3,
        value_fn=lambda data: data.measurement.energy_import_t1_kwh,
    ),
    HomeWizardSensorDescription(
        key="energy_import_t2_kwh",
        translation_key="energy_import_t2",
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=3,
        value_fn=lambda data: data.measurement.energy_import_t2_kwh,
    ),
    HomeWizardSensorDescription(
        key="energy_import_t3_kwh",
        translation_key="energy_import_t3",
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=3,
        value_fn=lambda data: data.measurement.energy_import_t3_kwh,
    ),
    HomeWizardSensorDescription(
        key="energy_import_t4_kwh",
        translation_key="energy_import_t4",
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=3,
        value_fn=lambda data: data.measurement.energy_import_t4_kwh,
    ),
    HomeWizardSensorDescription(
        key="energy_export_kwh",
        translation_key="energy_export",
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=3,
        value_fn=lambda data: data.measurement.energy_export_kwh,
    ),
    HomeWizardSensorDescription(
        key="energy_export_t1_kwh",
        translation_key="energy_export_t1",
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=3,
        value_fn=lambda data: data.measurement.energy_export_t1_kwh,
    ),
    HomeWizardSensorDescription(
        key="energy_export_t2_kwh",
        translation_key="energy_export_t2",
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=3,
        value_fn=lambda data: data.measurement.energy_export_t2_kwh,
    ),
    HomeWizardSensorDescription(
        key="energy_export_t3_kwh",
        translation_key="energy_export_t3",
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=3,
        value_fn=lambda data: data.measurement.energy_export_t3_kwh,
    ),
    HomeWizardSensorDescription(
        key="energy_export_t4_kwh",
        translation_key="energy_export_t4",
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=3,
        value_fn=lambda data: data.measurement.energy_export_t4_kwh,
    ),
)

MEASUREMENT_SENSORS: tuple[HomeWizardSensorDescription, ...] = (
    HomeWizardSensorDescription(
        key="protocol_version",
        translation_key="dsmr_version",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda data: data.measurement.protocol_version,
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
        value_fn=lambda data: _option(data.measurement.tariff),
    ),
    HomeWizardSensorDescription(
        key="power_w",
        translation_key="power",
        device_class=SensorDeviceClass.POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfPower.WATT,
        value_fn=lambda data: data.measurement.power_w,
    ),
    HomeWizardSensorDescription(
        key="power_l1_w",
        translation_key="power_phase",
        translation_placeholders={"phase": "1"},
        device_class=SensorDeviceClass.POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfPower.WATT,
        value_fn=lambda data: data.measurement.power_l1_w,
    ),
    HomeWizardSensorDescription(
        key="power_l2_w",
        translation_key="power_phase",
        translation_placeholders={"phase": "2"},
        device_class=SensorDeviceClass.POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfPower.WATT,
        value_fn=lambda data: data.measurement.power_l2_w,
    ),
    HomeWizardSensorDescription(
        key="power_l3_w",
        translation_key="power_phase",
        translation_placeholders={"phase": "3"},
        device_class=SensorDeviceClass.POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfPower.WATT,
        value_fn=lambda data: data.measurement.power_l3_w,
    ),
    HomeWizardSensorDescription(
        key="voltage_v",
        translation_key="voltage",
        device_class=SensorDeviceClass.VOLTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfElectricPotential.VOLT,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.measurement.voltage_v,
    ),
    HomeWizardSensorDescription(
        key="voltage_l1_v",
        translation_key="voltage_phase",
        translation_placeholders={"phase": "1"},
        device_class=SensorDeviceClass.VOLTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfElectricPotential.VOLT,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.measurement.voltage_l1_v,
    ),
    HomeWizardSensorDescription(
        key="voltage_l2_v",
        translation_key="voltage_phase",
        translation_placeholders={"phase": "2"},
        device_class=SensorDeviceClass.VOLTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfElectricPotential.VOLT,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.measurement.voltage_l2_v,
    ),
    HomeWizardSensorDescription(
        key="voltage_l3_v",
        translation_key="voltage_phase",
        translation_placeholders={"phase": "3"},
        device_class=SensorDeviceClass.VOLTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfElectricPotential.VOLT,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.measurement.voltage_l3_v,
    ),
    HomeWizardSensorDescription(
        key="current_a",
        translation_key="current",
        device_class=SensorDeviceClass.CURRENT,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.measurement.current_a,
    ),
    HomeWizardSensorDescription(
        key="current_l1_a",
        translation_key="current_phase",
        translation_placeholders={"phase": "1"},
        device_class=SensorDeviceClass.CURRENT,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.measurement.current_l1_a,
    ),
    HomeWizardSensorDescription(
        key="current_l2_a",
        translation_key="current_phase",
        translation_placeholders={"phase": "2"},
        device_class=SensorDeviceClass.CURRENT,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.measurement.current_l2_a,
    ),
    HomeWizardSensorDescription(
        key="current_l3_a",
        translation_key="current_phase",
        translation_placeholders={"phase": "3"},
        device_class=SensorDeviceClass.CURRENT,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.measurement.current_l3_a,
    ),
    HomeWizardSensorDescription(
        key="apparent_current_a",
        translation_key="apparent_current",
        device_class=SensorDeviceClass.CURRENT,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.measurement.apparent_current_a,
    ),
    HomeWizardSensorDescription(
        key="apparent_current_l1_a",
        translation_key="apparent_current_phase",
        translation_placeholders={"phase": "1"},
        device_class=SensorDeviceClass.CURRENT,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.measurement.apparent_current_l1_a,
    ),
    HomeWizardSensorDescription(
        key="apparent_current_l2_a",
        translation_key="apparent_current_phase",
        translation_placeholders={"phase": "2"},
        device_class=SensorDeviceClass.CURRENT,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.measurement.apparent_current_l2_a,
    ),
    HomeWizardSensorDescription(
        key="apparent_current_l3_a",
        translation_key="apparent_current_phase",
        translation_placeholders={"phase": "3"},
        device_class=SensorDeviceClass.CURRENT,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.measurement.apparent_current_l3_a,
    ),
    HomeWizardSensorDescription(
        key="reactive_current_a",
        translation_key="reactive_current",
        device_class=SensorDeviceClass.CURRENT,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.measurement.reactive_current_a,
    ),
    HomeWizardSensorDescription(
        key="reactive_current_l1_a",
        translation_key="reactive_current_phase",
        translation_placeholders={"phase": "1"},
        device_class=SensorDeviceClass.CURRENT,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.measurement.reactive_current_l1_a,
    ),
    HomeWizardSensorDescription(
        key="reactive_current_l2_a",
        translation_key="reactive_current_phase",
        translation_placeholders={"phase": "2"},
        device_class=SensorDeviceClass.CURRENT,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.measurement.reactive_current_l2_a,
    ),
    HomeWizardSensorDescription(
        key="reactive_current_l3_a",
        translation_key="reactive_current_phase",
        translation_placeholders={"phase": "3"},
        device_class=SensorDeviceClass.CURRENT,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.measurement.reactive_current_l3_a,
    ),
    HomeWizardSensorDescription(
        key="apparent_power_va",
        translation_key="apparent_power",
        device_class=SensorDeviceClass.APPARENT_POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfApparentPower.VOLT_AMPERE,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.measurement.apparent_power_va,
    ),
    HomeWizardSensorDescription(
        key="apparent_power_l1_va",
        translation_key="apparent_power_phase",
        translation_placeholders={"phase": "1"},
        device_class=SensorDeviceClass.APPARENT_POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfApparentPower.VOLT_AMPERE,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.measurement.apparent_power_l1_va,
    ),
    HomeWizardSensorDescription(
        key="apparent_power_l2_va",
        translation_key="apparent_power_phase",
        translation_placeholders={"phase": "2"},
        device_class=SensorDeviceClass.APPARENT_POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfApparentPower.VOLT_AMPERE,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.measurement.apparent_power_l2_va,
    ),
    HomeWizardSensorDescription(
        key="apparent_power_l3_va",
        translation_key="apparent_power_phase",
        translation_placeholders={"phase": "3"},
        device_class=SensorDeviceClass.APPARENT_POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfApparentPower.VOLT_AMPERE,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.measurement.apparent_power_l3_va,
    ),
    HomeWizardSensorDescription(
        key="reactive_power_var",
        translation_key="reactive_power",
        device_class=SensorDeviceClass.REACTIVE_POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfReactivePower.VOLT_AMPERE_REACTIVE,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.measurement.reactive_power_var,
    ),
    HomeWizardSensorDescription(
        key="reactive_power_l1_var",
        translation_key="reactive_power_phase",
        translation_placeholders={"phase": "1"},
        device_class=SensorDeviceClass.REACTIVE_POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfReactivePower.VOLT_AMPERE_REACTIVE,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.measurement.reactive_power_l1_var,
    ),
    HomeWizardSensorDescription(
        key="reactive_power_l2_var",
        translation_key="reactive_power_phase",
        translation_placeholders={"phase": "2"},
        device_class=SensorDeviceClass.REACTIVE_POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfReactivePower.VOLT_AMPERE_REACTIVE,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.measurement.reactive_power_l2_var,
    ),
    HomeWizardSensorDescription(
        key="reactive_power_l3_var",
        translation_key="reactive_power_phase",
        translation_placeholders={"phase": "3"},
        device_class=SensorDeviceClass.REACTIVE_POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfReactivePower.VOLT_AMPERE_REACTIVE,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.measurement.reactive_power_l3_var,
    ),
    HomeWizardSensorDescription(
        key="power_factor",
        translation_key="power_factor",
        device_class=SensorDeviceClass.POWER_FACTOR,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=PERCENTAGE,
        entity_registry_enabled_default=False,
        value_fn=lambda data: _percent(data.measurement.power_factor),
    ),
    HomeWizardSensorDescription(
        key="power_factor_l1",
        translation_key="power_factor_phase",
        translation_placeholders={"phase": "1"},
        device_class=SensorDeviceClass.POWER_FACTOR,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=PERCENTAGE,
        entity_registry_enabled_default=False,
        value_fn=lambda data: _percent(data.measurement.power_factor_l1),
    ),
    HomeWizardSensorDescription(
        key="power_factor_l2",
        translation_key="power_factor_phase",
        translation_placeholders={"phase": "2"},
        device_class=SensorDeviceClass.POWER_FACTOR,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=PERCENTAGE,
        entity_registry_enabled_default=False,
        value_fn=lambda data: _percent(data.measurement.power_factor_l2),
    ),
    HomeWizardSensorDescription(
        key="power_factor_l3",
        translation_key="power_factor_phase",
        translation_placeholders={"phase": "3"},
        device_class=SensorDeviceClass.POWER_FACTOR,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=PERCENTAGE,
        entity_registry_enabled_default=False,
        value_fn=lambda data: _percent(data.measurement.power_factor_l3),
    ),
    HomeWizardSensorDescription(
        key="frequency_hz",
        translation_key="frequency",
        device_class=SensorDeviceClass.FREQUENCY,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfFrequency.HERTZ,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.measurement.frequency_hz,
    ),
    HomeWizardSensorDescription(
        key="voltage_sag_l1_count",
        translation_key="voltage_sag_phase",
        translation_placeholders={"phase": "1"},
        entity_category=EntityCategory.DIAGNOSTIC,
        state_class=SensorStateClass.TOTAL_INCREASING,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.measurement.voltage_sag_l1_count,
    ),
    HomeWizardSensorDescription(
        key="voltage_sag_l2_count",
        translation_key="voltage_sag_phase",
        translation_placeholders={"phase": "2"},
        entity_category=EntityCategory.DIAGNOSTIC,
        state_class=SensorStateClass.TOTAL_INCREASING,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.measurement.voltage_sag_l2_count,
    ),
    HomeWizardSensorDescription(
        key="voltage_sag_l3_count",
        translation_key="voltage_sag_phase",
        translation_placeholders={"phase": "3"},
        entity_category=EntityCategory.DIAGNOSTIC,
        state_class=SensorStateClass.TOTAL_INCREASING,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.measurement.voltage_sag_l3_count,
    ),
    HomeWizardSensorDescription(
        key="voltage_swell_l1_count",
        translation_key="voltage_swell_phase",
        translation_placeholders={"phase": "1"},
        entity_category=EntityCategory.DIAGNOSTIC,
        state_class=SensorStateClass.TOTAL_INCREASING,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.measurement.voltage_swell_l1_count,
    ),
    HomeWizardSensorDescription(
        key="voltage_swell_l2_count",
        translation_key="voltage_swell_phase",
        translation_placeholders={"phase": "2"},
        entity_category=EntityCategory.DIAGNOSTIC,
        state_class=SensorStateClass.TOTAL_INCREASING,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.measurement.voltage_swell_l2_count,
    ),
    HomeWizardSensorDescription(
        key="voltage_swell_l3_count",
        translation_key="voltage_swell_phase",
        translation_placeholders={"phase": "3"},
        entity_category=EntityCategory.DIAGNOSTIC,
        state_class=SensorStateClass.TOTAL_INCREASING,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.measurement.voltage_swell_l3_count,
    ),
    HomeWizardSensorDescription(
        key="any_power_fail_count",
        translation_key="any_power_fail",
        entity_category=EntityCategory.DIAGNOSTIC,
        state_class=SensorStateClass.TOTAL_INCREASING,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.measurement.any_power_fail_count,
    ),
    HomeWizardSensorDescription(
        key="long_power_fail_count",
        translation_key="long_power_fail",
        entity_category=EntityCategory.DIAGNOSTIC,
        state_class=SensorStateClass.TOTAL_INCREASING,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.measurement.long_power_fail_count,
    ),
    HomeWizardSensorDescription(
        key="average_power_15m_w",
        translation_key="average_power_15m",
        device_class=SensorDeviceClass.POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfPower.WATT,
        value_fn=lambda data: data.measurement.average_power_15m_w,
    ),
    HomeWizardSensorDescription(
        key="monthly_power_peak_w",
        translation_key="monthly_power_peak",
        device_class=SensorDeviceClass.POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfPower.WATT,
        value_fn=lambda data: data.measurement.monthly_power_peak_w,
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
        value_fn=lambda data: data.measurement.state_of_charge_pct,
    ),
    HomeWizardSensorDescription(
        key="cycles",
        translation_key="cycles",
        state_class=SensorStateClass.TOTAL_INCREASING,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda data: data.measurement.cycles,
    ),
)

SYSTEM_SENSORS: tuple[HomeWizardSensorDescription, ...] = (
    HomeWizardSensorDescription(
        key="wifi_ssid",
        translation_key="wifi_ssid",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda data: data.system.wifi_ssid if data.system else None,
    ),
    HomeWizardSensorDescription(
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
        key="wifi_strength",
        translation_key="wifi_strength",
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=PERCENTAGE,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda data: data.system.wifi_strength_pct if data.system else None,
    ),
)

# Added once the group has batteries (see `async_add_battery_group`).
BATTERY_GROUP_SENSORS: tuple[HomeWizardSensorDescription, ...] = (
    HomeWizardSensorDescription(
        key="battery_group_power_w",
        translation_key="battery_group_power",
        device_class=SensorDeviceClass.POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfPower.WATT,
        value_fn=lambda data: data.batteries.power_w if data.batteries else None,
    ),
    HomeWizardSensorDescription(
        key="battery_group_target_power_w",
        translation_key="battery_group_target_power",
        device_class=SensorDeviceClass.POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfPower.WATT,
        value_fn=lambda data: data.batteries.target_power_w if data.batteries else None,
    ),
    HomeWizardSensorDescription(
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
        key="battery_count",
        translation_key="battery_count",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda data: data.batteries.battery_count if data.batteries else None,
    ),
)

UPTIME = SensorEntityDescription(
    key="uptime",
    translation_key="uptime",
    device_class=SensorDeviceClass.TIMESTAMP,
    entity_category=EntityCategory.DIAGNOSTIC,
    entity_registry_enabled_default=False,
)

# Known external meter types: (device class, unit); these are totals. Unknown types
# show their raw reading in the unit they report.
EXTERNAL_TYPES: dict[str, tuple[SensorDeviceClass | None, str]] = {
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
    """Add the sensors this device reports; battery group and external meters as they appear."""
    coordinator = entry.runtime_data
    data = coordinator.data
    entities: list[SensorEntity] = [
        HomeWizardEnergySensor(coordinator, description)
        for description in ENERGY_SENSORS
        if description.value_fn(data) is not None
    ]
    entities.extend(
        HomeWizardSensor(coordinator, description)
        for description in (*MEASUREMENT_SENSORS, *SYSTEM_SENSORS)
        if description.value_fn(data) is not None
    )
    if data.system is not None and data.system.uptime_s is not None:
        entities.append(HomeWizardUptimeSensor(coordinator))
    async_add_entities(entities)

    @callback
    def add_battery_group() -> None:
        async_add_entities(
            HomeWizardSensor(coordinator, description)
            for description in BATTERY_GROUP_SENSORS
            if description.value_fn(coordinator.data) is not None
        )

    async_add_battery_group(entry, add_battery_group)

    reported: frozenset[str] | None = None

    @callback
    def add_external_meters() -> None:
        """Add meters that appear, remove the devices of meters that are gone."""
        nonlocal reported
        meters = coordinator.data.measurement.external
        if meters is None:
            return  # not reported this time: a glitch, not meters that are gone
        keys = frozenset(meter.key for meter in meters)
        if keys == reported:
            return
        if new := [meter for meter in meters if meter.key not in (reported or ())]:
            async_add_entities(
                HomeWizardExternalSensor(coordinator, meter) for meter in new
            )
        reported = keys
        async_remove_stale_devices(
            hass,
            entry,
            {
                (DOMAIN, coordinator.device.serial),
                *((DOMAIN, external_identifier(meter)) for meter in meters),
            },
        )

    add_external_meters()
    entry.async_on_unload(coordinator.async_add_listener(add_external_meters))


def external_identifier(meter: ExternalMeter) -> str:
    """Return the device identifier of an external meter."""
    return f"{meter.type}_{meter.unique_id}"


class HomeWizardSensor(HomeWizardEntity, SensorEntity):
    """A sensor showing its description's `value_fn`; unavailable while that is None."""

    entity_description: HomeWizardSensorDescription

    def __init__(
        self,
        coordinator: HomeWizardCoordinator,
        description: HomeWizardSensorDescription,
    ) -> None:
        """Describe the sensor."""
        super().__init__(coordinator, description.key)
        self.entity_description = description

    @property
    def native_value(self) -> StateType | datetime:
        """Return the value from the latest data."""
        return self.entity_description.value_fn(self.coordinator.data)

    @property
    def available(self) -> bool:
        """Return whether the device delivers the value."""
        return super().available and self.native_value is not None


class HomeWizardEnergySensor(HomeWizardEntity, MonotonicTotalSensor):
    """An energy total: never goes backwards on a glitch, restored after a restart."""

    entity_description: HomeWizardSensorDescription

    def __init__(
        self,
        coordinator: HomeWizardCoordinator,
        description: HomeWizardSensorDescription,
    ) -> None:
        """Describe the sensor."""
        super().__init__(coordinator, description.key)
        self.entity_description = description

    async def async_added_to_hass(self) -> None:
        """Restore the last total, then take the current reading."""
        await super().async_added_to_hass()
        self._publish_total(self.entity_description.value_fn(self.coordinator.data))

    @callback
    def _handle_coordinator_update(self) -> None:
        """Take the new reading."""
        self._publish_total(self.entity_description.value_fn(self.coordinator.data))
        super()._handle_coordinator_update()

    @property
    def available(self) -> bool:
        """Return whether a total is known."""
        return super().available and self.native_value is not None


class HomeWizardUptimeSensor(HomeWizardEntity, SensorEntity):
    """The device's last restart, which moves only when uptime disagrees by a minute."""

    entity_description = UPTIME

    def __init__(self, coordinator: HomeWizardCoordinator) -> None:
        """Describe the sensor."""
        super().__init__(coordinator, UPTIME.key)

    async def async_added_to_hass(self) -> None:
        """Compute the first boot time."""
        await super().async_added_to_hass()
        self._set_boot_time()

    @callback
    def _handle_coordinator_update(self) -> None:
        """Move the boot time if the new uptime disagrees with it."""
        self._set_boot_time()
        super()._handle_coordinator_update()

    def _set_boot_time(self) -> None:
        system = self.coordinator.data.system
        if system is None or system.uptime_s is None:
            self._attr_native_value = None
            return
        booted = dt_util.utcnow().replace(microsecond=0) - timedelta(
            seconds=system.uptime_s
        )
        current = self._attr_native_value
        if (
            not isinstance(current, datetime)
            or abs(current - booted) > UPTIME_DEVIATION
        ):
            self._attr_native_value = booted

    @property
    def available(self) -> bool:
        """Return whether the device reports its uptime."""
        return super().available and self.native_value is not None


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
        super().__init__(coordinator, identifier)
        self._key = meter.key
        self._known = meter.type in EXTERNAL_TYPES
        if self._known:
            device_class, unit = EXTERNAL_TYPES[meter.type]
            self._attr_translation_key = meter.type
            self._attr_device_class = device_class
            self._attr_native_unit_of_measurement = unit
        else:
            self._attr_translation_key = "external_meter"
            self._attr_state_class = SensorStateClass.MEASUREMENT
            self._attr_native_unit_of_measurement = _UNITS.get(
                meter.unit or "", meter.unit
            )
        name = meter.type.replace("_", " ").capitalize()
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, identifier)},
            manufacturer="HomeWizard",
            model=name,
            name=name,
            serial_number=meter.unique_id,
        )

    async def async_added_to_hass(self) -> None:
        """Link the meter's device to the P1 meter; restore, then take the reading.

        Linked here rather than by `DeviceInfo.via_device`, which HA 2026.10
        deprecates for `via_device_id`, a key older releases lack.
        """
        await super().async_added_to_hass()
        coordinator = self.coordinator
        parent = async_get_entry_device(
            self.hass,
            coordinator.config_entry.entry_id,
            (DOMAIN, coordinator.device.serial),
        )
        if self.device_entry is not None and parent is not None:
            dr.async_get(self.hass).async_update_device(
                self.device_entry.id, via_device_id=parent.id
            )
        self._take_reading()

    @callback
    def _handle_coordinator_update(self) -> None:
        """Take the new reading."""
        self._take_reading()
        super()._handle_coordinator_update()

    def _take_reading(self) -> None:
        value = next(
            (
                meter.value
                for meter in self.coordinator.data.measurement.external or ()
                if meter.key == self._key
            ),
            None,
        )
        if self._known:
            self._publish_total(value)
        else:
            self._attr_native_value = value

    @property
    def available(self) -> bool:
        """Return whether a reading is known."""
        return super().available and self.native_value is not None
