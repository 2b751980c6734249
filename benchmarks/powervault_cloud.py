# ruff: noqa: INP001  (a standalone script, not a package)
"""Compare a day of our Powervault cloud integration, run in HA, with the anchor's polling rule.

Ours is `custom_components/powervault` itself: a pytest run of
`benchmarks/powervault_cloud_ha/` sets it up in Home Assistant's test harness against
the simulated Powervault cloud (`simulators.powervault.PowervaultCloudSim`, unit
PV-1001), moves HA's frozen clock from planned refresh to planned refresh through
the day and writes a JSON trace. The anchor (adammcdonagh/home-assistant-powervault,
reference §2.2) is simulated by its rule in this process, over real HTTP against its
own `PowervaultCloudSim` with the same units (so the same model seed and truth) and
a data clock this script moves: every 30 s GET the latest row; if any value is null,
GET past-hour and back-fill each null key from the newest non-null row; GET today
(rows whose `instant_battery` is null dropped) and its daily totals as powervaultpy's
`get_kwh` (per row round(mW / 1000 * 5/60, 2) Wh, summed, / 1000 kWh); GET schedule
and GET stateOverride.

Both sides are set up one hour before the London day measured and counted by the
HTTP requests their own simulator received in [day start, day end). Prints a table,
then one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
import json
import math
import os
from pathlib import Path
import subprocess
import sys
import tempfile
import time as clock
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulators.powervault import DEFAULT_API_KEY, PowervaultCloudSim
from simulators.powervault.clocks import london_midnight
from simulators.powervault.cloud import PUBLISH_SECONDS
from simulators.runner import start_simulator

ROOT = Path(__file__).resolve().parents[1]
HA_RUN = Path(__file__).resolve().with_name("powervault_cloud_ha")
PLAN_ENV = "POWERVAULT_CLOUD_PLAN"
TRACE_ENV = "POWERVAULT_CLOUD_TRACE"
UNIT = "PV-1001"
DEFAULT_DAY = "2026-06-10"
DROP_EVERY = 17  # the simulator's default: every 17th history row is missing
WARM_UP = timedelta(hours=1)  # both sides are set up this long before the day
TICK = timedelta(seconds=30)  # the anchor's UPDATE_INTERVAL, and the sampling step
SAMPLE_PHASE = timedelta(seconds=15)  # samples between ticks: the time-mean exactly
ROW = timedelta(minutes=5)
STEP_S = 30
# Cloud keys of the anchor's nine "Total ..." sensors, summed into the six totals.
ANCHOR_KINDS: dict[str, tuple[str, ...]] = {
    "grid_import": ("gridConsumedByHome", "batteryInputFromGrid"),
    "grid_export": ("solarExported", "batteryOutputExported"),
    "battery_charge": ("batteryInputFromGrid", "batteryInputFromSolar"),
    "battery_discharge": ("batteryOutputConsumedByHome", "batteryOutputExported"),
    "solar": ("solarGenerated",),
    "home": ("homeConsumed",),
}
# The six totals (`custom_components.powervault.energy.KINDS`, the model's kinds).
KINDS = tuple(ANCHOR_KINDS)
TARGET_CALLS_RATIO = 0.03
TARGET_ENERGY_ERROR_PCT = 0.5


@dataclass(frozen=True, slots=True)
class Plan:
    """The simulated day: set-up, the London day measured, the cloud's drops and lag."""

    setup: datetime
    day_start: datetime
    day_end: datetime
    drop_every: int
    publish_seconds: int

    @classmethod
    def for_day(cls, day: str, drop_every: int, publish_seconds: int) -> Plan:
        """Plan London's `day` ("YYYY-MM-DD") with a warm-up before it."""
        first = date.fromisoformat(day)
        start = london_midnight(first)
        end = london_midnight(first + timedelta(days=1))
        return cls(start - WARM_UP, start, end, drop_every, publish_seconds)

    @property
    def hours(self) -> float:
        """Return the day's length in hours (23 or 25 on a clock change)."""
        return (self.day_end - self.day_start) / timedelta(hours=1)

    def to_dict(self) -> dict[str, Any]:
        """Return the plan as JSON-ready data."""
        return {
            "setup": self.setup.isoformat(),
            "day_start": self.day_start.isoformat(),
            "day_end": self.day_end.isoformat(),
            "drop_every": self.drop_every,
            "publish_seconds": self.publish_seconds,
        }

    def samples(self) -> list[datetime]:
        """Return the sampling instants: every 30 s, 15 s after each anchor tick."""
        count = round((self.day_end - self.day_start) / TICK)
        return [self.day_start + SAMPLE_PHASE + k * TICK for k in range(count)]


