"""Sensors: the system's production, each ECU's and inverter's, and the call budget."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any, Literal

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
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
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from .coordinator import (
    ApsystemsConfigEntry,
    ApsystemsCoordinator,
    meter_ident,
    storage_ident,
)
from .entity import (
    ApsystemsEntity,
    ecu_device,
    inverter_device,
    meter_device,
    storage_device,
    system_device,
)
from .state import InverterReadings, MeterReadings, Production, StorageReadings
from .vendor.energy_api.apsystems import Ecu, Inverter
from .vendor.energy_api.ha.sensor import MonotonicTotalSensor

PARALLEL_UPDATES = 0

type Value = StateType | datetime
type Period = Literal["day", "month", "year"]


def period_start(coordinator: ApsystemsCoordinator, period: Period) -> datetime:
    """Return when the current day, month or year began in the system's timezone."""
    local = coordinator.now().astimezone(coordinator.plan.settings.timezone)
    if period == "month":
        local = local.replace(day=1)
    elif period == "year":
        local = local.replace(month=1, day=1)
    day = local.date()
    return datetime.combine(day, time(0), local.tzinfo)


@dataclass(frozen=True, kw_only=True)
class SystemSensorDescription(SensorEntityDescription):
    """A sensor of the system and the value it shows; a total of a period resets with it."""

    value_fn: Callable[[ApsystemsCoordinator], Value]
    period: Period | None = None


@dataclass(frozen=True, kw_only=True)
class EcuSensorDescription(SensorEntityDescription):
    """A sensor of an ECU: its share of the production."""

    value_fn: Callable[[Production, str], Value]


@dataclass(frozen=True, kw_only=True)
class ReadingsSensorDescription[R](SensorEntityDescription):
    """A sensor of a device and the value it shows from the device's readings."""

    value_fn: Callable[[R], Value]


class InverterSensorDescription(ReadingsSensorDescription[InverterReadings]):
    """A sensor of an inverter."""


class MeterSensorDescription(ReadingsSensorDescription[MeterReadings]):
    """A sensor of an ECU's energy meter."""


class StorageSensorDescription(ReadingsSensorDescription[StorageReadings]):
    """A sensor of an ECU's battery."""


def _kwh(key: str, **kwargs: Any) -> dict[str, Any]:
    return {
        "key": key,
        "translation_key": key,
        "device_class": SensorDeviceClass.ENERGY,
        "native_unit_of_measurement": UnitOfEnergy.KILO_WATT_HOUR,
        "suggested_display_precision": 2,
        **kwargs,
    }


def _watts(key: str, **kwargs: Any) -> dict[str, Any]:
    return {
        "key": key,
        "translation_key": key,
        "device_class": SensorDeviceClass.POWER,
        "state_class": SensorStateClass.MEASUREMENT,
        "native_unit_of_measurement": UnitOfPower.WATT,
        "suggested_display_precision": 0,
        **kwargs,
    }


LIFETIME = SystemSensorDescription(
    **_kwh("lifetime_energy"),
    value_fn=lambda c: c.state.production.lifetime_kwh,
)

SYSTEM_SENSORS: tuple[SystemSensorDescription, ...] = (
    SystemSensorDescription(
        **_kwh("today_energy", state_class=SensorStateClass.TOTAL),
        period="day",
        value_fn=lambda c: c.state.production.today_kwh,
    ),
    SystemSensorDescription(
        **_kwh("month_energy", state_class=SensorStateClass.TOTAL),
        period="month",
        value_fn=lambda c: c.state.production.month_kwh,
    ),
    SystemSensorDescription(
        **_kwh("year_energy", state_class=SensorStateClass.TOTAL),
        period="year",
        value_fn=lambda c: c.state.production.year_kwh,
    ),
    SystemSensorDescription(
        **_watts("power"),
        value_fn=lambda c: c.state.production.power_w,
    ),
    SystemSensorDescription(
        **_watts("peak_power_today", state_class=None),
        value_fn=lambda c: c.state.production.peak_w,
    ),
    SystemSensorDescription(
        key="data_published_at",
        translation_key="data_published_at",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda c: c.state.production.power_at,
    ),
    SystemSensorDescription(
        key="calls_used",
        translation_key="calls_used",
        state_class=SensorStateClass.TOTAL_INCREASING,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda c: c.calls_used(),
    ),
    SystemSensorDescription(
        key="calls_left",
        translation_key="calls_left",
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda c: c.calls_left(),
    ),
    SystemSensorDescription(
        key="next_poll",
        translation_key="next_poll",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda c: c.next_poll(),
    ),
)

ECU_SENSORS: tuple[EcuSensorDescription, ...] = (
    EcuSensorDescription(
        **_watts("ecu_power"),
        value_fn=lambda p, eid: p.ecu_power_w.get(eid),
    ),
    EcuSensorDescription(
        **_kwh("ecu_today_energy", state_class=SensorStateClass.TOTAL),
        value_fn=lambda p, eid: p.ecu_today_kwh.get(eid),
    ),
)


_LIFETIME = {"state_class": SensorStateClass.TOTAL_INCREASING}

