# ruff: noqa: INP001  (a standalone script, not a package)
"""Compare a month of our APsystems integration, run in HA, with the anchor's polling rule.

Ours is `custom_components/apsystems_openapi` itself: a pytest run of
`benchmarks/apsystems_month_ha/` sets it up in Home Assistant's test harness against
the simulated EMA cloud (`simulators/apsystems`), moves HA's frozen clock from
planned refresh to planned refresh through the month, reloads the entry on the
restarts, presses "Refresh inverter data", and writes a JSON trace. The anchor (A3)
is simulated by its rule, as `apsystems_budget.py` does: ticks at a static interval
from sunrise+30 min, one hourly call each; the summary on the last tick before
sunset; all inverters' detail on the first tick after 12:30; the batch call at 23:00;
summary and inverter list on each restart; all inverters on each press.

Both sides get the same restarts and presses and are measured against the
simulator's truth (it is deterministic, so this process rebuilds it): calls in the
month, staleness over the solar minutes (plain and weighted by the power produced
then), inverter-detail age, and the share of the hourly production the Energy
dashboard gets in the right hour. Staleness is minutes since the EMA publication
of the newest answer held, the same for both sides: each answered production poll
(data, or 1001 "none yet") holds the quarter it was made in. By default one month
of each season; prints a table and a JSON line per month, then one summary line.
"""

from __future__ import annotations

import argparse
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
import itertools
import json
import math
import os
from pathlib import Path
import subprocess
import sys
import tempfile
import time as clock
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from apsystems_budget import (
    INVERTERS_PER_ECU,
    PRESS,
    QUOTA,
    RESTARTS,
    Scenario,
    anchor_interval,
)

from energy_api.schedule import SolarWindow
from energy_api.schedule.solar import local_midnight
from simulators.apsystems import (
    ApsystemsCloud,
    EcuConfig,
    InverterConfig,
    SystemConfig,
)

ROOT = Path(__file__).resolve().parents[1]
HA_RUN = Path(__file__).resolve().with_name("apsystems_month_ha")
PLAN_ENV = "APSYSTEMS_MONTH_PLAN"
TRACE_ENV = "APSYSTEMS_MONTH_TRACE"
LONGITUDE = -0.12  # the simulated system's (and HA's) place, as in the tests
TIMEZONE = "Europe/London"
# Both sides start this long before the month and run on this long after it.
WARM_UP = timedelta(hours=12)
ONE_DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
QUARTER_S = 900
SLOT_S = 300
PRODUCTION_KINDS = frozenset({"hourly", "restart"})  # a restart fetches the summary
DETAIL_KINDS = frozenset({"detail", "press"})
SUMMARY_KINDS = frozenset({"summary", "restart"})  # the lifetime total moves
ECU_POLL = "/devices/ecu/energy/"

type Event = tuple[datetime, str]