def parse_time(text: str) -> datetime:
    """Return an ISO time (UTC)."""
    return datetime.fromisoformat(text).astimezone(UTC)


def floor_to(moment: datetime, seconds: int) -> datetime:
    """Return the last multiple of `seconds` (Unix time) at or before `moment`."""
    return datetime.fromtimestamp(
        math.floor(moment.timestamp() / seconds) * seconds, UTC
    )


def error_pct(counted: float, truth: float) -> float:
    """Return |counted - truth| / truth in percent (0 if both are about 0)."""
    if truth == 0:
        return 0.0 if abs(counted) < 0.005 else math.inf
    return abs(counted - truth) / truth * 100


# The anchor: its rule, over HTTP against its own simulator


@dataclass(slots=True)
class Anchor:
    """What the anchor did: calls per tick, the rows it showed, its daily totals."""

    ticks: list[datetime] = field(default_factory=list)
    calls: list[int] = field(default_factory=list)
    row_time: list[datetime | None] = field(default_factory=list)
    data_end: list[datetime | None] = field(default_factory=list)
    failed: int = 0
    totals_kwh: dict[str, float] = field(default_factory=dict)
    literal_import_kwh: float = 0.0
    today_rows: list[str] = field(default_factory=list)
    requests_day: dict[str, int] = field(default_factory=dict)
    calls_day: int = 0


class AnchorRule:
    """The anchor's coordinator: one update every 30 s, each as powervaultpy calls."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str) -> None:
        """Talk to the simulated cloud at `base_url` with the default API key."""
        self.session = session
        self.base = f"{base_url}/unit/{UNIT}"
        self.headers = {"x-api-key": DEFAULT_API_KEY}

    async def get(self, path: str, period: str | None = None) -> Any:
        """GET `path` below the unit; raise for a non-2xx answer."""
        params = None if period is None else {"period": period}
        async with self.session.get(
            self.base + path, params=params, headers=self.headers
        ) as response:
            response.raise_for_status()
            return await response.json()

    async def update(
        self, now: datetime
    ) -> tuple[datetime | None, datetime | None, list[dict[str, Any]] | None]:
        """Run one update at `now`; return the row shown, its data end and today's rows.

        The row shown is the one whose state of charge is shown: the latest, or
        the past-hour row it was back-filled from.
        """
        latest: dict[str, Any] = (await self.get("/data"))["data"][0]
        row_time = parse_time(latest["time"])
        data_end: datetime | None = floor_to(now, STEP_S)
        if any(value is None for value in latest.values()):
            past: list[dict[str, Any]] = (await self.get("/data", "past-hour"))["data"]
            data_end = None
            for key, value in latest.items():
                if value is not None:
                    continue
                for row in reversed(past):  # newest first
                    if row.get(key) is not None:
                        latest[key] = row[key]
                        if key == "instant_soc":
                            row_time = parse_time(row["time"])
                            data_end = row_time + ROW
                        break
        if latest.get("instant_soc") is None:
            return None, None, None  # ServerError -> UpdateFailed: nothing more read
        today: list[dict[str, Any]] = (await self.get("/data", "today"))["data"]
        rows = [row for row in today if row.get("instant_battery") is not None]
        await self.get("/schedule")
        await self.get("/stateOverride")
        return row_time, data_end, rows


def kwh(rows: list[dict[str, Any]], key: str) -> float:
    """Return powervaultpy's `get_kwh` of `key` over `rows` (Wh), divided by 1000 (kWh)."""
    wh = sum(
        round(float(row[key]) / 1000 * (5 / 60), 2)
        for row in rows
        if row[key] is not None
    )
    return wh / 1000


