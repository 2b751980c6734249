# ruff: noqa: INP001  (a standalone script, not a package)
"""Compare APsystems EMA call budgets: the A3 auto-interval rule against our planner.

Simulates 2026 at several latitudes and fleet sizes. Both sides get the same weekly
restarts and button presses and are measured by the same `Metrics`: calls per month,
and, over the solar minutes, production staleness and inverter-detail age. Prints one
table row per scenario, then one JSON summary line.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
import argparse
import calendar
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
import json
import math
from multiprocessing import Pool
from pathlib import Path
import statistics
import sys

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from energy_api.schedule import MonthlyUsage, QuotaPlanner, SolarWindow

QUOTA = 1000
START = datetime(2026, 1, 1, tzinfo=UTC)
END = datetime(2027, 1, 1, tzinfo=UTC)
FIRST_FETCH = datetime(2025, 12, 31, 23, 59, tzinfo=UTC)
LATITUDES = (0.0, 20.0, 35.0, 45.0, 51.5, 60.0, 65.0)
INVERTERS = (1, 6, 12, 24, 48)
INVERTERS_PER_ECU = 12
RESTARTS = ((1, time(9, 7)), (4, time(15, 43)))  # Tuesday and Friday, UTC
PRESS = (6, time(13, 11))  # Sunday, UTC
ONE_DAY = timedelta(days=1)
QUARTER_MINUTES = 15
US_PER_MINUTE = 60_000_000
PRODUCTION_EVENTS = frozenset({"hourly", "restart"})  # a restart fetches the summary
DETAIL_EVENTS = frozenset({"detail", "press"})

type Event = tuple[datetime, str]


@dataclass(frozen=True, slots=True)
class Scenario:
    """One place and fleet size."""

    latitude: float
    inverters: int

    @property
    def ecus(self) -> int:
        """ECUs: one per twelve inverters, at least one."""
        return max(1, math.ceil(self.inverters / INVERTERS_PER_ECU))


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one side did over the year."""

    months: tuple[int, ...]
    staleness: float
    detail_age: float

    @property
    def worst_month(self) -> int:
        """Calls in the busiest month."""
        return max(self.months)

    @property
    def over_quota(self) -> int:
        """Months with more calls than the quota."""
        return sum(calls > QUOTA for calls in self.months)

    @property
    def share(self) -> float:
        """Calls over the year's quota."""
        return sum(self.months) / (QUOTA * len(self.months))


def days() -> Iterator[date]:
    """Yield the days of the simulated year."""
    day = START.date()
    while day < END.date():
        yield day
        day += ONE_DAY


def weekly(weekday: int, at: time) -> Iterator[datetime]:
    """Yield `at` on every `weekday` of the year."""
    for day in days():
        if day.weekday() == weekday:
            yield datetime.combine(day, at, UTC)


def user_events() -> list[Event]:
    """Return the HA restarts and "Refresh Inverter Data" presses, same for both sides."""
    restarts = [(m, "restart") for weekday, at in RESTARTS for m in weekly(weekday, at)]
    return [*restarts, *((m, "press") for m in weekly(*PRESS))]


def offset_us(moment: datetime) -> int:
    """Return microseconds since the start of the year."""
    return (moment - START) // timedelta(microseconds=1)


