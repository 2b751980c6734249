"""Evolving measurements of the P1 meter, kWh meters and Plug-In Battery."""

from __future__ import annotations

from collections.abc import Callable, Sequence
import datetime as dt
import math
from typing import Any

from simulators.state import EnergyMeter

P1_METER_MODEL = "ISKRA 2M550T-101"
# Device time of the default start, from which external meters count whenever the
# device started: their values follow the device's clock, also across restarts.
EPOCH = dt.datetime(2025, 6, 28, 14, 12, 34)  # noqa: DTZ001 - device time has no zone
P1_UNIQUE_IDS = {
    3: "4E6576657220476F6E6E61204C657420596F7520446F776E",
    1: "4E6576657220476F6E6E61204769766520596F75205570",
}
# type: (value at the start, growth per second, unit, update period in s)
EXTERNAL_METERS: dict[str, tuple[float, float, str, int]] = {
    "gas_meter": (2569.646, 0.0001, "m3", 300),
    "water_meter": (123.456, 0.00002, "m3", 60),
    "heat_meter": (12.345, 0.00001, "GJ", 300),
    "warm_water_meter": (45.678, 0.00001, "m3", 300),
    "inlet_heat_meter": (6.789, 0.00001, "GJ", 300),
}
OTHER_EXTERNAL = (1.0, 0.00001, "m3", 300)
BATTERY_CAPACITY_WH = 2688.0


def second_power(raw: float, second: int) -> int:
    """Round to even watts, plus one on odd seconds: consecutive seconds differ."""
    return 2 * round(raw / 2) + second % 2


class Source:
    """Clock-driven measurement source; `forced_power_w` overrides the power."""

    def __init__(self, clock: Callable[[], float], start: dt.datetime) -> None:
        """Start at the clock's current time, reported as `start`."""
        self._clock = clock
        self._t0 = clock()
        self.start = start
        self.forced_power_w: float | None = None
        self.meter: EnergyMeter

    def force_power(self, watts: float | None) -> None:
        """Report `watts` from now on (None: the simulated power again)."""
        self.forced_power_w = watts

    def second(self) -> int:
        """Return the whole seconds since the start."""
        return math.floor(self._clock() - self._t0)

    def now(self) -> dt.datetime:
        """Return the device's wall-clock time, to the second."""
        return self.start + dt.timedelta(seconds=self.second())

    def power_w(self) -> int:
        """Return the power in W: new every second, unless forced."""
        if self.forced_power_w is not None:
            return round(self.forced_power_w)
        second = self.second()
        return second_power(self.meter.power_at(self._t0 + second), second)

    def wave(self, period_s: float, phase: int = 0) -> float:
        """Return a slow sine in [-1, 1] for voltages, frequency, power factor."""
        return math.sin(self.second() / period_s + phase)

    def voltage(self, phase: int = 0) -> float:
        """Return a phase voltage in V."""
        return round(230.0 + phase * 0.8 + 1.5 * self.wave(37, phase), 1)

    def frequency(self) -> float:
        """Return the line frequency in Hz."""
        return round(50.0 + 0.03 * self.wave(29), 3)

    def measurement(self, external_types: Sequence[str] = ()) -> dict[str, Any]:
        """Return `GET /api/measurement`."""
        raise NotImplementedError

    def counters(self) -> dict[str, Any]:
        """Return the state a restarted device continues from (JSON-able)."""
        raise NotImplementedError

    def restore(self, counters: dict[str, Any]) -> None:
        """Continue from `counters()` saved by an earlier run."""
        raise NotImplementedError


def split_phases(power: int, phases: int) -> list[int]:
    """Split a total over the phases, 50/30/20 %."""
    if phases == 1:
        return [power]
    l1, l2 = round(power * 0.5), round(power * 0.3)
    return [l1, l2, power - l1 - l2]