@dataclass(frozen=True, slots=True)
class Plan:
    """The simulated month: place, fleet, the span run and the user events."""

    latitude: float
    longitude: float
    timezone: str
    inverters: int
    month_start: datetime
    month_end: datetime
    start: datetime
    end: datetime
    events: tuple[Event, ...]

    @classmethod
    def for_month(cls, month: str, inverters: int, latitude: float) -> Plan:
        """Plan `month` ("YYYY-MM", local) with a warm-up before and a tail after."""
        tz = ZoneInfo(TIMEZONE)
        first = date.fromisoformat(f"{month}-01")
        month_start = local_midnight(first, tz)
        month_end = local_midnight((first + timedelta(days=32)).replace(day=1), tz)
        start, end = month_start - WARM_UP, month_end + WARM_UP
        return cls(
            latitude=latitude,
            longitude=LONGITUDE,
            timezone=TIMEZONE,
            inverters=inverters,
            month_start=month_start,
            month_end=month_end,
            start=start,
            end=end,
            events=tuple(user_events(start, end)),
        )

    @property
    def ecus(self) -> int:
        """Return the ECUs: one per twelve inverters, at least one."""
        return max(1, math.ceil(self.inverters / INVERTERS_PER_ECU))

    @property
    def month(self) -> str:
        """Return the month as "YYYY-MM"."""
        return self.month_start.astimezone(ZoneInfo(self.timezone)).strftime("%Y-%m")

    def to_dict(self) -> dict[str, Any]:
        """Return the plan as JSON-ready data."""
        return {
            "latitude": self.latitude,
            "longitude": self.longitude,
            "timezone": self.timezone,
            "inverters": self.inverters,
            "month_start": self.month_start.isoformat(),
            "month_end": self.month_end.isoformat(),
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "events": [[moment.isoformat(), kind] for moment, kind in self.events],
        }

    @classmethod
    def from_json(cls, text: str) -> Plan:
        """Return the plan `to_dict` wrote as JSON."""
        data = json.loads(text)
        return cls(
            latitude=float(data["latitude"]),
            longitude=float(data["longitude"]),
            timezone=str(data["timezone"]),
            inverters=int(data["inverters"]),
            month_start=datetime.fromisoformat(data["month_start"]),
            month_end=datetime.fromisoformat(data["month_end"]),
            start=datetime.fromisoformat(data["start"]),
            end=datetime.fromisoformat(data["end"]),
            events=tuple(
                (datetime.fromisoformat(moment), str(kind))
                for moment, kind in data["events"]
            ),
        )


def user_events(start: datetime, end: datetime) -> Iterator[Event]:
    """Yield the restarts and presses of `apsystems_budget` (UTC weekdays) in (start, end)."""
    weekly = [(weekday, at, "restart") for weekday, at in RESTARTS]
    weekly.append((*PRESS, "press"))
    events = []
    day = start.date()
    while day <= end.date():
        for weekday, at, kind in weekly:
            moment = datetime.combine(day, at, UTC)
            if day.weekday() == weekday and start < moment < end:
                events.append((moment, kind))
        day += ONE_DAY
    yield from sorted(events)


def system_config(inverters: int, latitude: float) -> SystemConfig:
    """Return the simulated system: the default layout, or `inverters` over 1 ECU per 12."""
    default = SystemConfig(latitude=latitude)
    if inverters == 6:  # the default system: 4 DS3 and 2 QS1 on one ECU
        return default
    models = [inv.model for inv in default.ecus[0].inverters]
    ecus = max(1, math.ceil(inverters / INVERTERS_PER_ECU))
    layout = []
    for index in range(ecus):
        count = min(INVERTERS_PER_ECU, inverters - index * INVERTERS_PER_ECU)
        uids = [f"70{index:02d}{n:08d}" for n in range(1, count + 1)]
        models_cycle = (models[n % len(models)] for n in range(count))
        fleet = [InverterConfig(u, m) for u, m in zip(uids, models_cycle, strict=True)]
        layout.append(EcuConfig(f"2160000123{index:02d}", fleet))
    return SystemConfig(latitude=latitude, ecus=layout)


# What a side did, and how it is measured


@dataclass(slots=True)
class Side:
    """What one side did: calls, production data held, detail fetched, hours booked.

    `production` holds (fetched at, EMA publication of the newest data, in epoch
    minutes); `detail` (fetched at, inverter indices); `booked` the kWh the Energy
    dashboard gets per UTC hour start.
    """

    calls: list[tuple[datetime, int]]
    production: list[tuple[datetime, int]]
    detail: list[tuple[datetime, tuple[int, ...]]]
    booked: dict[datetime, float]


@dataclass(frozen=True, slots=True)
class Measured:
    """One side's results over the month."""

    calls: int
    staleness: float
    weighted: float
    detail_age: float
    right_share: float
    overnight_minutes: float
    overnight_staleness: float

    @property
    def over_quota(self) -> int:
        """Return the months over the quota (of the one simulated)."""
        return int(self.calls > QUOTA)


def minute_of(moment: datetime) -> float:
    """Return `moment` in (fractional) minutes since the epoch."""
    return moment.timestamp() / 60


def held_from(moment: datetime) -> int:
    """Return the first whole minute at or after `moment`: from when data fetched then is held."""
    return math.ceil(minute_of(moment))


