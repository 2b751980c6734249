"""Typed views of HomeWizard v2 JSON. Every field is optional; unknown ones are kept aside."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import datetime
import string
from typing import Any, Self

from ..errors import InvalidResponseError
from ..parsing import integer, json_object, number
from .const import IDENTITY_TYPES, BatteryMode, Permission


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _timestamp(value: Any) -> datetime | None:
    """Parse the device's ISO timestamp (local time, no timezone)."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def rssi_to_strength(rssi: float | None) -> float | None:
    """Return Wi-Fi strength in percent from RSSI in dB (-100 dB or worse: 0, -50 or better: 100)."""
    if rssi is None:
        return None
    return float(min(100, max(0, 2 * (rssi + 100))))


@dataclass(frozen=True, slots=True)
class Device:
    """`GET /api`: what the device is."""

    product_name: str
    product_type: str
    serial: str
    firmware_version: str | None
    api_version: str

    @classmethod
    def from_json(cls, data: Any) -> Self:
        """Parse; the identity fields are required."""
        obj = json_object(data, "device")
        product_type, serial = _text(obj.get("product_type")), _text(obj.get("serial"))
        if product_type is None or serial is None:
            raise InvalidResponseError("device: product_type and serial are required")
        return cls(
            product_name=_text(obj.get("product_name")) or product_type,
            product_type=product_type,
            serial=serial.lower(),
            firmware_version=_text(obj.get("firmware_version")),
            api_version=_text(obj.get("api_version")) or "2.0.0",
        )

    @property
    def identity(self) -> str:
        """Return the TLS identity `appliance/<type>/<serial>`."""
        return identity_for(self.product_type, self.serial)

    def api_at_least(self, version: str) -> bool:
        """Return whether the device's API version is `version` or newer."""
        return _version(self.api_version) >= _version(version)


def identity_for(product_type: str, serial: str) -> str:
    """Build a device's TLS identity from its product type and serial."""
    kind = IDENTITY_TYPES.get(product_type, product_type.lower())
    return f"appliance/{kind}/{serial.lower()}"


def _version(text: str) -> tuple[tuple[int, str], ...]:
    """Return a sortable key of `x.y.z`: the ASCII digits of each part, compared as numbers.

    Parts compare by length, then text: no part is ever converted to an int (which a
    5000-digit part or a non-ASCII digit such as "²" would make fail). Trailing zero
    parts are dropped, so "2.3" equals "2.3.0".
    """
    parts = []
    for part in text.split("."):
        digits = "".join(ch for ch in part if ch in string.digits).lstrip("0")
        parts.append((len(digits), digits))
    while parts and parts[-1] == (0, ""):
        parts.pop()
    return tuple(parts)


@dataclass(frozen=True, slots=True)
class ExternalMeter:
    """A gas, water or heat meter connected to the smart meter."""

    unique_id: str
    type: str
    value: float | None
    unit: str | None
    timestamp: datetime | None

    @classmethod
    def from_json(cls, data: Any) -> Self | None:
        """Parse one entry; None when it has no identity."""
        if not isinstance(data, dict):
            return None
        unique_id, kind = _text(data.get("unique_id")), _text(data.get("type"))
        if unique_id is None or kind is None:
            return None
        return cls(
            unique_id=unique_id,
            type=kind,
            value=number(data.get("value")),
            unit=_text(data.get("unit")),
            timestamp=_timestamp(data.get("timestamp")),
        )

    @property
    def key(self) -> str:
        """Return a key unique among a meter's externals."""
        return f"{self.type}_{self.unique_id}"