METER_SENSORS: tuple[MeterSensorDescription, ...] = (
    MeterSensorDescription(
        **_kwh("meter_consumed", **_LIFETIME), value_fn=lambda m: m.consumed_kwh
    ),
    MeterSensorDescription(
        **_kwh("meter_produced", **_LIFETIME), value_fn=lambda m: m.produced_kwh
    ),
    MeterSensorDescription(
        **_kwh("meter_imported", **_LIFETIME), value_fn=lambda m: m.imported_kwh
    ),
    MeterSensorDescription(
        **_kwh("meter_exported", **_LIFETIME), value_fn=lambda m: m.exported_kwh
    ),
)

# The modes the manual names (only self-consumption is confirmed by users).
STORAGE_MODES = {
    "0": "backup",
    "1": "self_consumption",
    "2": "advanced",
    "3": "peak_shaving",
}

STORAGE_SENSORS: tuple[StorageSensorDescription, ...] = (
    StorageSensorDescription(
        key="state_of_charge",
        device_class=SensorDeviceClass.BATTERY,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=PERCENTAGE,
        value_fn=lambda s: s.soc,
    ),
    StorageSensorDescription(
        key="storage_mode",
        translation_key="storage_mode",
        device_class=SensorDeviceClass.ENUM,
        options=sorted(STORAGE_MODES.values()),
        value_fn=lambda s: STORAGE_MODES.get(s.mode or ""),
    ),
    StorageSensorDescription(
        **_kwh("storage_charged", **_LIFETIME), value_fn=lambda s: s.charge_kwh
    ),
    StorageSensorDescription(
        **_kwh("storage_discharged", **_LIFETIME), value_fn=lambda s: s.discharge_kwh
    ),
)

AC_POWER = InverterSensorDescription(
    **_watts("ac_power"), value_fn=lambda r: r.ac_power_w
)

INVERTER_SENSORS: tuple[InverterSensorDescription, ...] = (
    InverterSensorDescription(
        key="ac_voltage",
        translation_key="ac_voltage",
        device_class=SensorDeviceClass.VOLTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfElectricPotential.VOLT,
        value_fn=lambda r: r.ac_voltage_v,
    ),
    InverterSensorDescription(
        key="frequency",
        translation_key="frequency",
        device_class=SensorDeviceClass.FREQUENCY,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfFrequency.HERTZ,
        value_fn=lambda r: r.frequency_hz,
    ),
    InverterSensorDescription(
        key="temperature",
        translation_key="temperature",
        device_class=SensorDeviceClass.TEMPERATURE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        value_fn=lambda r: r.temperature_c,
    ),
    InverterSensorDescription(
        **_kwh("inverter_today_energy", state_class=SensorStateClass.TOTAL),
        value_fn=lambda r: r.today_kwh,
    ),
    InverterSensorDescription(
        key="inverter_published_at",
        translation_key="inverter_published_at",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda r: r.published_at,
    ),
)


def _channel_sensors(channel: int) -> tuple[InverterSensorDescription, ...]:
    """Return the sensors of an inverter's DC channel `channel`."""
    placeholders = {"channel": str(channel)}
    return (
        InverterSensorDescription(
            **_watts(f"dc_power_{channel}", translation_key="dc_power"),
            translation_placeholders=placeholders,
            value_fn=lambda r: r.dc_power_w.get(channel),
        ),
        InverterSensorDescription(
            key=f"dc_voltage_{channel}",
            translation_key="dc_voltage",
            translation_placeholders=placeholders,
            device_class=SensorDeviceClass.VOLTAGE,
            state_class=SensorStateClass.MEASUREMENT,
            native_unit_of_measurement=UnitOfElectricPotential.VOLT,
            value_fn=lambda r: r.dc_voltage_v.get(channel),
        ),
        InverterSensorDescription(
            key=f"dc_current_{channel}",
            translation_key="dc_current",
            translation_placeholders=placeholders,
            device_class=SensorDeviceClass.CURRENT,
            state_class=SensorStateClass.MEASUREMENT,
            native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
            suggested_display_precision=2,
            value_fn=lambda r: r.dc_current_a.get(channel),
        ),
    )