def published(moment: datetime) -> int:
    """Return the EMA publication (epoch minute) of data fetched at `moment`: the last quarter hour."""
    return int(moment.timestamp()) // QUARTER_S * QUARTER_S // 60


def floor_hour(moment: datetime) -> datetime:
    """Return the UTC hour holding `moment`."""
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def solar_minutes(plan: Plan) -> list[int]:
    """Return the month's solar minutes (sunrise to sunset, no offsets) as epoch minutes."""
    window = SolarWindow(plan.latitude, plan.longitude)
    tz = ZoneInfo(plan.timezone)
    minutes: list[int] = []
    day = plan.month_start.astimezone(tz).date()
    while local_midnight(day, tz) < plan.month_end:
        span = window.on(day, tz)
        if span is not None:
            minutes.extend(range(held_from(span[0]), held_from(span[1])))
        day += ONE_DAY
    return minutes


def slot_weights(cloud: ApsystemsCloud, minutes: Sequence[int]) -> list[int]:
    """Return, per minute, the system's Wh in the 5-minute slot containing it (a power proxy)."""
    cache: dict[int, int] = {}
    weights = []
    for minute in minutes:
        slot = minute * 60 // SLOT_S * SLOT_S
        if slot not in cache:
            cache[slot] = cloud.slot_energy_wh(datetime.fromtimestamp(slot, UTC))
        weights.append(cache[slot])
    return weights


def hourly_truth(cloud: ApsystemsCloud, plan: Plan) -> dict[datetime, float]:
    """Return the month's production per UTC hour (the simulator's integer Wh)."""
    hours = {}
    hour = plan.month_start
    while hour < plan.month_end:
        hours[hour] = cloud.production_kwh(hour, hour + HOUR)
        hour += HOUR
    tz = ZoneInfo(plan.timezone)
    day = plan.month_start.astimezone(tz).date()
    served = 0.0
    while local_midnight(day, tz) < plan.month_end:
        served += sum(cloud.hourly_truth(day))
        day += ONE_DAY
    if not math.isclose(served, sum(hours.values()), abs_tol=1e-6):
        raise RuntimeError(f"hourly truth {served} != {sum(hours.values())}")
    return hours


def measure(
    side: Side,
    plan: Plan,
    minutes: Sequence[int],
    weights: Sequence[int],
    truth: dict[datetime, float],
) -> Measured:
    """Measure a side over the month's solar minutes and hours."""
    calls = sum(
        count
        for moment, count in side.calls
        if plan.month_start <= moment < plan.month_end
    )
    held = held_publication(side.production, minutes)
    ages = [m - p for m, p in zip(minutes, held, strict=True)]
    weighted = sum(w * a for w, a in zip(weights, ages, strict=True)) / sum(weights)
    right = sum(min(side.booked.get(hour, 0.0), kwh) for hour, kwh in truth.items())
    overnight = [
        a for a, old in zip(ages, overnight_held(minutes, held), strict=True) if old
    ]
    return Measured(
        calls=calls,
        staleness=sum(ages) / len(ages),
        weighted=weighted,
        detail_age=mean_detail_age(side.detail, plan, minutes),
        right_share=right / sum(truth.values()),
        overnight_minutes=len(overnight) / days_of(minutes),
        overnight_staleness=sum(overnight) / len(ages),
    )


def overnight_held(minutes: Sequence[int], held: Sequence[int]) -> list[bool]:
    """Return, per solar minute, whether the data held was published before that day's sunrise."""
    flags, sunrise = [], minutes[0]
    for index, (minute, pub) in enumerate(zip(minutes, held, strict=True)):
        if index and minute - minutes[index - 1] > 1:
            sunrise = minute  # solar minutes are consecutive within a day only
        flags.append(pub < sunrise)
    return flags


def days_of(minutes: Sequence[int]) -> int:
    """Return the days the solar minutes span (one run of consecutive minutes each)."""
    return 1 + sum(1 for a, b in itertools.pairwise(minutes) if b - a > 1)