@dataclass(frozen=True, slots=True)
class Measurement:
    """`GET /api/measurement` (P1, kWh meters, battery); absent data points are None."""

    # P1 meter identification
    unique_id: str | None = None
    protocol_version: int | None = None
    meter_model: str | None = None
    timestamp: datetime | None = None
    tariff: int | None = None
    # Energy totals
    energy_import_kwh: float | None = None
    energy_import_t1_kwh: float | None = None
    energy_import_t2_kwh: float | None = None
    energy_import_t3_kwh: float | None = None
    energy_import_t4_kwh: float | None = None
    energy_export_kwh: float | None = None
    energy_export_t1_kwh: float | None = None
    energy_export_t2_kwh: float | None = None
    energy_export_t3_kwh: float | None = None
    energy_export_t4_kwh: float | None = None
    # Power, voltage, current, frequency
    power_w: float | None = None
    power_l1_w: float | None = None
    power_l2_w: float | None = None
    power_l3_w: float | None = None
    voltage_v: float | None = None
    voltage_l1_v: float | None = None
    voltage_l2_v: float | None = None
    voltage_l3_v: float | None = None
    current_a: float | None = None
    current_l1_a: float | None = None
    current_l2_a: float | None = None
    current_l3_a: float | None = None
    frequency_hz: float | None = None
    # kWh meters
    apparent_current_a: float | None = None
    apparent_current_l1_a: float | None = None
    apparent_current_l2_a: float | None = None
    apparent_current_l3_a: float | None = None
    reactive_current_a: float | None = None
    reactive_current_l1_a: float | None = None
    reactive_current_l2_a: float | None = None
    reactive_current_l3_a: float | None = None
    apparent_power_va: float | None = None
    apparent_power_l1_va: float | None = None
    apparent_power_l2_va: float | None = None
    apparent_power_l3_va: float | None = None
    reactive_power_var: float | None = None
    reactive_power_l1_var: float | None = None
    reactive_power_l2_var: float | None = None
    reactive_power_l3_var: float | None = None
    power_factor: float | None = None
    power_factor_l1: float | None = None
    power_factor_l2: float | None = None
    power_factor_l3: float | None = None
    # Power quality (P1)
    voltage_sag_l1_count: int | None = None
    voltage_sag_l2_count: int | None = None
    voltage_sag_l3_count: int | None = None
    voltage_swell_l1_count: int | None = None
    voltage_swell_l2_count: int | None = None
    voltage_swell_l3_count: int | None = None
    any_power_fail_count: int | None = None
    long_power_fail_count: int | None = None
    # Capacity rate (Belgium)
    average_power_15m_w: float | None = None
    monthly_power_peak_w: float | None = None
    monthly_power_peak_timestamp: datetime | None = None
    # Plug-In Battery
    state_of_charge_pct: float | None = None
    cycles: int | None = None
    # Connected meters (None: the list was not reported), and data points this client
    # does not know yet
    external: tuple[ExternalMeter, ...] | None = None
    unknown: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def from_json(cls, data: Any) -> Self:
        """Parse; a value of the wrong type counts as absent."""
        obj = json_object(data, "measurement")
        values: dict[str, Any] = {}
        unknown: dict[str, Any] = {}
        for name, value in obj.items():
            if (parse := _MEASUREMENT_FIELDS.get(name)) is not None:
                values[name] = parse(value)
            elif name != "external":
                unknown[name] = value
        if values.get("tariff") not in (None, 1, 2, 3, 4):
            values["tariff"] = None
        externals = obj.get("external")
        return cls(
            **values,
            external=_external_meters(externals)
            if isinstance(externals, list)
            else None,
            unknown=unknown,
        )


def _external_meters(items: list[Any]) -> tuple[ExternalMeter, ...]:
    parsed = (ExternalMeter.from_json(item) for item in items)
    return tuple(meter for meter in parsed if meter is not None)


_PARSERS: dict[str, Callable[[Any], Any]] = {
    "str | None": _text,
    "int | None": integer,
    "float | None": number,
    "datetime | None": _timestamp,
}


# Data point name -> parser, built once: parsing runs on every push.
_MEASUREMENT_FIELDS: dict[str, Callable[[Any], Any]] = {
    spec.name: _PARSERS[str(spec.type)]
    for spec in fields(Measurement)
    if spec.name not in ("external", "unknown")
}


@dataclass(frozen=True, slots=True)
class System:
    """`GET /api/system`: network and settings."""

    wifi_ssid: str | None = None
    wifi_rssi_db: float | None = None
    uptime_s: float | None = None
    cloud_enabled: bool | None = None
    status_led_brightness_pct: float | None = None
    api_v1_enabled: bool | None = None

    @classmethod
    def from_json(cls, data: Any) -> Self:
        """Parse; a value of the wrong type counts as absent."""
        obj = json_object(data, "system")
        return cls(
            wifi_ssid=_text(obj.get("wifi_ssid")),
            wifi_rssi_db=number(obj.get("wifi_rssi_db")),
            uptime_s=number(obj.get("uptime_s")),
            cloud_enabled=_flag(obj.get("cloud_enabled")),
            status_led_brightness_pct=number(obj.get("status_led_brightness_pct")),
            api_v1_enabled=_flag(obj.get("api_v1_enabled")),
        )

    @property
    def wifi_strength_pct(self) -> float | None:
        """Return Wi-Fi strength in percent."""
        return rssi_to_strength(self.wifi_rssi_db)


def _flag(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


@dataclass(frozen=True, slots=True)
class Batteries:
    """`GET /api/batteries`: the group of Plug-In Batteries a meter controls."""

    mode: str | None = None
    permissions: frozenset[Permission] | None = None
    charge_to_full: bool | None = None
    battery_count: int | None = None
    power_w: float | None = None
    target_power_w: float | None = None
    max_consumption_w: float | None = None
    max_production_w: float | None = None

    @classmethod
    def from_json(cls, data: Any) -> Self:
        """Parse; unknown modes and permissions are kept as text and dropped."""
        obj = json_object(data, "batteries")
        raw = obj.get("permissions")
        permissions = None
        if isinstance(raw, list):
            permissions = frozenset(
                Permission(p) for p in raw if isinstance(p, str) and p in _PERMISSIONS
            )
        return cls(
            mode=_text(obj.get("mode")),
            permissions=permissions,
            charge_to_full=_flag(obj.get("charge_to_full")),
            battery_count=integer(obj.get("battery_count")),
            power_w=number(obj.get("power_w")),
            target_power_w=number(obj.get("target_power_w")),
            max_consumption_w=number(obj.get("max_consumption_w")),
            max_production_w=number(obj.get("max_production_w")),
        )

    @property
    def known_mode(self) -> BatteryMode | None:
        """Return the mode if this client knows it."""
        return BatteryMode(self.mode) if self.mode in _MODES else None


_PERMISSIONS = frozenset(Permission)
_MODES = frozenset(BatteryMode)
