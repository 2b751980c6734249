"""Evolving measurements of the Plug-In Battery (HWE-BAT)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
import datetime as dt
import math
from typing import Any

from simulators.state import MAX_STEP_S, MAX_STEPS, EnergyMeter

from .measurement import Source

CAPACITY_WH = 2688.0


class BatterySource(Source):
    """A battery: positive power charges, negative discharges; 0-100 % charge."""

    def __init__(
        self,
        clock: Callable[[], float],
        start: dt.datetime,
        *,
        seed: int = 0,
        state_of_charge_pct: float = 50.0,
    ) -> None:
        """Start half full with some history on the counters."""
        super().__init__(clock, start)
        self.meter = EnergyMeter(
            clock,
            seed=seed,
            mean_w=0.0,
            amplitude_w=800.0,
            period_s=900.0,
            noise_w=30.0,
        )
        self.state_of_charge_pct = state_of_charge_pct
        self.import_kwh = 123.456
        self.export_kwh = 123.456
        self.base_cycles = 123
        self.discharged_wh = 0.0
        self._last = clock()

    def counters(self) -> dict[str, Any]:
        """Return the counters and the state of charge."""
        return {
            "import_kwh": self.import_kwh,
            "export_kwh": self.export_kwh,
            "discharged_wh": self.discharged_wh,
            "state_of_charge_pct": self.state_of_charge_pct,
        }

    def restore(self, counters: dict[str, Any]) -> None:
        """Continue from saved counters and state of charge."""
        self.import_kwh = float(counters["import_kwh"])
        self.export_kwh = float(counters["export_kwh"])
        self.discharged_wh = float(counters["discharged_wh"])
        self.state_of_charge_pct = float(counters["state_of_charge_pct"])

    def _clamped(self, power: float) -> float:
        if (self.state_of_charge_pct >= 100.0 and power > 0) or (
            self.state_of_charge_pct <= 0.0 and power < 0
        ):
            return 0.0
        return power

    def _raw(self, t: float) -> float:
        if self.forced_power_w is not None:
            return self.forced_power_w
        return self.meter.power_at(t)

    def force_power(self, watts: float | None) -> None:
        """Integrate up to now with the old power, then report `watts`."""
        self.update()
        super().force_power(watts)

    def update(self) -> None:
        """Integrate the power into the charge and the counters up to now."""
        now = self._clock()
        elapsed = now - self._last
        if elapsed <= 0:
            return
        steps = min(MAX_STEPS, math.ceil(elapsed / MAX_STEP_S))
        step = elapsed / steps
        for i in range(steps):
            power = self._clamped(self._raw(self._last + (i + 0.5) * step))
            wh = power * step / 3600
            charge = self.state_of_charge_pct + wh / CAPACITY_WH * 100
            self.state_of_charge_pct = min(100.0, max(0.0, charge))
            if wh >= 0:
                self.import_kwh += wh / 1000
            else:
                self.export_kwh -= wh / 1000
                self.discharged_wh -= wh
        self._last = now

    def power_w(self) -> int:
        """Return the power in W, 0 when full and charging or empty and discharging."""
        return round(self._clamped(super().power_w()))

    def measurement(self, external_types: Sequence[str] = ()) -> dict[str, Any]:
        """Return the battery measurement."""
        self.update()
        power = self.power_w()
        volts = self.voltage()
        return {
            "energy_import_kwh": round(self.import_kwh, 3),
            "energy_export_kwh": round(self.export_kwh, 3),
            "power_w": power,
            "voltage_l1_v": volts,
            "current_a": round(abs(power) / volts, 3),
            "frequency_hz": self.frequency(),
            "state_of_charge_pct": round(self.state_of_charge_pct, 1),
            "cycles": self.base_cycles + int(self.discharged_wh // CAPACITY_WH),
        }