def held_publication(
    production: Sequence[tuple[datetime, int]], minutes: Sequence[int]
) -> list[int]:
    """Return, per minute, the publication of the newest production data held then."""
    events = sorted((held_from(moment), pub) for moment, pub in production)
    starts = [start for start, _ in events]
    newest: list[int] = []
    for _, pub in events:
        newest.append(max(pub, newest[-1]) if newest else pub)
    held = []
    for minute in minutes:
        index = bisect_right(starts, minute) - 1
        if index < 0:
            raise RuntimeError("a solar minute before any production data")
        held.append(newest[index])
    return held


def mean_detail_age(
    detail: Sequence[tuple[datetime, tuple[int, ...]]],
    plan: Plan,
    minutes: Sequence[int],
) -> float:
    """Return the mean age (days) of the inverters' detail over the solar minutes.

    Before its first fetch an inverter counts as fetched at the start of the run.
    """
    fetched = [minute_of(plan.start)] * plan.inverters
    events = sorted(
        (held_from(moment), minute_of(moment), uids) for moment, uids in detail
    )
    index, total = 0, 0.0
    mean = sum(fetched) / len(fetched)
    for minute in minutes:
        while index < len(events) and events[index][0] <= minute:
            _, at, uids = events[index]
            for uid in uids:
                fetched[uid] = at
            mean = sum(fetched) / len(fetched)
            index += 1
        total += minute - mean
    return total / len(minutes) / 1440


# The anchor: A3's rule, as `apsystems_budget.AnchorSimulation`


def anchor_events(plan: Plan, interval: timedelta) -> list[Event]:
    """Return the anchor's events in the run: daily ticks and calls, restarts, presses.

    Each day: ticks every `interval` from sunrise+30 min while before sunset (one
    hourly call each), the summary on the last tick, all inverters' detail on the
    first tick at or after 12:30 local, the batch call at 23:00 local. The run
    starts with a restart (the anchor set up), like ours.
    """
    window = SolarWindow(plan.latitude, plan.longitude)
    tz = ZoneInfo(plan.timezone)
    events: list[Event] = [(plan.start, "restart"), *plan.events]
    day = plan.start.astimezone(tz).date()
    while local_midnight(day, tz) < plan.end:
        span = window.on(day, tz)
        if span is not None:
            ticks: list[datetime] = []
            tick = span[0] + timedelta(minutes=30)
            while tick < span[1]:
                ticks.append(tick)
                tick += interval
            events.extend((tick, "hourly") for tick in ticks)
            if ticks:
                events.append((ticks[-1], "summary"))
            noon = (t for t in ticks if t.astimezone(tz).time() >= time(12, 30))
            if (afternoon := next(noon, None)) is not None:
                events.append((afternoon, "detail"))
        events.append((datetime.combine(day, time(23), tz).astimezone(UTC), "batch"))
        day += ONE_DAY
    return sorted(e for e in events if plan.start <= e[0] < plan.end)


def anchor_side(plan: Plan, cloud: ApsystemsCloud) -> tuple[Side, timedelta]:
    """Simulate the anchor over the run; return what it did and its tick interval."""
    interval = anchor_interval(Scenario(plan.latitude, plan.inverters))
    window = SolarWindow(plan.latitude, plan.longitude)
    tz = ZoneInfo(plan.timezone)
    side = Side([], [], [], {})
    lifetime: float | None = None
    for moment, kind in anchor_events(plan, interval):
        if kind in DETAIL_KINDS:
            cost = plan.inverters
        elif kind == "batch":
            cost = plan.ecus
        else:
            cost = 2 if kind == "restart" else 1  # a restart adds the inverter list
        side.calls.append((moment, cost))
        if kind in PRODUCTION_KINDS or (
            kind == "summary" and window.contains(moment.astimezone(tz))
        ):
            side.production.append((moment, published(moment)))
        if kind in DETAIL_KINDS:
            side.detail.append((moment, tuple(range(plan.inverters))))
        if kind in SUMMARY_KINDS:
            # Its Energy-dashboard total is the summary's lifetime: what it moved by
            # since the last summary lands in this hour.
            now = cloud.lifetime_kwh(moment)
            if lifetime is not None:
                hour = floor_hour(moment)
                side.booked[hour] = side.booked.get(hour, 0.0) + now - lifetime
            lifetime = now
    return side, interval


