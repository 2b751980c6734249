"""Typed views of Powervault payloads, in HA's units and signs (see `units`).

Every value is optional: numbers, numeric strings, null, "", NaN, infinities and
absurd magnitudes are read, the unusable ones as None. Only a payload whose
structure is wrong (an object where a list belongs, or the reverse) raises
`InvalidResponseError`; nothing else escapes a parser.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time
import math
import re
from typing import Any, Self

from .. import parsing
from ..errors import InvalidResponseError
from ..parsing import NUMBER_TEXT, json_list, json_object
from . import units
from .const import DAYS, OVERRIDE_FORMAT, ROW_MINUTES, BatteryState

# Larger magnitudes are garbage for any power (in mW), percentage or reading.
MAX_MAGNITUDE = 1e10
_MAX_TEXT = 64
_MAX_TIME_TEXT = 40
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?", re.ASCII)
# Epoch numbers above this are milliseconds (it is the year 5138 in seconds).
_EPOCH_MS_ABOVE = 1e11
_EPOCH_MAX = 1e14
_END_OF_DAY = (24, 0, 0)

type Value = float | str | None

# Texts that stand for "no number" rather than a state code.
_NOT_TEXT = frozenset({"nan", "inf", "infinity", "null", "none", "undefined"})


def number(value: Any) -> float | None:
    """Return a finite number of magnitude <= MAX_MAGNITUDE from a number or numeric string.

    Zero is always 0.0, never -0.0; anything else is None.
    """
    result = parsing.number(value, limit=MAX_MAGNITUDE, numeric_strings=True)
    return None if result is None else result + 0.0


def text(value: Any) -> str | None:
    """Return a short non-empty stripped string (a whole number written out); else None."""
    return parsing.text(value, max_length=4 * _MAX_TEXT)


def utc_time(value: Any) -> datetime | None:
    """Return an aware UTC time from "YYYY-MM-DD HH:MM:SS" (UTC), ISO 8601 or epoch s/ms."""
    if isinstance(value, str):
        return _utc_text(value.strip())
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return _epoch(float(value))
        except OverflowError:
            return None
    return None


def _utc_text(value: str) -> datetime | None:
    if not value or len(value) > _MAX_TIME_TEXT:
        return None
    if NUMBER_TEXT.fullmatch(value):
        return _epoch(float(value))
    try:
        parsed = datetime.fromisoformat(value)
        return (
            parsed.replace(tzinfo=UTC)
            if parsed.tzinfo is None
            else parsed.astimezone(UTC)
        )
    except (ValueError, OverflowError):
        return None


def _epoch(seconds: float) -> datetime | None:
    if not math.isfinite(seconds) or not 0 < seconds < _EPOCH_MAX:
        return None
    if seconds > _EPOCH_MS_ABOVE:
        seconds /= 1000
    return datetime.fromtimestamp(seconds, UTC)


def clock_time(value: Any) -> time | None:
    """Return "HH:MM" or "HH:MM:SS" as a time; "24:00" is the last moment of the day."""
    if not isinstance(value, str) or len(value) > _MAX_TIME_TEXT:
        return None
    match = _CLOCK.fullmatch(value.strip())
    if match is None:
        return None
    hour, minute, second = (int(part or 0) for part in match.groups())
    if (hour, minute, second) == _END_OF_DAY:
        return time.max
    if hour > 23 or minute > 59 or second > 59:
        return None
    return time(hour, minute, second)


def battery_state(value: Any) -> BatteryState | str | None:
    """Return a known state as `BatteryState`, an unknown one as its text, else None."""
    name = text(value)
    if name is None or isinstance(value, int):
        return None
    try:
        return BatteryState(name.lower())
    except ValueError:
        return name


def format_utc(moment: datetime) -> str:
    """Write an aware time as the APIs' "YYYY-MM-DD HH:MM:SS" in UTC."""
    return moment.astimezone(UTC).strftime(OVERRIDE_FORMAT)


def _unwrap(data: Any, key: str, what: str, *, required: bool = True) -> Any:
    """Return `data[key]` of an object `{key: ...}`.

    Raise `InvalidResponseError` if `data` is not an object, or lacks `key` when it
    is `required` or the object is an error body (`{"message": ...}` with status 200).
    """
    obj = json_object(data, what)
    if key not in obj and (required or "message" in obj):
        said = text(obj.get("message"))
        raise InvalidResponseError(
            f"{what}: the answer has no {key!r}" + (f" ({said})" if said else "")
        )
    return obj.get(key)