def held_from(moment: datetime) -> int:
    """Return the first whole minute (since the start) at or after `moment`."""
    return -(-offset_us(moment) // US_PER_MINUTE)


def published(moment: datetime) -> int:
    """Return the EMA publication (minute since the start) of data fetched at `moment`."""
    quarter = QUARTER_MINUTES * US_PER_MINUTE
    return offset_us(moment) // quarter * QUARTER_MINUTES


def solar_minutes(window: SolarWindow) -> list[tuple[int, int]]:
    """Return each day's solar minutes as a [first, stop) range of minutes."""
    spans = (window.on(day, UTC) for day in days())
    return [(held_from(rise), held_from(set_)) for rise, set_ in filter(None, spans)]


def minute_sum(first: int, stop: int, reference: float) -> float:
    """Sum `m - reference` over the minutes m in [first, stop)."""
    count = stop - first
    return count * (first - reference) + count * (count - 1) / 2


class Metrics:
    """Measure a side: calls per month; staleness and detail age over solar minutes.

    Fed in time order; integrates exactly between events, which equals evaluating
    every solar minute.
    """

    def __init__(self, window: SolarWindow, inverters: int) -> None:
        """Start from data fetched at `FIRST_FETCH` and no detail before the year."""
        self._solar = solar_minutes(window)
        self._next_day = 0
        self._cursor = 0
        self._published = published(FIRST_FETCH)
        self._detail = [0.0] * inverters
        self._detail_mean = 0.0
        self._minutes = 0
        self._staleness = 0.0
        self._age = 0.0
        self._calls = [0] * 12

    def call(self, moment: datetime, count: int) -> None:
        """Count `count` calls made at `moment`."""
        self._calls[moment.month - 1] += count

    def production(self, moment: datetime) -> None:
        """Hold production data fetched at `moment`."""
        self._advance(held_from(moment))
        self._published = max(self._published, published(moment))

    def detail(self, moment: datetime, inverters: Iterable[int]) -> None:
        """Hold fresh detail of `inverters`, fetched at `moment`."""
        self._advance(held_from(moment))
        for inverter in inverters:
            self._detail[inverter] = offset_us(moment) / US_PER_MINUTE
        self._detail_mean = sum(self._detail) / len(self._detail)

    def outcome(self) -> Outcome:
        """Finish the year and return the side's results."""
        self._advance(held_from(END))
        return Outcome(
            months=tuple(self._calls),
            staleness=self._staleness / self._minutes,
            detail_age=self._age / self._minutes / 1440,
        )

    def _advance(self, minute: int) -> None:
        """Integrate the solar minutes before `minute` not yet counted."""
        while self._next_day < len(self._solar):
            first, stop = self._solar[self._next_day]
            if first >= minute:
                break
            first, last = max(first, self._cursor), min(stop, minute)
            if first < last:
                self._minutes += last - first
                self._staleness += minute_sum(first, last, self._published)
                self._age += minute_sum(first, last, self._detail_mean)
            if stop > minute:
                break
            self._next_day += 1
        self._cursor = max(self._cursor, minute)


def anchor_interval(scenario: Scenario) -> timedelta:
    """Return A3's static tick interval, sized once for the solstice day."""
    tilt = math.tan(math.radians(scenario.latitude)) * math.tan(math.radians(23.44))
    day_hours = 2 * math.degrees(math.acos(max(-1.0, min(1.0, -tilt)))) / 15
    window = max(0.0, day_hours - 30 / 60)
    remaining = QUOTA * 0.85 / 31 - (2 + scenario.inverters + scenario.ecus)
    if remaining <= 0 or window <= 0:
        return timedelta(seconds=7200)
    seconds = math.ceil(window * 3600 / remaining / 300) * 300
    return timedelta(seconds=min(7200, max(1800, seconds)))


class Simulation(ABC):
    """One side over the year: replays its calendar, measured by its `Metrics`."""

    def __init__(self, scenario: Scenario) -> None:
        """Set up the place (no window offsets) and the metrics."""
        self.scenario = scenario
        self.window = SolarWindow(scenario.latitude, 0.0)
        self.metrics = Metrics(self.window, scenario.inverters)

    def run(self) -> Outcome:
        """Replay the year and return what was measured."""
        for moment, kind in sorted([*self._daily_events(), *self._start_events()]):
            self._catch_up(moment)
            self._handle(moment, kind)
        self._catch_up(END)
        return self.metrics.outcome()

    def _start_events(self) -> list[Event]:
        """Return the events besides the daily ones: restarts and presses."""
        return user_events()

    @abstractmethod
    def _catch_up(self, moment: datetime) -> None:
        """Do the side's own scheduled work before `moment`."""

    @abstractmethod
    def _daily_events(self) -> Iterator[Event]:
        """Yield the side's fixed daily events."""

    @abstractmethod
    def _handle(self, moment: datetime, kind: str) -> None:
        """Run one calendar event."""


class AnchorSimulation(Simulation):
    """A3: ticks at a static interval from sunrise+30 min, fixed daily calls."""

    def __init__(self, scenario: Scenario) -> None:
        """Size the static interval."""
        super().__init__(scenario)
        self.interval = anchor_interval(scenario)

    def _catch_up(self, moment: datetime) -> None:
        """Do nothing: every anchor call is a calendar event."""

    def _daily_events(self) -> Iterator[Event]:
        """Yield each day's ticks, summary, inverter detail and 23:00 batch."""
        for day in days():
            span = self.window.on(day, UTC)
            if span is not None:
                yield from self._solar_events(*span)
            yield datetime.combine(day, time(23), UTC), "batch"

    def _solar_events(self, rise: datetime, set_: datetime) -> Iterator[Event]:
        """Yield the ticks of one day: the last adds the summary, 12:30+ the detail."""
        ticks: list[datetime] = []
        tick = rise + timedelta(minutes=30)
        while tick < set_:
            ticks.append(tick)
            tick += self.interval
        yield from ((tick, "hourly") for tick in ticks)
        if ticks:
            yield ticks[-1], "summary"
        afternoon = next((tick for tick in ticks if tick.time() >= time(12, 30)), None)
        if afternoon is not None:
            yield afternoon, "detail"

    def _cost(self, kind: str) -> int:
        """Return the calls one event spends."""
        if kind in DETAIL_EVENTS:
            return self.scenario.inverters
        if kind == "batch":
            return self.scenario.ecus
        return 2 if kind == "restart" else 1  # a restart adds the inverter list

    def _handle(self, moment: datetime, kind: str) -> None:
        """Spend the calls of one event and record the data it brings."""
        self.metrics.call(moment, self._cost(kind))
        if kind in PRODUCTION_EVENTS or (
            kind == "summary" and self.window.contains(moment)
        ):
            self.metrics.production(moment)
        if kind in DETAIL_EVENTS:
            self.metrics.detail(moment, range(self.scenario.inverters))


class OursSimulation(Simulation):
    """Our planner: polls where `next_poll` says, daily commitments, free restarts."""

    def __init__(self, scenario: Scenario) -> None:
        """Start the year with persisted state: no calls, data from `FIRST_FETCH`."""
        super().__init__(scenario)
        self.planner = QuotaPlanner(self.window, UTC)
        self.usage = MonthlyUsage()
        self.last_poll = FIRST_FETCH
        self.next_poll: datetime | None = None
        self.detail_at = [START] * scenario.inverters
        self.noon = START
        self.detail_due = 0
        self.close_due = 0

    def _start_events(self) -> list[Event]:
        """Return restarts and presses, and the integration starting with the year."""
        return [*user_events(), (START, "restart")]

    def _daily_events(self) -> Iterator[Event]:
        """Yield each day's start and window end (summary and batch calls)."""
        for day in days():
            yield datetime.combine(day, time(0), UTC), "dawn"
            yield self._marks(day)[1], "close"

    def _marks(self, day: date) -> tuple[datetime, datetime]:
        """Return a day's solar noon and the end of its window, within the day."""
        midnight = datetime.combine(day, time(0), UTC)
        span = self.window.on(day, UTC)
        if span is None:  # polar night: everything falls due at noon
            return midnight + ONE_DAY / 2, midnight + ONE_DAY / 2
        last_minute = midnight + ONE_DAY - timedelta(minutes=1)  # for polar day
        return span[0] + (span[1] - span[0]) / 2, min(span[1], last_minute)

    def _handle(self, moment: datetime, kind: str) -> None:
        """Run one calendar event."""
        if kind == "dawn":
            self._dawn(moment)
        elif kind == "close":
            self._close(moment)
        elif kind == "press":
            self._press(moment)
        else:  # a restart: state is persisted, so just ask the planner again
            self.next_poll = self._ask(moment)

    def _catch_up(self, moment: datetime) -> None:
        """Make the planned polls before `moment`."""
        while self.next_poll is not None and self.next_poll < min(moment, END):
            poll = self.next_poll
            if self._spend(poll, 1):
                self.metrics.production(poll)
            self.last_poll = poll
            if self.detail_due and poll >= self.noon:
                self._fetch_detail(poll)
            self.next_poll = self._ask(poll)

    def _ask(self, moment: datetime) -> datetime | None:
        """Ask the planner for the next poll, with the persisted usage."""
        return self.planner.next_poll(
            moment,
            spent=self.usage.spent_at(moment),
            committed=self._committed(moment),
            manual_spent=self.usage.manual_spent_at(moment),
            last_poll=self.last_poll,
        )

    def _committed(self, moment: datetime) -> int:
        """Return the daily-commitment calls still to make this month."""
        later_days = self.planner.days_left(moment) - 1
        per_day = 1 + self.scenario.ecus + self._details_per_day(moment.date())
        return self.detail_due + self.close_due + later_days * per_day

    def _details_per_day(self, day: date) -> int:
        """Return inverters due for detail per day: all, or a rotation in a third."""
        month_days = calendar.monthrange(day.year, day.month)[1]
        third = QUOTA / 3
        if self.scenario.inverters * month_days <= third:
            return self.scenario.inverters
        return math.floor(third / month_days)

    def _dawn(self, moment: datetime) -> None:
        """Owe today's commitments."""
        self.noon = self._marks(moment.date())[0]
        self.detail_due = self._details_per_day(moment.date())
        self.close_due = 1 + self.scenario.ecus

    def _close(self, moment: datetime) -> None:
        """Pay today's commitments still owed: detail, summary and batch calls."""
        if self.detail_due:
            self._fetch_detail(moment)
        if self._spend(moment, self.close_due) and self.window.contains(moment):
            self.metrics.production(moment)
        self.close_due = 0

    def _press(self, moment: datetime) -> None:
        """Refresh the stalest inverters the manual allowance pays for."""
        allowance = self.planner.manual_allowance(
            moment,
            self.usage.spent_at(moment),
            self._committed(moment),
            self.usage.manual_spent_at(moment),
        )
        self._refresh(moment, min(self.scenario.inverters, allowance), manual=True)

    def _fetch_detail(self, moment: datetime) -> None:
        """Refresh today's share of inverters, stalest first."""
        due, self.detail_due = self.detail_due, 0
        self._refresh(moment, due)

    def _refresh(self, moment: datetime, count: int, *, manual: bool = False) -> None:
        """Fetch detail of the `count` stalest inverters, as far as the quota allows."""
        order = sorted(range(self.scenario.inverters), key=self.detail_at.__getitem__)
        chosen = order[: self._spend(moment, count, manual=manual)]
        for inverter in chosen:
            self.detail_at[inverter] = moment
        self.metrics.detail(moment, chosen)

    def _spend(self, moment: datetime, count: int, *, manual: bool = False) -> int:
        """Make up to `count` calls, never past the quota; return how many."""
        made = max(0, min(count, QUOTA - self.usage.spent_at(moment)))
        if made:
            self.usage.record(moment, made, manual=manual)
            self.metrics.call(moment, made)
        return made


def run_scenario(scenario: Scenario) -> tuple[Outcome, Outcome]:
    """Simulate both sides of one scenario."""
    return AnchorSimulation(scenario).run(), OursSimulation(scenario).run()


def side_cells(side: Outcome) -> str:
    """Format one side's cells of a table row."""
    return (
        f"{side.worst_month:6d} {side.over_quota:4d} {side.staleness:8.1f} "
        f"{side.detail_age:7.2f} {side.share:6.3f}"
    )


def row(scenario: Scenario, anchor: Outcome, ours: Outcome) -> str:
    """Format one table row."""
    tick = anchor_interval(scenario) // timedelta(minutes=1)
    head = f"{scenario.latitude:5.1f} {scenario.inverters:4d} {scenario.ecus:3d}"
    ratio = ours.staleness / anchor.staleness
    return (
        f"{head} | {tick:4d} {side_cells(anchor)} | {side_cells(ours)} | {ratio:5.3f}"
    )


def header() -> list[str]:
    """Return the table header lines."""
    side = f"{'worst':>6} {'over':>4} {'stale_m':>8} {'detail':>7} {'share':>6}"
    return [
        f"{'':14} | {'anchor (A3 auto interval)':<40} | {'ours (QuotaPlanner)':<35} |",
        f"{'lat':>5} {'inv':>4} {'ecu':>3} | {'tick':>4} {side} | {side} | {'ratio':>5}",
    ]


def summary(results: Sequence[tuple[Scenario, Outcome, Outcome]]) -> dict[str, object]:
    """Return the final JSON summary."""
    ratios = {s: ours.staleness / anchor.staleness for s, anchor, ours in results}
    reference = ratios.get(Scenario(51.5, 6))
    reference_ratio = None if reference is None else round(reference, 3)
    return {
        "scenarios": len(results),
        "anchor_over_quota_months": sum(a.over_quota for _, a, _ in results),
        "ours_over_quota_months": sum(o.over_quota for _, _, o in results),
        "ours_max_month_calls": max(o.worst_month for _, _, o in results),
        "staleness_ratio_median": round(statistics.median(ratios.values()), 3),
        "staleness_ratio_lat51_5_inv6": reference_ratio,
    }


def main() -> None:
    """Run the scenarios (two workers) and print the table and the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latitudes", type=float, nargs="+", default=LATITUDES)
    parser.add_argument("--inverters", type=int, nargs="+", default=INVERTERS)
    args = parser.parse_args()
    scenarios = [Scenario(lat, n) for lat in args.latitudes for n in args.inverters]
    with Pool(2) as pool:
        outcomes = pool.map(run_scenario, scenarios)
    results = [(s, a, o) for s, (a, o) in zip(scenarios, outcomes, strict=True)]
    print("\n".join(header()))
    for scenario, anchor, ours in results:
        print(row(scenario, anchor, ours))
    print(json.dumps(summary(results)))


if __name__ == "__main__":
    main()