# Ours: the integration in HA


def run_ours(plan: Plan) -> tuple[dict[str, Any], float]:
    """Run the HA month in a pytest subprocess; return its trace and the wall time."""
    began = clock.monotonic()
    with tempfile.TemporaryDirectory(prefix="apsystems_month_") as folder:
        trace = Path(folder) / "trace.json"
        env = {
            **os.environ,
            PLAN_ENV: json.dumps(plan.to_dict()),
            TRACE_ENV: str(trace),
        }
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
            str(HA_RUN / "test_apsystems_month.py"),
        ]
        done = subprocess.run(  # noqa: S603 - our own interpreter and paths
            command, cwd=ROOT, env=env, capture_output=True, text=True, check=False
        )
        if done.returncode != 0 or not trace.exists():
            sys.stderr.write(done.stdout[-20000:] + done.stderr[-5000:])
            raise SystemExit(f"the HA run failed (exit {done.returncode})")
        data: dict[str, Any] = json.loads(trace.read_text(encoding="utf-8"))
    return data, clock.monotonic() - began


def parse_time(text: str) -> datetime:
    """Return an ISO time of the trace."""
    return datetime.fromisoformat(text)


def ours_side(trace: dict[str, Any]) -> Side:
    """Return what ours did, from its trace."""
    uids: list[str] = trace["uids"]
    side = Side(
        [(parse_time(at), 1) for at, _path, _code in trace["calls"]], [], [], {}
    )
    seen: dict[str, str | None] = dict.fromkeys(uids)
    for snap in trace["snapshots"]:
        if snap["power_at"] is not None:
            power_at = parse_time(snap["power_at"])
            side.production.append((parse_time(snap["at"]), round(minute_of(power_at))))
        for index, uid in enumerate(uids):
            at = snap["detail_at"].get(uid)
            if at is not None and at != seen[uid]:
                seen[uid] = at
                side.detail.append((parse_time(at), (index,)))
    for hour, state, _sum in trace["statistics"]:
        side.booked[parse_time(hour)] = float(state or 0.0)
    return side


def ecu_polls(
    trace: dict[str, Any], codes: frozenset[int] | None = None
) -> list[datetime]:
    """Return when ours read an ECU's 5-minute data (its production polls), with one of `codes`."""
    return [
        parse_time(at)
        for at, path, code in trace["calls"]
        if ECU_POLL in path and (codes is None or code in codes)
    ]


# An answer with data (0) or saying there is none yet (1001) is the newest EMA has.
ANSWERED = frozenset({0, 1001})


def ours_poll_credit(trace: dict[str, Any], side: Side) -> Side:
    """Return ours measured as the anchor is: each answered production poll holds its quarter.

    This is the measure of record. An answer of 1001 (no data yet today) is the
    newest EMA has, as the anchor's hourly call is credited with the quarter it
    was made in. The diagnostic `diag_*_newest_point` measures `power_at`, which
    stays at yesterday's last point until the panels produce again.
    """
    polls = [(moment, published(moment)) for moment in ecu_polls(trace, ANSWERED)]
    return Side(side.calls, polls, side.detail, side.booked)