@dataclass(frozen=True, slots=True)
class Account:
    """The customer account behind an API key."""

    id: int
    name: str | None

    @classmethod
    def from_json(cls, data: Any) -> Self:
        """Parse `{"customerAccount": {"id", "accountName"}}`."""
        obj = json_object(
            _unwrap(data, "customerAccount", "account"), "customerAccount"
        )
        ident = number(obj.get("id"))
        if ident is None or not ident.is_integer():
            raise InvalidResponseError("customerAccount: no numeric id")
        return cls(int(ident), text(obj.get("accountName")))


@dataclass(frozen=True, slots=True)
class Unit:
    """A battery unit: id ("PV-1001"), model, and firmware (the `epromId`)."""

    id: str
    model: str | None
    firmware: str | None

    @classmethod
    def from_object(cls, obj: Mapping[str, Any]) -> Self | None:
        """Parse one unit object; None if it has no id."""
        ident = text(obj.get("id"))
        if ident is None:
            return None
        return cls(ident, text(obj.get("model")), text(obj.get("epromId")))

    @classmethod
    def from_json(cls, data: Any) -> Self:
        """Parse `{"unit": {"id", "model", "epromId", ...}}`."""
        unit = cls.from_object(json_object(_unwrap(data, "unit", "unit"), "unit"))
        if unit is None:
            raise InvalidResponseError("unit: no id")
        return unit


def units_from_json(data: Any) -> list[Unit]:
    """Parse `{"units": [unit, ...]}`; entries without an id are skipped."""
    found = (
        Unit.from_object(item)
        for item in json_list(_unwrap(data, "units", "units"), "units")
        if isinstance(item, dict)
    )
    return [unit for unit in found if unit is not None]


FLOW_KEYS: dict[str, str] = {
    "battery_from_grid_w": "batteryInputFromGrid",
    "battery_from_solar_w": "batteryInputFromSolar",
    "battery_to_home_w": "batteryOutputConsumedByHome",
    "battery_exported_w": "batteryOutputExported",
    "home_consumed_w": "homeConsumed",
    "grid_to_home_w": "gridConsumedByHome",
    "solar_to_home_w": "solarConsumedByHome",
    "solar_exported_w": "solarExported",
    "solar_generated_w": "solarGenerated",
}
POWER_FIELDS = (
    "battery_power_w",
    "grid_power_w",
    "solar_power_w",
    "home_power_w",
    *FLOW_KEYS,
)


@dataclass(frozen=True, slots=True)
class DataRow:
    """One 5-minute cloud row, in W with HA's signs (the flows are means over the row)."""

    time: datetime
    soc_pct: float | None
    battery_power_w: float | None
    grid_power_w: float | None
    solar_power_w: float | None
    home_power_w: float | None
    battery_from_grid_w: float | None
    battery_from_solar_w: float | None
    battery_to_home_w: float | None
    battery_exported_w: float | None
    home_consumed_w: float | None
    grid_to_home_w: float | None
    solar_to_home_w: float | None
    solar_exported_w: float | None
    solar_generated_w: float | None

    @classmethod
    def from_object(cls, obj: Mapping[str, Any]) -> Self | None:
        """Parse one row; None if its time is unreadable."""
        moment = utc_time(obj.get("time"))
        if moment is None:
            return None
        soc = number(obj.get("instant_soc"))
        flows = {
            name: units.cloud_flow_w(number(obj.get(key)))
            for name, key in FLOW_KEYS.items()
        }
        return cls(
            time=moment,
            soc_pct=soc if soc is not None and 0 <= soc <= 100 else None,
            battery_power_w=units.cloud_battery_w(number(obj.get("instant_battery"))),
            grid_power_w=units.cloud_grid_w(number(obj.get("instant_grid"))),
            solar_power_w=units.cloud_solar_w(number(obj.get("instant_solar"))),
            home_power_w=units.cloud_home_w(number(obj.get("instant_demand"))),
            **flows,
        )


