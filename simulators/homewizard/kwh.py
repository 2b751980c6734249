"""Evolving measurements of the kWh meters (HWE-KWH1, HWE-KWH3)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
import datetime as dt
import math
from typing import Any

from simulators.state import EnergyMeter

from .measurement import Source, split_phases


class KwhSource(Source):
    """A 1- or 3-phase kWh meter with apparent and reactive values."""

    def __init__(
        self,
        clock: Callable[[], float],
        start: dt.datetime,
        *,
        phases: int,
        seed: int = 0,
    ) -> None:
        """Start with some history on the counters."""
        super().__init__(clock, start)
        self.phases = phases
        self.meter = EnergyMeter(
            clock,
            seed=seed,
            mean_w=600.0,
            amplitude_w=900.0,
            period_s=900.0,
            import_kwh=1234.567,
            export_kwh=89.012,
        )

    def counters(self) -> dict[str, Any]:
        """Return the import and export counters."""
        return {
            "import_kwh": self.meter.import_kwh,
            "export_kwh": self.meter.export_kwh,
        }

    def restore(self, counters: dict[str, Any]) -> None:
        """Continue from saved import and export counters."""
        self.meter.import_kwh = float(counters["import_kwh"])
        self.meter.export_kwh = float(counters["export_kwh"])

    def _phase(self, index: int, power: int) -> dict[str, float]:
        volts = self.voltage(index)
        factor = round(0.93 + 0.05 * self.wave(53, index), 3)
        apparent = abs(power) / factor
        reactive = math.sqrt(max(apparent**2 - power**2, 0.0))
        return {
            "power": power,
            "voltage": volts,
            "current": abs(power) / volts,
            "apparent_current": apparent / volts,
            "reactive_current": reactive / volts,
            "apparent_power": apparent,
            "reactive_power": reactive,
            "power_factor": factor,
        }

    def measurement(self, external_types: Sequence[str] = ()) -> dict[str, Any]:
        """Return the kWh meter measurement."""
        self.meter.update()
        power = self.power_w()
        data: dict[str, Any] = {
            "energy_import_kwh": round(self.meter.import_kwh, 3),
            "energy_export_kwh": round(self.meter.export_kwh, 3),
            "power_w": power,
        }
        phases = [
            self._phase(i, p) for i, p in enumerate(split_phases(power, self.phases))
        ]
        if self.phases == 1:
            (one,) = phases
            data["voltage_v"] = one["voltage"]
            for name, unit in UNITS:
                data[f"{name}_{unit}"] = round(one[name], 3)
            data["power_factor"] = one["power_factor"]
        else:
            for i, phase in enumerate(phases, 1):
                data[f"power_l{i}_w"] = phase["power"]
            for i, phase in enumerate(phases, 1):
                data[f"voltage_l{i}_v"] = phase["voltage"]
            for name, unit in UNITS:
                data[f"{name}_{unit}"] = round(sum(p[name] for p in phases), 3)
                for i, phase in enumerate(phases, 1):
                    data[f"{name}_l{i}_{unit}"] = round(phase[name], 3)
            for i, phase in enumerate(phases, 1):
                data[f"power_factor_l{i}"] = phase["power_factor"]
        data["frequency_hz"] = self.frequency()
        return data


UNITS = (
    ("current", "a"),
    ("apparent_current", "a"),
    ("reactive_current", "a"),
    ("apparent_power", "va"),
    ("reactive_power", "var"),
)
