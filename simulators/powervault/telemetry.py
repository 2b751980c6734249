"""Local telemetry records and chart-data samples (watts, local signs).

Local signs: `gridPower` + import / - export; `batteryPower` + charging /
- discharging; `aux1Power` (solar CT) negative when generating.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from .clocks import as_utc, iso_z
from .physics import PowervaultModel, Step
from .states import REQUESTED_CODES

type Platform = Literal["p3", "p3x"]
type Value = float | str | None

P3_STRINGS = 3
P3_CELLS = 4
P3X_MODULES = 2
P3X_CELLS = 15
BATTERY_VOLTS = 51.2
IDLE_W = 1.0


def _r(value: float, digits: int = 1) -> float:
    return round(value, digits)


def cell_volts(soc_pct: float, offset: int) -> float:
    """Return a cell voltage at `soc_pct`, a few mV apart per cell."""
    return round(3.20 + 0.15 * soc_pct / 100 + 0.002 * (offset % 5), 3)


def measurements(
    model: PowervaultModel, platform: Platform, now: dt.datetime
) -> dict[str, tuple[Value, str]]:
    """Return measurement -> (value, unit) at `now`."""
    step = model.step(now)
    soc = model.soc_pct(now)
    state, _ = model.effective_state(now)
    volts = 240.0 + 2.0 * (step.home_w / 5000)
    heat = abs(step.battery_w) / 1000
    values: dict[str, tuple[Value, str]] = {
        "socUsable": (_r(soc), "%"),
        "socAverage": (_r(5 + soc * 0.95), "%"),
        "gridPower": (_r(step.grid_w), "W"),
        "batteryPower": (_r(step.battery_w), "W"),
        "aux1Power": (_r(-step.solar_w), "W"),
        "aux2Power": (None, "W"),
        "aux3Power": (None, "W"),
        "gridCurrent": (_r(step.grid_w / volts, 2), "A"),
        "batteryCurrent": (_r(step.battery_w / BATTERY_VOLTS, 2), "A"),
        "inverterVoltage": (_r(volts), "V"),
        "inverterFrequency": (_r(50.0 + 0.02 * ((now.minute % 5) - 2), 2), "Hz"),
        "maxChargePower": (model.config.max_power_w, "W"),
        "maxDischargePower": (-model.config.max_power_w, "W"),
        "temperature": (_r(24.0 + 2 * heat), "C"),
        "cpuTemperature": (_r(46.0 + heat), "C"),
        "vocTemperature": (_r(21.5 + heat / 2), "C"),
        "vocHumidity": (45.0, "%"),
        "vocCO2": (float(450 + now.hour * 5), "ppm"),
        "vocVOC": (100.0, "index"),
        "actualState": ("C" if abs(step.battery_w) >= IDLE_W else "I", "I|C"),
        "requestedState": (REQUESTED_CODES[state], "N|I|C|V|H|L|F|R|D|P|Q|A|B|T"),
    }
    if platform == "p3":
        values.update(_p3_cells(soc, heat))
    else:
        values.update(_p3x_cells(soc, heat))
    return values


def _p3_cells(soc: float, heat: float) -> dict[str, tuple[Value, str]]:
    values: dict[str, tuple[Value, str]] = {}
    for n in range(1, P3_STRINGS + 1):
        for m in range(1, P3_CELLS + 1):
            values[f"string{n}cell{m}Voltage"] = (cell_volts(soc, n + m), "V")
            values[f"string{n}cell{m}Temperature"] = (_r(23.0 + heat + 0.1 * m), "C")
    return values


def _p3x_cells(soc: float, heat: float) -> dict[str, tuple[Value, str]]:
    values: dict[str, tuple[Value, str]] = {}
    volts: list[float] = []
    for n in range(1, P3X_MODULES + 1):
        for m in range(1, P3X_CELLS + 1):
            volts.append(cell_volts(soc, n + m))
            values[f"pylontechModule{n}cell{m}Voltage"] = (volts[-1], "V")
    for part, base in (("Cell", 23.0), ("BMS", 27.0), ("MOSFET", 29.0)):
        values[f"pylontechMin{part}Temperature"] = (_r(base + heat), "C")
        values[f"pylontechMax{part}Temperature"] = (_r(base + heat + 1.5), "C")
        values[f"pylontechAvg{part}Temperature"] = (_r(base + heat + 0.7), "C")
    values["pylontechMinCellVoltage"] = (min(volts), "V")
    values["pylontechMaxCellVoltage"] = (max(volts), "V")
    return values


def records(
    model: PowervaultModel, platform: Platform, now: dt.datetime
) -> list[dict[str, Any]]:
    """Return the `latest-telemetry` list: one record per measurement."""
    at = as_utc(now).timestamp()
    return [
        {
            "created_at": at,
            "id": None,
            "measurement": name,
            "timestamp": int(at),
            "unit": unit,
            "value": value,
        }
        for name, (value, unit) in measurements(model, platform, now).items()
    ]


def chart_sample(step: Step) -> dict[str, Any]:
    """Return one chart-data sample: a 30-s step's constant powers (W, local signs).

    `{"timestamp": "YYYY-MM-DDTHH:MM:SSZ" (step start), "gridPower",
    "batteryPower", "aux1Power", "homePower" (>= 0), "socUsable"}`.
    """
    return {
        "timestamp": iso_z(step.start),
        "gridPower": _r(step.grid_w, 3),
        "batteryPower": _r(step.battery_w, 3),
        "aux1Power": _r(-step.solar_w, 3),
        "homePower": _r(step.home_w, 3),
        "socUsable": _r(step.soc_pct, 2),
    }