def rows_from_json(data: Any) -> list[DataRow]:
    """Parse `{"data": [row, ...]}` into rows sorted by time; timeless rows are skipped."""
    found = (
        DataRow.from_object(item)
        for item in json_list(_unwrap(data, "data", "data"), "data")
        if isinstance(item, dict)
    )
    return sorted((row for row in found if row is not None), key=lambda r: r.time)


def energy_kwh(row: DataRow, field: str, minutes: float = ROW_MINUTES) -> float | None:
    """Return the energy (kWh) of a row's mean power `field` over `minutes`."""
    if field not in POWER_FIELDS:
        raise ValueError(f"not a power field of DataRow: {field!r}")
    value: float | None = getattr(row, field)
    return units.energy_kwh(value, minutes)


@dataclass(frozen=True, slots=True)
class ScheduleSlot:
    """A schedule event: from `start` to `end` (both inclusive, UK wall time)."""

    start: time
    end: time
    state: BatteryState | str

    @classmethod
    def from_object(cls, obj: Mapping[str, Any]) -> Self | None:
        """Parse `{"start": "HH:MM[:SS]", "end": ..., "state": ...}`; None if unreadable."""
        start, end = clock_time(obj.get("start")), clock_time(obj.get("end"))
        state = battery_state(obj.get("state"))
        if start is None or end is None or state is None:
            return None
        return cls(start, end, state)


@dataclass(frozen=True, slots=True)
class Schedule:
    """The weekly schedule: slots per day, keyed "monday" .. "sunday" (all seven)."""

    days: dict[str, tuple[ScheduleSlot, ...]]

    @classmethod
    def from_json(cls, data: Any) -> Self:
        """Parse `{"schedule": {day: [slot, ...]}}` (cloud) or `{day: [...]}` (local)."""
        obj = json_object(data, "schedule")
        if isinstance(obj.get("schedule"), dict):
            obj = obj["schedule"]
        elif obj.get("schedule") is not None:
            raise InvalidResponseError("schedule: expected a JSON object")
        elif (
            "schedule" not in obj
            and not any(
                isinstance(key, str) and key.strip().lower() in DAYS for key in obj
            )
            and obj
        ):
            raise InvalidResponseError("schedule: the answer names no day")
        by_day = {
            key.strip().lower(): value
            for key, value in obj.items()
            if isinstance(key, str)
        }
        days: dict[str, tuple[ScheduleSlot, ...]] = {}
        for day in DAYS:
            found = (
                ScheduleSlot.from_object(item)
                for item in json_list(by_day.get(day), f"schedule.{day}")
                if isinstance(item, dict)
            )
            days[day] = tuple(slot for slot in found if slot is not None)
        return cls(days)


@dataclass(frozen=True, slots=True)
class Override:
    """A state override from `start` to `end` (UTC, aware)."""

    start: datetime
    end: datetime
    state: BatteryState | str

    @classmethod
    def from_object(cls, obj: Mapping[str, Any]) -> Self | None:
        """Parse `{"start": "YYYY-MM-DD HH:MM:SS", "end": ..., "state": ...}` (UTC)."""
        start, end = utc_time(obj.get("start")), utc_time(obj.get("end"))
        state = battery_state(obj.get("state"))
        if start is None or end is None or state is None:
            return None
        return cls(start, end, state)

    def to_json(self) -> dict[str, str]:
        """Return the request body form `{start, end, state}` (UTC text)."""
        return {
            "start": format_utc(self.start),
            "end": format_utc(self.end),
            "state": str(self.state),
        }


def overrides_from_json(data: Any) -> list[Override]:
    """Parse the cloud's `{"stateOverrides": [override, ...]}`; unreadable ones skipped."""
    found = (
        Override.from_object(item)
        for item in json_list(
            _unwrap(data, "stateOverrides", "stateOverrides", required=False),
            "stateOverrides",
        )
        if isinstance(item, dict)
    )
    return [override for override in found if override is not None]


def override_from_json(data: Any) -> Override | None:
    """Parse the local `{start, end, state}` (or `{}`: none); a list gives its first."""
    if isinstance(data, list):
        found = (Override.from_object(item) for item in data if isinstance(item, dict))
        return next((override for override in found if override is not None), None)
    return Override.from_object(json_object(data, "state override"))