def newest_published(plan: Plan, cloud: ApsystemsCloud) -> dict[int, int]:
    """Return, per quarter of the run (epoch minute), the newest 5-minute point EMA has then.

    What ours' `power_at` can at best hold: a slot's label is its end, and only
    the slots from a day's first to its last production are reported, so before
    the day's first point is published the previous day's last one is the newest.
    """
    tz = ZoneInfo(plan.timezone)
    slot = timedelta(seconds=SLOT_S)
    day = plan.start.astimezone(tz).date() - ONE_DAY
    newest, points = local_midnight(day, tz), dict[int, int]()
    while local_midnight(day, tz) < plan.end:
        start, stop = local_midnight(day, tz), local_midnight(day + ONE_DAY, tz)
        ends = [
            start + (index + 1) * slot
            for index in range((stop - start) // slot)
            if cloud.slot_energy_wh(start + index * slot) > 0
        ]
        quarter = start
        while quarter < stop:
            if ends and quarter >= ends[0]:
                newest = min(quarter, ends[-1])
            points[round(minute_of(quarter))] = round(minute_of(newest))
            quarter += timedelta(seconds=QUARTER_S)
        day += ONE_DAY
    return points


def floor_side(plan: Plan, newest: dict[int, int]) -> Side:
    """Return a poller with unlimited calls: one minute past every quarter, all run long.

    A diagnostic only: the least staleness under ours' definition (data held =
    the newest point published), whatever the quota.
    """
    side = Side([], [], [], {})
    for quarter, point in newest.items():
        poll = datetime.fromtimestamp((quarter + 1) * 60, UTC)
        if plan.start <= poll < plan.end:
            side.production.append((poll, point))
    return side


def oracle_weighted(
    plan: Plan,
    minutes: Sequence[int],
    weights: Sequence[int],
    polls: Sequence[datetime],
    newest: dict[int, int],
) -> float:
    """Return the least production-weighted staleness ours' polls could have reached.

    A diagnostic only: each local day gets as many polls as ours made that day,
    placed with hindsight of the day's production, each one minute after a
    quarter-hour publication, holding the newest point published then (ours'
    definition).
    """
    tz = ZoneInfo(plan.timezone)
    per_day: dict[date, int] = {}
    for moment in set(polls):  # a poll reads each ECU: one call each, same moment
        day = moment.astimezone(tz).date()
        per_day[day] = per_day.get(day, 0) + 1
    days: dict[date, list[int]] = {}
    for index, minute in enumerate(minutes):
        day = datetime.fromtimestamp(minute * 60, UTC).astimezone(tz).date()
        days.setdefault(day, []).append(index)
    cost = 0.0
    for day, indices in days.items():
        day_minutes = [minutes[i] for i in indices]
        day_weights = [weights[i] for i in indices]
        count = per_day.get(day, 0)
        cost += best_polls(day_minutes, day_weights, count, newest)
    return cost / sum(weights)


def best_polls(
    minutes: Sequence[int], weights: Sequence[int], count: int, newest: dict[int, int]
) -> float:
    """Return the least sum of weight x staleness over a day's `minutes` with `count` polls.

    Minutes are consecutive; a poll at quarter q + 1 min holds `newest[q]` from
    then on; before the day's first poll the point held is the one published
    before sunrise. Dynamic programming over the quarters of the day.
    """
    first, stop = minutes[0], minutes[-1] + 1
    weighted, total = [0], [0]
    for minute, weight in zip(minutes, weights, strict=True):
        weighted.append(weighted[-1] + weight * minute)
        total.append(total[-1] + weight)

    def span(start: int, end: int, pub: int) -> float:
        lo = max(0, min(len(minutes), start - first))
        hi = max(0, min(len(minutes), end - first))
        return weighted[hi] - weighted[lo] - pub * (total[hi] - total[lo])

    quarters = list(range((first // 15 - 1) * 15, stop, 15))
    held = newest[quarters[0]]
    if count == 0:
        return span(first, stop, held)
    # best[j]: least cost of the minutes before quarters[j] + 1, the last poll there
    best = [span(first, q + 1, held) for q in quarters]
    for _ in range(count - 1):
        best = [
            min(
                (
                    best[i] + span(quarters[i] + 1, q + 1, newest[quarters[i]])
                    for i in range(j)
                ),
                default=math.inf,
            )
            for j, q in enumerate(quarters)
        ]
    return min(
        b + span(q + 1, stop, newest[q]) for b, q in zip(best, quarters, strict=True)
    )


# Output


def ratio(ours: float, anchor: float) -> float:
    """Return ours / anchor, rounded."""
    return round(ours / anchor, 3) if anchor else math.inf


def table(plan: Plan, anchor: Measured, ours: Measured, tick: timedelta) -> list[str]:
    """Return the result table (markdown)."""
    rows = [
        ("calls in the month", f"{anchor.calls}", f"{ours.calls}"),
        ("months over quota (of 1)", f"{anchor.over_quota}", f"{ours.over_quota}"),
        (
            "staleness, mean over solar minutes (min)",
            f"{anchor.staleness:.1f}",
            f"{ours.staleness:.1f}",
        ),
        (
            "staleness, production-weighted (min)",
            f"{anchor.weighted:.1f}",
            f"{ours.weighted:.1f}",
        ),
        (
            "solar minutes a day holding data from before sunrise",
            f"{anchor.overnight_minutes:.1f}",
            f"{ours.overnight_minutes:.1f}",
        ),
        (
            "of the mean staleness, from those minutes (min)",
            f"{anchor.overnight_staleness:.1f}",
            f"{ours.overnight_staleness:.1f}",
        ),
        (
            "inverter detail age, mean (d)",
            f"{anchor.detail_age:.3f}",
            f"{ours.detail_age:.3f}",
        ),
        (
            "hourly production in the right hour",
            f"{anchor.right_share:.3f}",
            f"{ours.right_share:.3f}",
        ),
    ]
    head = (
        f"{plan.month} at {plan.latitude}° with {plan.inverters} inverters, "
        f"{plan.ecus} ECU(s); anchor tick {tick // timedelta(minutes=1)} min"
    )
    lines = [
        head,
        "",
        "| metric | anchor (A3 rule) | ours (apsystems_openapi in HA) |",
        "|---|---:|---:|",
    ]
    lines.extend(f"| {name} | {a} | {o} |" for name, a, o in rows)
    return lines


def run_month(month: str, inverters: int, latitude: float) -> dict[str, Any]:
    """Run one month on both sides; print its table; return its results."""
    plan = Plan.for_month(month, inverters, latitude)

    trace, wall = run_ours(plan)
    cloud = ApsystemsCloud(system_config(plan.inverters, plan.latitude))
    if len(trace["uids"]) != plan.inverters:
        raise SystemExit(
            f"ours saw {len(trace['uids'])} inverters, not {plan.inverters}"
        )
    minutes = solar_minutes(plan)
    weights = slot_weights(cloud, minutes)
    truth = hourly_truth(cloud, plan)
    anchor_did, tick = anchor_side(plan, cloud)
    ours_did = ours_side(trace)
    anchor = measure(anchor_did, plan, minutes, weights, truth)
    ours = measure(ours_poll_credit(trace, ours_did), plan, minutes, weights, truth)
    if ours.calls != trace["calls_in_month"]:
        raise SystemExit(f"calls {ours.calls} != the cloud's {trace['calls_in_month']}")
    point = measure(ours_did, plan, minutes, weights, truth)
    newest = newest_published(plan, cloud)
    oracle = oracle_weighted(plan, minutes, weights, ecu_polls(trace), newest)
    best = measure(floor_side(plan, newest), plan, minutes, weights, truth)
    counted = [
        snap["calls_used"]
        for snap in trace["snapshots"]
        if plan.month_start <= parse_time(snap["at"]) < plan.month_end
    ][-1]
    codes: dict[str, int] = {}
    for _at, _path, code in trace["calls"]:
        codes[str(code)] = codes.get(str(code), 0) + 1
    presses = [a for a in trace["actions"] if a["kind"] == "press"]
    in_month = [
        a for a in presses if plan.month_start <= parse_time(a["at"]) < plan.month_end
    ]

    print("\n".join(table(plan, anchor, ours, tick)))
    return {
        "month": plan.month,
        "latitude": plan.latitude,
        "inverters": plan.inverters,
        "ecus": plan.ecus,
        "anchor_tick_min": tick // timedelta(minutes=1),
        "ours_calls": ours.calls,
        "anchor_calls": anchor.calls,
        "ours_max_month_calls": ours.calls,
        "ours_over_quota_months": ours.over_quota,
        "anchor_over_quota_months": anchor.over_quota,
        "ours_calls_counted_by_integration": counted,
        "ours_answer_codes_run": codes,
        "staleness_ours_min": round(ours.staleness, 2),
        "staleness_anchor_min": round(anchor.staleness, 2),
        "staleness_ratio": ratio(ours.staleness, anchor.staleness),
        "weighted_staleness_ours_min": round(ours.weighted, 2),
        "weighted_staleness_anchor_min": round(anchor.weighted, 2),
        "weighted_staleness_ratio": ratio(ours.weighted, anchor.weighted),
        "overnight_minutes_per_day_ours": round(ours.overnight_minutes, 1),
        "overnight_minutes_per_day_anchor": round(anchor.overnight_minutes, 1),
        "staleness_from_overnight_ours_min": round(ours.overnight_staleness, 2),
        "staleness_from_overnight_anchor_min": round(anchor.overnight_staleness, 2),
        "detail_age_ours_d": round(ours.detail_age, 3),
        "detail_age_anchor_d": round(anchor.detail_age, 3),
        "hourly_right_share_ours": round(ours.right_share, 4),
        "hourly_right_share_anchor": round(anchor.right_share, 4),
        "ours_presses_in_month": len(in_month),
        "ours_presses_refused": sum(1 for a in in_month if not a["ok"]),
        "diag_staleness_ratio_newest_point": ratio(point.staleness, anchor.staleness),
        "diag_weighted_staleness_ratio_newest_point": ratio(
            point.weighted, anchor.weighted
        ),
        "diag_staleness_floor_min": round(best.staleness, 2),
        "diag_staleness_ratio_floor": ratio(best.staleness, anchor.staleness),
        "diag_weighted_staleness_floor_min": round(best.weighted, 2),
        "diag_weighted_staleness_ratio_floor": ratio(best.weighted, anchor.weighted),
        "diag_weighted_staleness_oracle_min": round(oracle, 2),
        "diag_weighted_staleness_ratio_oracle": ratio(oracle, anchor.weighted),
        "ha_run_s": round(wall, 1),
    }


def main() -> None:
    """Run each month, print its table and JSON line, then one summary JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--months",
        default=",".join(DEFAULT_MONTHS),
        help="YYYY-MM,... (default: a month of each season of 2026)",
    )
    parser.add_argument("--inverters", type=int, default=6)
    parser.add_argument("--latitude", type=float, default=51.5)
    args = parser.parse_args()
    results = [
        run_month(month, args.inverters, args.latitude)
        for month in args.months.split(",")
    ]
    for result in results:
        print(json.dumps(result))
    print(json.dumps(summary(results)))


DEFAULT_MONTHS = ("2026-03", "2026-06", "2026-09", "2026-12")


def summary(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the months together: means of the ratios, the worst month of each, totals."""

    def mean(key: str) -> float:
        return round(sum(float(r[key]) for r in results) / len(results), 3)

    def worst(key: str) -> dict[str, Any]:
        result = max(results, key=lambda r: r[key])
        return {"month": result["month"], "ratio": result[key]}

    return {
        "months": [r["month"] for r in results],
        "latitude": results[0]["latitude"],
        "inverters": results[0]["inverters"],
        "ours_max_month_calls": max(r["ours_max_month_calls"] for r in results),
        "ours_over_quota_months": sum(r["ours_over_quota_months"] for r in results),
        "anchor_over_quota_months": sum(r["anchor_over_quota_months"] for r in results),
        "staleness_ratio": mean("staleness_ratio"),
        "weighted_staleness_ratio": mean("weighted_staleness_ratio"),
        "staleness_ratio_worst": worst("staleness_ratio"),
        "weighted_staleness_ratio_worst": worst("weighted_staleness_ratio"),
        "hourly_right_share_ours": min(r["hourly_right_share_ours"] for r in results),
        "hourly_right_share_anchor": mean("hourly_right_share_anchor"),
        "detail_age_ours_d": mean("detail_age_ours_d"),
        "detail_age_anchor_d": mean("detail_age_anchor_d"),
    }


if __name__ == "__main__":
    main()