async def run_anchor(plan: Plan) -> tuple[Anchor, PowervaultCloudSim]:
    """Run the anchor's rule from set-up to the day's end; return it and its cloud."""
    now = [plan.setup]
    cloud = PowervaultCloudSim(
        clock=lambda: now[0],
        drop_every=plan.drop_every,
        publish_seconds=plan.publish_seconds,
    )
    sim = await start_simulator(cloud)
    anchor = Anchor()
    before: dict[str, int] = {}
    try:
        async with aiohttp.ClientSession() as session:
            rule = AnchorRule(session, sim.url)
            last_rows: list[dict[str, Any]] | None = None
            tick = plan.setup
            while tick < plan.day_end:
                if tick == plan.day_start:
                    before = dict(cloud.requests)
                now[0] = tick
                calls = sum(cloud.requests.values())
                row_time, data_end, rows = await rule.update(tick)
                anchor.ticks.append(tick)
                anchor.calls.append(sum(cloud.requests.values()) - calls)
                anchor.row_time.append(row_time)
                anchor.data_end.append(data_end)
                if rows is None:
                    anchor.failed += 1
                elif plan.day_start <= tick:
                    last_rows = rows
                tick += TICK
            after = dict(cloud.requests)
    finally:
        await sim.stop()
    anchor.requests_day = {
        path: count - before.get(path, 0)
        for path, count in after.items()
        if count - before.get(path, 0)
    }
    anchor.calls_day = sum(anchor.requests_day.values())
    if last_rows is None:
        raise SystemExit("the anchor never read today's rows")
    anchor.totals_kwh = {
        kind: sum(kwh(last_rows, key) for key in keys)
        for kind, keys in ANCHOR_KINDS.items()
    }
    anchor.literal_import_kwh = kwh(last_rows, "gridConsumedByHome")
    anchor.today_rows = [row["time"] for row in last_rows]
    return anchor, cloud


# Ours: the integration in HA