def _record_value(value: Any) -> Value:
    """Return a record's value: a number, else a short text ("C"), else None."""
    if (result := number(value)) is not None:
        return result
    if isinstance(value, str) and NUMBER_TEXT.fullmatch(value.strip()) is None:
        if value.strip().lower().lstrip("+-") in _NOT_TEXT:
            return None
        found = text(value)
        return found if found is not None and len(found) <= _MAX_TEXT else None
    return None


def _records(records: Iterable[Any]) -> tuple[dict[str, Value], datetime | None]:
    """Flatten measurement records into `{measurement: value}` and the newest time."""
    values: dict[str, Value] = {}
    latest: datetime | None = None
    for record in records:
        if not isinstance(record, dict):
            continue
        name = record.get("measurement")
        if not isinstance(name, str) or not name or len(name) > _MAX_TEXT:
            continue
        values[name] = _record_value(record.get("value"))
        moment = utc_time(record.get("timestamp")) or utc_time(record.get("created_at"))
        if moment is not None and (latest is None or moment > latest):
            latest = moment
    return values, latest


_CELL = re.compile(r"(?:string|pylontechModule)(\d{1,3})cell(\d{1,3})Voltage", re.ASCII)
_CELL_TEMPERATURE = re.compile(r"string(\d{1,3})cell(\d{1,3})Temperature", re.ASCII)
_PACK = re.compile(r"pack(\d{1,3})Temperature", re.ASCII)
_BACKPLANE = re.compile(r"backplane(\d{1,3})Temperature", re.ASCII)


@dataclass(frozen=True, slots=True)
class Telemetry:
    """The local latest telemetry: `{measurement: value}` and the newest record's time.

    The properties give the values in HA's units and signs.
    """

    values: dict[str, Value]
    at: datetime | None

    @classmethod
    def from_json(cls, data: Any) -> Self:
        """Parse the list of `{measurement, value, unit, timestamp, ...}` records.

        A list without a single measurement record is no telemetry: it raises.
        """
        if not isinstance(data, list):
            raise InvalidResponseError(
                f"latest telemetry: expected a JSON list, got {type(data).__name__}"
            )
        values, at = _records(data)
        if not values:
            raise InvalidResponseError("latest telemetry: no measurement records")
        return cls(values, at)

    def number(self, name: str) -> float | None:
        """Return measurement `name` if it is a number."""
        value = self.values.get(name)
        return value if isinstance(value, float) else None

    def text(self, name: str) -> str | None:
        """Return measurement `name` if it is a text."""
        value = self.values.get(name)
        return value if isinstance(value, str) else None

    def _indexed(self, pattern: re.Pattern[str]) -> dict[int, float]:
        found: dict[int, float] = {}
        for name, value in self.values.items():
            if isinstance(value, float) and (match := pattern.fullmatch(name)):
                found[int(match.group(1))] = value
        return dict(sorted(found.items()))

    def _cells(self, pattern: re.Pattern[str]) -> dict[tuple[int, int], float]:
        found: dict[tuple[int, int], float] = {}
        for name, value in self.values.items():
            if isinstance(value, float) and (match := pattern.fullmatch(name)):
                found[int(match.group(1)), int(match.group(2))] = value
        return dict(sorted(found.items()))

    @property
    def soc_pct(self) -> float | None:
        """Usable state of charge (the one HA shows), percent."""
        value = self.number("socUsable")
        return value if value is not None and 0 <= value <= 100 else None

    @property
    def soc_average_pct(self) -> float | None:
        """Average state of charge over the cells, percent."""
        return self.number("socAverage")

    @property
    def grid_power_w(self) -> float | None:
        """Grid power, W: + import, - export."""
        return units.local_grid_w(self.number("gridPower"))

    @property
    def battery_power_w(self) -> float | None:
        """Battery power, W: + discharging, - charging."""
        return units.local_battery_w(self.number("batteryPower"))

    @property
    def solar_power_w(self) -> float | None:
        """Solar generation, W, never negative (None without a solar CT)."""
        return units.local_solar_w(self.number("aux1Power"))

    @property
    def home_power_w(self) -> float | None:
        """The home's draw from the power balance, W, never negative."""
        return units.home_w(self.grid_power_w, self.battery_power_w, self.solar_power_w)

    @property
    def grid_current_a(self) -> float | None:
        """Grid current, A."""
        return self.number("gridCurrent")

    @property
    def battery_current_a(self) -> float | None:
        """Battery current, A."""
        return self.number("batteryCurrent")

    @property
    def inverter_voltage_v(self) -> float | None:
        """Inverter AC voltage, V."""
        return self.number("inverterVoltage")

    @property
    def inverter_frequency_hz(self) -> float | None:
        """Inverter AC frequency, Hz."""
        return self.number("inverterFrequency")

    @property
    def max_charge_power_w(self) -> float | None:
        """The most the battery may charge at now, W (never negative)."""
        value = self.number("maxChargePower")
        return None if value is None else abs(value)

    @property
    def max_discharge_power_w(self) -> float | None:
        """The most the battery may discharge at now, W (never negative)."""
        value = self.number("maxDischargePower")
        return None if value is None else abs(value)

    @property
    def temperature_c(self) -> float | None:
        """Internal temperature, °C."""
        return self.number("temperature")

    @property
    def cpu_temperature_c(self) -> float | None:
        """CPU temperature, °C."""
        return self.number("cpuTemperature")

    @property
    def voc_temperature_c(self) -> float | None:
        """Air sensor temperature, °C."""
        return self.number("vocTemperature")

    @property
    def voc_humidity_pct(self) -> float | None:
        """Air sensor relative humidity, percent."""
        return self.number("vocHumidity")

    @property
    def voc_co2_ppm(self) -> float | None:
        """Air sensor CO2, ppm."""
        return self.number("vocCO2")

    @property
    def voc_index(self) -> float | None:
        """Air sensor VOC index."""
        return self.number("vocVOC")

    @property
    def actual_state(self) -> str | None:
        """The inverter's actual state code (e.g. "C")."""
        return self.text("actualState")

    @property
    def requested_state(self) -> str | None:
        """The requested state code (e.g. "N")."""
        return self.text("requestedState")

    @property
    def pack_temperatures_c(self) -> dict[int, float]:
        """P3 pack temperatures by pack number, °C."""
        return self._indexed(_PACK)

    @property
    def backplane_temperatures_c(self) -> dict[int, float]:
        """P3 backplane temperatures by number, °C."""
        return self._indexed(_BACKPLANE)

    @property
    def cell_voltages_v(self) -> dict[tuple[int, int], float]:
        """Cell voltages by (string or module, cell), V (P3 strings, P3X modules)."""
        return self._cells(_CELL)

    @property
    def cell_temperatures_c(self) -> dict[tuple[int, int], float]:
        """P3 cell temperatures by (string, cell), °C."""
        return self._cells(_CELL_TEMPERATURE)

    @property
    def pylontech(self) -> dict[str, float]:
        """P3X BMS aggregates (`pylontech{Min,Max,Avg}...`), keyed by measurement name."""
        return {
            name: value
            for name, value in sorted(self.values.items())
            if isinstance(value, float)
            and name.startswith("pylontech")
            and not name.startswith("pylontechModule")
        }