async def async_setup_entry(
    hass: HomeAssistant,
    entry: ApsystemsConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the system's sensors, and those of each ECU and inverter as they appear."""
    coordinator = entry.runtime_data
    async_add_entities(
        [
            LifetimeSensor(coordinator, LIFETIME),
            *(SystemSensor(coordinator, d) for d in SYSTEM_SENSORS),
        ]
    )
    known: set[str] = set()

    @callback
    def add_devices() -> None:
        entities: list[SensorEntity] = []
        for ecu in coordinator.state.ecus:
            if ecu.eid not in known:
                known.add(ecu.eid)
                entities.extend(_ecu_entities(coordinator, ecu))
            for inverter in ecu.inverters:
                if inverter.uid not in known:
                    known.add(inverter.uid)
                    entities.extend(_inverter_entities(coordinator, inverter))
        if entities:
            async_add_entities(entities)

    add_devices()
    entry.async_on_unload(coordinator.async_add_listener(add_devices))


def _ecu_entities(coordinator: ApsystemsCoordinator, ecu: Ecu) -> list[SensorEntity]:
    """Return an ECU's sensors, with its meter's and its battery's if it has them."""
    state, eid = coordinator.state, ecu.eid
    device = ecu_device(coordinator, ecu)
    entities: list[SensorEntity] = [
        EcuSensor(coordinator, device, d, eid) for d in ECU_SENSORS
    ]
    if ecu.has_meter:
        meter, owner = meter_device(coordinator, ecu), meter_ident(ecu)
        entities.extend(
            ReadingsSensor(coordinator, meter, d, owner, state.meters, eid)
            for d in METER_SENSORS
        )
    if ecu.has_storage:
        storage, owner = storage_device(coordinator, ecu), storage_ident(ecu)
        entities.extend(
            ReadingsSensor(coordinator, storage, d, owner, state.storages, eid)
            for d in STORAGE_SENSORS
        )
    return entities


def _inverter_entities(
    coordinator: ApsystemsCoordinator, inverter: Inverter
) -> list[SensorEntity]:
    """Return an inverter's sensors: AC power, each DC channel's, then the others."""
    device, uid = inverter_device(coordinator, inverter), inverter.uid
    channels = (d for n in range(1, inverter.channels + 1) for d in _channel_sensors(n))
    return [
        ReadingsSensor(coordinator, device, d, uid, coordinator.state.inverters, uid)
        for d in (AC_POWER, *channels, *INVERTER_SENSORS)
    ]


class SystemEntity(ApsystemsEntity):
    """An entity of the whole system."""

    def __init__(
        self, coordinator: ApsystemsCoordinator, description: SystemSensorDescription
    ) -> None:
        """Attach to the system device."""
        device = system_device(coordinator)
        super().__init__(coordinator, device, description.key, coordinator.sid)
        self.entity_description = description


class SystemSensor(SystemEntity, SensorEntity):
    """A value of the whole system."""

    entity_description: SystemSensorDescription
    _unrecorded_attributes = frozenset({"hourly_kwh"})

    @property
    def native_value(self) -> Value:
        """Return the value from the coordinator's state."""
        return self.entity_description.value_fn(self.coordinator)

    @property
    def last_reset(self) -> datetime | None:
        """Return when a period's total last started from 0."""
        period = self.entity_description.period
        return None if period is None else period_start(self.coordinator, period)

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """Give today's energy its hourly series (24 small numbers)."""
        if self.entity_description.key != "today_energy":
            return None
        return {"hourly_kwh": self.coordinator.today_hours()}


class LifetimeSensor(SystemEntity, MonotonicTotalSensor):
    """The lifetime total: never backwards, restored after restarts."""

    entity_description: SystemSensorDescription

    async def async_added_to_hass(self) -> None:
        """Restore, then take the current reading."""
        await super().async_added_to_hass()
        self._publish_total(self.entity_description.value_fn(self.coordinator))

    @callback
    def _handle_coordinator_update(self) -> None:
        self._publish_total(self.entity_description.value_fn(self.coordinator))
        super()._handle_coordinator_update()

    @property
    def available(self) -> bool:
        """Stay available with the last total while calls fail: it is still true."""
        return self.native_value is not None


class DeviceSensor(ApsystemsEntity, SensorEntity):
    """A sensor of a device in the system; a `total` of today restarts at midnight."""

    def __init__(
        self,
        coordinator: ApsystemsCoordinator,
        device: DeviceInfo,
        description: SensorEntityDescription,
        owner: str,
    ) -> None:
        """Attach to the owner's device (`owner` is its id)."""
        super().__init__(coordinator, device, description.key, owner)
        self.entity_description = description
        self._owner = owner

    @property
    def last_reset(self) -> datetime | None:
        """Return local midnight for today's energy."""
        if self.entity_description.state_class is not SensorStateClass.TOTAL:
            return None
        return period_start(self.coordinator, "day")


class EcuSensor(DeviceSensor):
    """A value of one ECU."""

    entity_description: EcuSensorDescription

    @property
    def native_value(self) -> Value:
        """Return the ECU's value from the latest production."""
        return self.entity_description.value_fn(
            self.coordinator.state.production, self._owner
        )


class ReadingsSensor[R](DeviceSensor):
    """A value of an inverter, meter or battery, from its latest readings."""

    entity_description: ReadingsSensorDescription[R]

    def __init__(
        self,
        coordinator: ApsystemsCoordinator,
        device: DeviceInfo,
        description: ReadingsSensorDescription[R],
        owner: str,
        readings: Mapping[str, R],
        readings_key: str,
    ) -> None:
        """Attach to the owner's device; its readings are `readings[readings_key]`."""
        super().__init__(coordinator, device, description, owner)
        self._readings = readings
        self._readings_key = readings_key

    @property
    def native_value(self) -> Value:
        """Return the value, None until the first readings."""
        readings = self._readings.get(self._readings_key)
        return None if readings is None else self.entity_description.value_fn(readings)