class P1Source(Source):
    """DSMR smart meter behind a P1 meter: tariffs 1/2, phases, external meters."""

    def __init__(
        self,
        clock: Callable[[], float],
        start: dt.datetime,
        *,
        phases: int,
        seed: int = 0,
    ) -> None:
        """Start with the counters of the documentation's examples."""
        super().__init__(clock, start)
        self.phases = phases
        self.meter = EnergyMeter(clock, seed=seed)
        self.import_kwh = [10830.511, 2948.827]
        self.export_kwh = [1285.951, 2876.51]
        self._seen = (self.meter.import_kwh, self.meter.export_kwh)
        self._seen_second = 0
        self.peak_w = 1111.0
        self.peak_at = min(start, start.replace(day=4, hour=10, minute=11, second=22))

    def tariff(self, moment: dt.datetime | None = None) -> int:
        """Return tariff 1 (low, 23:00-07:00) or 2 (normal), now or at `moment`."""
        hour = (moment or self.now()).hour
        return 1 if hour < 7 or hour >= 23 else 2

    def _tariff_shares(self, first: int, last: int) -> tuple[float, float]:
        """Return the shares of seconds `first`..`last` spent in tariff 1 and 2."""
        if last <= first:
            return (1.0, 0.0) if self.tariff() == 1 else (0.0, 1.0)
        seconds = [0, 0]
        second = first
        while second < last:
            moment = self.start + dt.timedelta(seconds=second)
            hour_end = second + 3600 - (moment.minute * 60 + moment.second)
            end = min(last, hour_end)
            seconds[self.tariff(moment) - 1] += end - second
            second = end
        return seconds[0] / (last - first), seconds[1] / (last - first)

    def _accumulate(self) -> None:
        """Add the meter's new energy to the tariff counters, split by time."""
        self.meter.update()
        now = self.second()
        shares = self._tariff_shares(self._seen_second, now)
        new_import = self.meter.import_kwh - self._seen[0]
        new_export = self.meter.export_kwh - self._seen[1]
        for index, share in enumerate(shares):
            self.import_kwh[index] += new_import * share
            self.export_kwh[index] += new_export * share
        self._seen = (self.meter.import_kwh, self.meter.export_kwh)
        self._seen_second = max(now, self._seen_second)

    def counters(self) -> dict[str, Any]:
        """Return the tariff counters and the monthly peak."""
        return {
            "import_kwh": self.import_kwh,
            "export_kwh": self.export_kwh,
            "peak_w": self.peak_w,
            "peak_at": self.peak_at.isoformat(),
        }

    def restore(self, counters: dict[str, Any]) -> None:
        """Continue from saved tariff counters and monthly peak."""
        self.import_kwh = [float(value) for value in counters["import_kwh"]]
        self.export_kwh = [float(value) for value in counters["export_kwh"]]
        self.peak_w = float(counters["peak_w"])
        self.peak_at = dt.datetime.fromisoformat(counters["peak_at"])

    def average_15m(self) -> float:
        """Return the 15-minute average demand in W; track the monthly peak."""
        if self.forced_power_w is not None:
            average = self.forced_power_w
        else:
            now = self._t0 + self.second()
            average = sum(self.meter.power_at(now - 60 * k) for k in range(15)) / 15
        average = round(average, 3)
        if average > self.peak_w:
            self.peak_w, self.peak_at = average, self.now()
        return average

    def external(self, types: Sequence[str]) -> list[dict[str, Any]]:
        """Return the external meters; values only grow."""
        now = self.now()
        meters = []
        for kind in types:
            base, rate, unit, period = EXTERNAL_METERS.get(kind, OTHER_EXTERNAL)
            offset = (now.minute * 60 + now.second) % period
            stamp = now - dt.timedelta(seconds=offset)
            value = base + rate * max((stamp - EPOCH).total_seconds(), 0)
            meters.append(
                {
                    "unique_id": kind.encode().hex().upper(),
                    "type": kind,
                    "timestamp": stamp.isoformat(timespec="seconds"),
                    "value": round(value, 3),
                    "unit": unit,
                }
            )
        return meters

    def measurement(self, external_types: Sequence[str] = ()) -> dict[str, Any]:
        """Return the P1 measurement (three-phase: all fields of the docs)."""
        self._accumulate()
        power = self.power_w()
        phases = split_phases(power, self.phases)
        data: dict[str, Any] = {
            "protocol_version": 50,
            "meter_model": P1_METER_MODEL,
            "unique_id": P1_UNIQUE_IDS[self.phases],
            "timestamp": self.now().isoformat(timespec="seconds"),
        }
        three = self.phases == 3
        if three:
            data["tariff"] = self.tariff()
            data["energy_import_kwh"] = round(sum(self.import_kwh), 3)
        data["energy_import_t1_kwh"] = round(self.import_kwh[0], 3)
        data["energy_import_t2_kwh"] = round(self.import_kwh[1], 3)
        if three:
            data["energy_export_kwh"] = round(sum(self.export_kwh), 3)
        data["energy_export_t1_kwh"] = round(self.export_kwh[0], 3)
        data["energy_export_t2_kwh"] = round(self.export_kwh[1], 3)
        data["power_w"] = power
        volts = [self.voltage(i) for i in range(self.phases)]
        amps = [round(p / v, 2) for p, v in zip(phases, volts, strict=True)]
        data.update({f"power_l{i}_w": w for i, w in enumerate(phases, 1)})
        data.update({f"voltage_l{i}_v": v for i, v in enumerate(volts, 1)})
        if three:
            data["current_a"] = round(sum(abs(a) for a in amps), 2)
        data.update({f"current_l{i}_a": a for i, a in enumerate(amps, 1)})
        if not three:
            return data
        data["frequency_hz"] = self.frequency()
        for name, counts in (("sag", (1, 1, 0)), ("swell", (0, 0, 0))):
            for i, count in enumerate(counts, 1):
                data[f"voltage_{name}_l{i}_count"] = count
        data["any_power_fail_count"] = 4
        data["long_power_fail_count"] = 5
        data["average_power_15m_w"] = self.average_15m()
        data["monthly_power_peak_w"] = self.peak_w
        data["monthly_power_peak_timestamp"] = self.peak_at.isoformat(
            timespec="seconds"
        )
        data["external"] = self.external(external_types)
        return data