_SAMPLE_TIME_KEYS = ("timestamp", "time", "created_at", "date")


@dataclass(frozen=True, slots=True)
class ChartSample:
    """A local chart-data sample (~30 s apart), in W with HA's signs."""

    time: datetime
    grid_power_w: float | None
    battery_power_w: float | None
    solar_power_w: float | None
    home_power_w: float | None

    @classmethod
    def from_item(cls, item: Any) -> Self | None:
        """Parse a list of measurement records or a flat `{measurement: value}` dict."""
        if isinstance(item, list):
            values, moment = _records(item)
        elif isinstance(item, dict):
            values = {
                key: _record_value(value)
                for key, value in item.items()
                if isinstance(key, str)
            }
            moment = next(
                (
                    found
                    for key in _SAMPLE_TIME_KEYS
                    if (found := utc_time(item.get(key))) is not None
                ),
                None,
            )
        else:
            return None
        if moment is None:
            return None
        telemetry = Telemetry(values, moment)
        return cls(
            moment,
            telemetry.grid_power_w,
            telemetry.battery_power_w,
            telemetry.solar_power_w,
            telemetry.home_power_w,
        )


def chart_from_json(data: Any) -> list[ChartSample]:
    """Parse chart-data (a list of samples) into samples sorted by time."""
    if isinstance(data, dict) and "data" in data:
        data = data["data"]
    found = (ChartSample.from_item(item) for item in json_list(data, "chart data"))
    return sorted(
        (sample for sample in found if sample is not None), key=lambda s: s.time
    )
