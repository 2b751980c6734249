"""Energy that is never lost: each 5-minute row or power sample counted exactly once.

The six totals (kWh) only grow. Cloud rows are integrated once each, keyed by their
time; after a restart or an outage the missed rows come from the history periods.
Local samples are integrated from one to the next; a gap is filled from chart-data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import pairwise
import math
from typing import Any

from .vendor.energy_api.powervault import ChartSample, DataRow

KINDS = (
    "grid_import",
    "grid_export",
    "battery_charge",
    "battery_discharge",
    "solar",
    "home",
)
ROW = timedelta(minutes=5)
# Row times kept to recognise a row already counted (a week of rows).
KEEP_SEEN = timedelta(days=8)
# A row missing from the history this long after its start is taken as dropped.
HOLE_AFTER = timedelta(minutes=70)
# Rows kept to estimate a dropped neighbour (a backfill after a day's outage too).
KEEP_FLOWS = timedelta(days=2)
# Local samples further apart than this are not bridged by the last power: the gap is
# filled from chart-data, or left out.
MAX_SAMPLE_GAP = timedelta(minutes=2)
HOUR_S = 3600.0


def row_flows_w(row: DataRow) -> dict[str, float] | None:
    """Return a complete row's six mean powers (W), or None if any value is missing."""
    values = {
        "grid_import": _sum(row.grid_to_home_w, row.battery_from_grid_w),
        "grid_export": _sum(row.solar_exported_w, row.battery_exported_w),
        "battery_charge": _sum(row.battery_from_grid_w, row.battery_from_solar_w),
        "battery_discharge": _sum(row.battery_to_home_w, row.battery_exported_w),
        "solar": row.solar_generated_w,
        "home": row.home_consumed_w,
    }
    if any(value is None for value in values.values()):
        return None
    return {kind: max(0.0, float(value or 0.0)) for kind, value in values.items()}


def sample_flows_w(
    grid_w: float | None,
    battery_w: float | None,
    solar_w: float | None,
    home_w: float | None,
) -> dict[str, float] | None:
    """Return the six flows (W) of instant powers in HA's signs (grid + import, battery + discharge)."""
    if grid_w is None or battery_w is None or solar_w is None or home_w is None:
        return None
    return {
        "grid_import": max(0.0, grid_w),
        "grid_export": max(0.0, -grid_w),
        "battery_charge": max(0.0, -battery_w),
        "battery_discharge": max(0.0, battery_w),
        "solar": max(0.0, solar_w),
        "home": max(0.0, home_w),
    }


def _sum(*values: float | None) -> float | None:
    if any(value is None for value in values):
        return None
    return sum(value or 0.0 for value in values)


