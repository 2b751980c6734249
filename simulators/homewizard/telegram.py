"""A DSMR-like telegram for `GET /api/telegram`, built from a P1 measurement."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# DSMR M-Bus device types of external meters.
DEVICE_TYPES = {
    "gas_meter": 3,
    "heat_meter": 4,
    "warm_water_meter": 6,
    "water_meter": 7,
    "inlet_heat_meter": 12,
}
SUMMER_MONTHS = range(4, 11)


def crc16(data: bytes) -> int:
    """Return the CRC16/ARC checksum DSMR 5 telegrams end with."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def dsmr_time(iso: str) -> str:
    """Turn `2025-06-28T14:12:34` into `250628141234S` (S summer, W winter)."""
    digits = iso.replace("-", "").replace("T", "").replace(":", "")[2:]
    return digits + ("S" if int(iso[5:7]) in SUMMER_MONTHS else "W")


def _kw(watts: float) -> str:
    return f"{abs(watts) / 1000:06.3f}*kW"


def build_telegram(m: Mapping[str, Any]) -> str:
    """Return the telegram with CRLF line ends and a valid CRC."""
    model = str(m["meter_model"]).replace(" ", "\\", 1)
    lines = [
        f"/{model}",
        "",
        f"1-3:0.2.8({m['protocol_version']})",
        f"0-0:1.0.0({dsmr_time(m['timestamp'])})",
        f"0-0:96.1.1({m['unique_id']})",
    ]
    for obis, key in (("1.8", "import"), ("2.8", "export")):
        for tariff in (1, 2):
            kwh = m[f"energy_{key}_t{tariff}_kwh"]
            lines.append(f"1-0:{obis}.{tariff}({kwh:010.3f}*kWh)")
    if "tariff" in m:
        lines.append(f"0-0:96.14.0({m['tariff']:04d})")
    power = m["power_w"]
    lines.append(f"1-0:1.7.0({_kw(max(power, 0))})")
    lines.append(f"1-0:2.7.0({_kw(min(power, 0))})")
    if "any_power_fail_count" in m:
        lines.append(f"0-0:96.7.21({m['any_power_fail_count']:05d})")
        lines.append(f"0-0:96.7.9({m['long_power_fail_count']:05d})")
    phases = [i for i in (1, 2, 3) if f"power_l{i}_w" in m]
    for i in phases:
        group = 2 * i + 1  # OBIS group of phase i: 32.7.0 is the L1 voltage
        if f"voltage_sag_l{i}_count" in m:
            lines.append(f"1-0:{group}2.32.0({m[f'voltage_sag_l{i}_count']:05d})")
            lines.append(f"1-0:{group}2.36.0({m[f'voltage_swell_l{i}_count']:05d})")
        lines.append(f"1-0:{group}2.7.0({m[f'voltage_l{i}_v']:05.1f}*V)")
        lines.append(f"1-0:{group}1.7.0({round(abs(m[f'current_l{i}_a'])):03d}*A)")
    for i in phases:
        watts = m[f"power_l{i}_w"]
        lines.append(f"1-0:{2 * i}1.7.0({_kw(max(watts, 0))})")
        lines.append(f"1-0:{2 * i}2.7.0({_kw(min(watts, 0))})")
    if "average_power_15m_w" in m:
        lines.append(f"1-0:1.4.0({_kw(m['average_power_15m_w'])})")
        peak_time = dsmr_time(m["monthly_power_peak_timestamp"])
        lines.append(f"1-0:1.6.0({peak_time})({_kw(m['monthly_power_peak_w'])})")
    for channel, meter in enumerate(m.get("external", []), 1):
        device_type = DEVICE_TYPES.get(meter["type"])
        if device_type is None:
            continue
        lines.append(f"0-{channel}:24.1.0({device_type:03d})")
        lines.append(f"0-{channel}:96.1.0({meter['unique_id']})")
        stamp = dsmr_time(meter["timestamp"])
        value = f"{meter['value']:09.3f}*{meter['unit']}"
        lines.append(f"0-{channel}:24.2.1({stamp})({value})")
    body = "\r\n".join(lines) + "\r\n!"
    return f"{body}{crc16(body.encode('ascii')):04X}\r\n"