def start_ours(plan: Plan, trace: Path) -> subprocess.Popen[str]:
    """Start the HA day in a pytest subprocess writing its trace to `trace`."""
    env = {**os.environ, PLAN_ENV: json.dumps(plan.to_dict()), TRACE_ENV: str(trace)}
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-q",
        f"--rootdir={ROOT}",
        "-o",
        "timeout=900",
        str(HA_RUN / "test_powervault_cloud.py"),
    ]
    return subprocess.Popen(  # noqa: S603 - our own interpreter and paths
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish_ours(process: subprocess.Popen[str], trace: Path) -> dict[str, Any]:
    """Wait for the HA run; return its trace."""
    out, err = process.communicate()
    if process.returncode != 0 or not trace.exists():
        sys.stderr.write(out[-20000:] + err[-5000:])
        raise SystemExit(f"the HA run failed (exit {process.returncode})")
    data: dict[str, Any] = json.loads(trace.read_text(encoding="utf-8"))
    return data


# Measures


def held(
    moments: list[datetime], values: list[datetime | None], at: datetime
) -> datetime | None:
    """Return the value recorded last at or before `at` (None before any)."""
    index = bisect_right(moments, at) - 1
    return values[index] if index >= 0 else None


def mean_age_s(
    samples: list[datetime], moments: list[datetime], values: list[datetime | None]
) -> float:
    """Return the mean of now - the value held, over `samples` (a value held is kept)."""
    shown: list[datetime | None] = []
    newest: datetime | None = None
    for value in values:  # an update that failed leaves the last row shown
        newest = value if value is not None else newest
        shown.append(newest)
    ages = []
    for at in samples:
        value = held(moments, shown, at)
        if value is None:
            raise RuntimeError(f"nothing shown at {at}")
        ages.append((at - value).total_seconds())
    return sum(ages) / len(ages)


def truth_over_rows(
    cloud: PowervaultCloudSim, rows: list[datetime]
) -> dict[str, float]:
    """Return the truth (kWh) of each kind over the 5-minute rows starting at `rows`."""
    model = cloud.model(UNIT)
    return {
        kind: sum(model.energy_kwh(kind, row, row + ROW) for row in rows)
        for kind in KINDS
    }


def worst(errors: dict[str, float]) -> float:
    """Return the worst of the errors (percent), rounded."""
    return round(max(errors.values()), 3)


def table(rows: list[tuple[str, str, str]]) -> list[str]:
    """Return the result table (markdown)."""
    lines = [
        "| metric | anchor (community rule, 30 s) | ours (powervault in HA) |",
        "|---|---:|---:|",
    ]
    lines.extend(f"| {name} | {a} | {o} |" for name, a, o in rows)
    return lines


def check_same_truth(
    plan: Plan, trace: dict[str, Any], cloud: PowervaultCloudSim
) -> dict[str, float]:
    """Return the day's truth (kWh); stop unless both simulators agree on it."""
    model = cloud.model(UNIT)
    if trace["model_anchor"] != model.anchor().isoformat():
        raise SystemExit("the two simulators' models start differently")
    truth_day = {
        kind: model.energy_kwh(kind, plan.day_start, plan.day_end) for kind in KINDS
    }
    for kind, value in truth_day.items():
        if not math.isclose(value, trace["truth_day_kwh"][kind], abs_tol=1e-9):
            raise SystemExit(f"the two simulators' truths differ ({kind})")
    return truth_day


def ages(plan: Plan, trace: dict[str, Any], anchor: Anchor) -> dict[str, float]:
    """Return both sides' mean age of the newest row shown and (diagnostic) data shown."""
    samples = plan.samples()
    refreshes = [(parse_time(at), shown) for at, _calls, shown in trace["refreshes"]]
    moments = [at for at, _ in refreshes]
    rows = [None if shown is None else parse_time(shown) for _, shown in refreshes]
    data_end = [None if row is None else row + ROW for row in rows]
    return {
        "row_ours": mean_age_s(samples, moments, rows),
        "row_anchor": mean_age_s(samples, anchor.ticks, anchor.row_time),
        "data_ours": mean_age_s(samples, moments, data_end),
        "data_anchor": mean_age_s(samples, anchor.ticks, anchor.data_end),
    }


@dataclass(frozen=True, slots=True)
class Energy:
    """Both sides' six totals over the day and their errors (percent)."""

    ours_kwh: dict[str, float]
    ours_rows: int
    errors_ours: dict[str, float]
    errors_ours_day: dict[str, float]
    anchor_rows: int
    errors_anchor: dict[str, float]
    errors_anchor_rows: dict[str, float]
    errors_anchor_literal: dict[str, float]


def energy(
    trace: dict[str, Any],
    anchor: Anchor,
    cloud: PowervaultCloudSim,
    truth_day: dict[str, float],
) -> Energy:
    """Measure ours over the rows it counted in the day, the anchor over the day."""
    start, end = trace["start"], trace["end"]
    counted = sorted(
        parse_time(r) for r in set(end["seen_rows"]) - set(start["seen_rows"])
    )
    truth_rows = truth_over_rows(cloud, counted)
    ours = {kind: end["totals_kwh"][kind] - start["totals_kwh"][kind] for kind in KINDS}
    anchor_rows = [parse_time(r) for r in anchor.today_rows]
    truth_anchor_rows = truth_over_rows(cloud, anchor_rows)
    errors_anchor = {k: error_pct(anchor.totals_kwh[k], truth_day[k]) for k in KINDS}
    literal = dict(errors_anchor)
    literal["grid_import"] = error_pct(
        anchor.literal_import_kwh, truth_day["grid_import"]
    )
    return Energy(
        ours_kwh=ours,
        ours_rows=len(counted),
        errors_ours={k: error_pct(ours[k], truth_rows[k]) for k in KINDS},
        errors_ours_day={k: error_pct(ours[k], truth_day[k]) for k in KINDS},
        anchor_rows=len(anchor_rows),
        errors_anchor=errors_anchor,
        errors_anchor_rows={
            k: error_pct(anchor.totals_kwh[k], truth_anchor_rows[k]) for k in KINDS
        },
        errors_anchor_literal=literal,
    )


def main() -> None:
    """Run both sides over the day; print the table and the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--day", default=DEFAULT_DAY, help="London day, YYYY-MM-DD")
    parser.add_argument(
        "--drop-every",
        type=int,
        default=DROP_EVERY,
        help="the simulator's missing history rows (every n-th; 0 keeps all)",
    )
    parser.add_argument(
        "--publish-seconds",
        type=int,
        default=PUBLISH_SECONDS,
        help="how long after its slot a row gets its values (the simulator's lag)",
    )
    args = parser.parse_args()
    plan = Plan.for_day(args.day, args.drop_every, args.publish_seconds)
    began = clock.monotonic()

    with tempfile.TemporaryDirectory(prefix="powervault_cloud_") as folder:
        trace_path = Path(folder) / "trace.json"
        process = start_ours(plan, trace_path)
        anchor, cloud = asyncio.run(run_anchor(plan))
        trace = finish_ours(process, trace_path)
    wall = clock.monotonic() - began
    truth_day = check_same_truth(plan, trace, cloud)

    start, end = trace["start"], trace["end"]
    requests_ours = {
        path: count - start["requests"].get(path, 0)
        for path, count in end["requests"].items()
        if count - start["requests"].get(path, 0)
    }
    calls_ours = end["calls"] - start["calls"]
    cph_ours = calls_ours / plan.hours
    cph_anchor = anchor.calls_day / plan.hours
    calls_ratio = cph_ours / cph_anchor
    age = ages(plan, trace, anchor)
    measured = energy(trace, anchor, cloud, truth_day)
    day_rows = round((plan.day_end - plan.day_start) / ROW)

    rows = [
        ("calls per hour (mean over the day)", f"{cph_anchor:.1f}", f"{cph_ours:.2f}"),
        (
            "age of the newest row shown, mean (s)",
            f"{age['row_anchor']:.1f}",
            f"{age['row_ours']:.1f}",
        ),
        (
            "diag: age of the newest data shown, mean (s)",
            f"{age['data_anchor']:.1f}",
            f"{age['data_ours']:.1f}",
        ),
        (
            f"5-min rows in the day's total (of {day_rows})",
            f"{measured.anchor_rows}",
            f"{measured.ours_rows}",
        ),
    ]
    rows.extend(
        (
            f"{kind}: kWh (error %)",
            f"{anchor.totals_kwh[kind]:.3f} ({measured.errors_anchor[kind]:.2f})",
            f"{measured.ours_kwh[kind]:.3f} ({measured.errors_ours[kind]:.3f})",
        )
        for kind in KINDS
    )
    rows.append(
        (
            "worst energy error (%)",
            f"{worst(measured.errors_anchor):.2f}",
            f"{worst(measured.errors_ours):.3f}",
        )
    )
    print(
        f"London day {args.day}: {plan.day_start:%Y-%m-%d %H:%M} to "
        f"{plan.day_end:%Y-%m-%d %H:%M} UTC; unit {UNIT}; history drops every "
        f"{plan.drop_every}th row (0: none); rows publish {plan.publish_seconds} s"
        " after their slot"
    )
    print()
    print("\n".join(table(rows)))
    print()
    print("truth (kWh): " + ", ".join(f"{k} {v:.3f}" for k, v in truth_day.items()))
    print(f"requests ours: {requests_ours}")
    print(f"requests anchor: {anchor.requests_day}")
    met = {
        "calls_ratio": calls_ratio <= TARGET_CALLS_RATIO,
        "row_age": age["row_ours"] <= age["row_anchor"],
        "energy_error": worst(measured.errors_ours) <= TARGET_ENERGY_ERROR_PCT,
    }
    print(f"targets met: {met}")
    result = {
        "day": args.day,
        "drop_every": plan.drop_every,
        "publish_seconds": plan.publish_seconds,
        "calls_per_hour_ours": round(cph_ours, 3),
        "calls_per_hour_anchor": round(cph_anchor, 3),
        "calls_ratio": round(calls_ratio, 4),
        "calls_day_ours": calls_ours,
        "calls_day_anchor": anchor.calls_day,
        "row_age_s_ours": round(age["row_ours"], 1),
        "row_age_s_anchor": round(age["row_anchor"], 1),
        "energy_error_pct_ours": worst(measured.errors_ours),
        "energy_error_pct_anchor": worst(measured.errors_anchor),
        "energy_error_pct_by_kind_ours": {
            k: round(v, 4) for k, v in measured.errors_ours.items()
        },
        "energy_error_pct_by_kind_anchor": {
            k: round(v, 3) for k, v in measured.errors_anchor.items()
        },
        "rows_counted_ours": measured.ours_rows,
        "rows_in_today_anchor": measured.anchor_rows,
        "anchor_failed_updates": anchor.failed,
        "targets_met": met,
        "diag_data_age_s_ours": round(age["data_ours"], 1),
        "diag_data_age_s_anchor": round(age["data_anchor"], 1),
        "diag_energy_error_pct_ours_vs_whole_day": worst(measured.errors_ours_day),
        "diag_energy_error_pct_anchor_same_rows": worst(measured.errors_anchor_rows),
        "diag_energy_error_pct_anchor_import_without_battery_from_grid": worst(
            measured.errors_anchor_literal
        ),
        "wall_s": round(wall, 1),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