@dataclass(slots=True)
class EnergyLedger:
    """The six totals and what has been counted into them."""

    totals_kwh: dict[str, float] = field(
        default_factory=lambda: dict.fromkeys(KINDS, 0.0)
    )
    seen_rows: set[datetime] = field(default_factory=set)
    first_row: datetime | None = None
    recent_flows: dict[datetime, dict[str, float]] = field(default_factory=dict)
    recent_soc: dict[datetime, float] = field(default_factory=dict)
    last_row: datetime | None = None
    last_sample: datetime | None = None
    last_powers_w: dict[str, float] | None = None

    def add_rows(self, rows: Iterable[DataRow], now: datetime) -> int:
        """Count each complete row not counted yet; return how many were counted."""
        counted = 0
        for row in sorted(rows, key=lambda r: r.time):
            if row.time in self.seen_rows or row.time + ROW > now:
                continue
            if self.first_row is not None and row.time < self.first_row:
                continue  # before the totals began: a backfill reaches back too far
            flows = row_flows_w(row)
            if flows is None:
                continue
            self._add(flows, ROW.total_seconds())
            self.seen_rows.add(row.time)
            self.first_row = min(self.first_row or row.time, row.time)
            self.recent_flows[row.time] = flows
            if row.soc_pct is not None:
                self.recent_soc[row.time] = row.soc_pct
            self.last_row = max(self.last_row or row.time, row.time)
            counted += 1
        counted += self._fill_holes(now)
        horizon = now - KEEP_SEEN
        self.seen_rows = {moment for moment in self.seen_rows if moment >= horizon}
        self.recent_flows = {
            moment: flows
            for moment, flows in self.recent_flows.items()
            if moment >= now - KEEP_FLOWS
        }
        self.recent_soc = {
            moment: soc
            for moment, soc in self.recent_soc.items()
            if moment in self.recent_flows
        }
        return counted

    def _fill_holes(self, now: datetime) -> int:
        """Count a row the history never gives (it drops some) as the mean of its neighbours.

        A row is taken as dropped once the past hour no longer covers it while both
        neighbours were counted.
        """
        filled = 0
        for moment in sorted(self.recent_flows):
            hole, after = moment + ROW, moment + 2 * ROW
            if hole in self.seen_rows or after not in self.recent_flows:
                continue
            if hole + HOLE_AFTER > now:
                continue
            estimate = self._estimate(moment, after)
            self._add(estimate, ROW.total_seconds())
            self.seen_rows.add(hole)
            filled += 1
        return filled

    def _estimate(self, before: datetime, after: datetime) -> dict[str, float]:
        """Estimate the row between `before` and `after` (W).

        Solar and home are the neighbours' mean. The battery's net power comes from
        the state of charge, which the rows give at their ends: the change from the
        end of `before` to the end of `after`, less what `after` itself moved, times
        the capacity the rows show. The grid is then what balances the row.
        """
        first, second = self.recent_flows[before], self.recent_flows[after]
        estimate = {kind: (first[kind] + second[kind]) / 2 for kind in KINDS}
        capacity = self._capacity_kwh()
        soc_before, soc_after = self.recent_soc.get(before), self.recent_soc.get(after)
        if capacity is None or soc_before is None or soc_after is None:
            return estimate
        hours = ROW.total_seconds() / HOUR_S
        moved_kwh = capacity * (soc_after - soc_before) / 100
        after_kwh = (
            (second["battery_charge"] - second["battery_discharge"]) * hours / 1000
        )
        battery_w = (moved_kwh - after_kwh) * 1000 / hours
        estimate["battery_charge"] = max(0.0, battery_w)
        estimate["battery_discharge"] = max(0.0, -battery_w)
        grid_w = (
            estimate["home"]
            + estimate["battery_charge"]
            - estimate["solar"]
            - estimate["battery_discharge"]
        )
        estimate["grid_import"] = max(0.0, grid_w)
        estimate["grid_export"] = max(0.0, -grid_w)
        return estimate

    def _capacity_kwh(self) -> float | None:
        """Return the usable capacity the rows show: battery energy per % of charge.

        A least-squares fit through the origin over consecutive rows whose charge
        moved by at least 1 %; None until there are such rows.
        """
        hours = ROW.total_seconds() / HOUR_S
        moved = squares = 0.0
        times = sorted(self.recent_soc)
        for start, end in pairwise(times):
            if end - start != ROW:
                continue
            change = self.recent_soc[end] - self.recent_soc[start]
            if abs(change) < 1.0:
                continue
            flows = self.recent_flows[end]
            kwh = (flows["battery_charge"] - flows["battery_discharge"]) * hours / 1000
            moved += kwh * change
            squares += change * change
        return 100 * moved / squares if squares else None

    def missing_since(self, now: datetime) -> timedelta | None:
        """Return how far back rows may be missing (None before the first row)."""
        if self.last_row is None:
            return None
        return now - (self.last_row + ROW)

    def add_sample(self, moment: datetime, flows: dict[str, float] | None) -> None:
        """Count the power held since the last sample, then hold `flows` from `moment`.

        A sample without powers is skipped: the time up to the next good one is
        counted from it, or from chart-data after a long gap.
        """
        if flows is None or (
            self.last_sample is not None and moment <= self.last_sample
        ):
            return
        if (
            self.last_sample is not None
            and self.last_powers_w is not None
            and moment - self.last_sample <= MAX_SAMPLE_GAP
        ):
            self._add(self.last_powers_w, (moment - self.last_sample).total_seconds())
        self.last_sample = moment
        self.last_powers_w = flows

    def add_chart(self, samples: Iterable[ChartSample]) -> int:
        """Bridge a gap with chart-data samples after the last one counted; return how many."""
        counted = 0
        for sample in sorted(samples, key=lambda s: s.time):
            if self.last_sample is not None and sample.time <= self.last_sample:
                continue
            flows = sample_flows_w(
                sample.grid_power_w,
                sample.battery_power_w,
                sample.solar_power_w,
                sample.home_power_w,
            )
            if flows is None:
                continue
            if self.last_sample is not None and self.last_powers_w is not None:
                self._add(
                    self.last_powers_w, (sample.time - self.last_sample).total_seconds()
                )
            self.last_sample, self.last_powers_w = sample.time, flows
            counted += 1
        return counted

    def _add(self, flows_w: dict[str, float], seconds: float) -> None:
        for kind, watts in flows_w.items():
            if math.isfinite(watts):
                self.totals_kwh[kind] += watts * seconds / HOUR_S / 1000

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready form for storage."""
        return {
            "totals_kwh": self.totals_kwh,
            "seen_rows": sorted(moment.isoformat() for moment in self.seen_rows),
            "first_row": _iso(self.first_row),
            "last_row": _iso(self.last_row),
            "last_sample": _iso(self.last_sample),
            "last_powers_w": self.last_powers_w,
            # What estimating a dropped row needs, so it works across a restart too.
            "recent_rows": {
                moment.isoformat(): [
                    *(flows[kind] for kind in KINDS),
                    self.recent_soc.get(moment),
                ]
                for moment, flows in sorted(self.recent_flows.items())
            },
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EnergyLedger:
        """Rebuild from `as_dict`; damaged parts start empty, totals never negative."""
        totals = data.get("totals_kwh")
        ledger = cls()
        if isinstance(totals, dict):
            for kind in KINDS:
                value = totals.get(kind)
                if isinstance(value, int | float) and _finite_non_negative(value):
                    ledger.totals_kwh[kind] = float(value)
        seen = data.get("seen_rows")
        if isinstance(seen, list):
            ledger.seen_rows = {
                m for m in (_time(item) for item in seen) if m is not None
            }
        ledger.first_row = _time(data.get("first_row"))
        ledger.last_row = _time(data.get("last_row"))
        ledger.last_sample = _time(data.get("last_sample"))
        powers = data.get("last_powers_w")
        if isinstance(powers, dict) and set(powers) == set(KINDS):
            ledger.last_powers_w = {
                k: float(v) for k, v in powers.items() if isinstance(v, int | float)
            }
        recent = data.get("recent_rows")
        for key, values in (recent if isinstance(recent, dict) else {}).items():
            moment = _time(key)
            if moment is None or not isinstance(values, list) or len(values) != 7:
                continue
            if not all(_finite_non_negative(value) for value in values[:6]):
                continue
            ledger.recent_flows[moment] = {
                kind: float(value) for kind, value in zip(KINDS, values, strict=False)
            }
            if isinstance(values[6], int | float) and _finite_non_negative(values[6]):
                ledger.recent_soc[moment] = float(values[6])
        return ledger


def _finite_non_negative(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value >= 0
    )


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
