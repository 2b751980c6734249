"""The physical model of one Powervault: solar, home, battery and grid every 30 s.

Every 30-second step has constant powers. The battery power follows the
effective state at the step's start (controls in force then) and the stored
energy; the grid balances: grid = home + battery_charge - battery_discharge
- solar (+ import). Flows are split solar first: solar feeds the home, then
the battery, then the grid; the battery feeds the home, then the grid.

State of charge depends on the history, so the model integrates lazily
forward from its anchor (default: UTC midnight two days before the clock's
first reading) and caches every step (a "chain"). Steps before the anchor
come from independent UTC days that each start at `initial_soc_pct` (their
SoC jumps at midnight; energy still balances). A change of the controls at
moment t only recomputes the steps starting at or after t: the past stays.
"""

from __future__ import annotations

from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
import datetime as dt
import math
from typing import Any

from .clocks import (
    SLOT_S,
    STEP_H,
    STEP_S,
    STEPS_PER_DAY,
    Clock,
    as_utc,
    from_epoch,
    now_utc,
)
from .controls import ControlHistory, Controls, Override, Schedule, Source
from .profiles import Profiles
from .rows import cloud_row, null_row
from .states import BatteryState

TOTALS = (
    "grid_import",
    "grid_export",
    "battery_charge",
    "battery_discharge",
    "solar",
    "home",
)
FLOWS = (
    "battery_from_grid",
    "battery_from_solar",
    "battery_to_home",
    "battery_exported",
    "home_consumed",
    "grid_to_home",
    "solar_to_home",
    "solar_exported",
    "solar_generated",
)
KINDS = TOTALS + FLOWS
INDEX = {kind: i for i, kind in enumerate(KINDS)}
ALL = tuple(range(len(KINDS)))
STATES = tuple(BatteryState)
STATE_INDEX = {state: i for i, state in enumerate(STATES)}
CHARGING = frozenset(
    {BatteryState.NORMAL, BatteryState.ONLY_CHARGE, BatteryState.FORCE_CHARGE}
)
DISCHARGING = frozenset(
    {BatteryState.NORMAL, BatteryState.ONLY_DISCHARGE, BatteryState.FORCE_DISCHARGE}
)
TARGETS = {BatteryState.FORCE_CHARGE: math.inf, BatteryState.FORCE_DISCHARGE: -math.inf}
CHUNK_STEPS = 120
BLOCK_CACHE_DAYS = 80


@dataclass(frozen=True)
class BatteryConfig:
    """A household: battery size and limits, solar size, and the seed of its weather."""

    seed: str = "powervault"
    capacity_wh: float = 8000.0
    max_power_w: float = 3000.0
    min_soc_pct: float = 5.0
    max_soc_pct: float = 100.0
    initial_soc_pct: float = 50.0
    solar_peak_w: float = 3000.0
    base_load_w: float = 250.0


def split(solar: float, home: float, battery: float) -> tuple[float, ...]:
    """Return the power (W, >= 0) of every kind in `KINDS` order; battery + charging."""
    grid = home + battery - solar
    charge, discharge = max(battery, 0.0), max(-battery, 0.0)
    solar_to_home = min(solar, home)
    solar_left = solar - solar_to_home
    from_solar = min(solar_left, charge)
    home_left = home - solar_to_home
    to_home = min(discharge, home_left)
    return (
        max(grid, 0.0),
        max(-grid, 0.0),
        charge,
        discharge,
        solar,
        home,
        charge - from_solar,
        from_solar,
        to_home,
        discharge - to_home,
        home,
        home_left - to_home,
        solar_to_home,
        solar_left - from_solar,
        solar,
    )


@dataclass(frozen=True)
class Step:
    """One 30-second step: constant powers (W); `soc_pct` at its start."""

    start: dt.datetime
    solar_w: float
    home_w: float
    battery_w: float
    soc_pct: float
    state: BatteryState

    @property
    def grid_w(self) -> float:
        """Return the grid power, + import / - export."""
        return self.home_w + self.battery_w - self.solar_w

    def flows_w(self) -> dict[str, float]:
        """Return the power of every kind (W, >= 0)."""
        return dict(
            zip(KINDS, split(self.solar_w, self.home_w, self.battery_w), strict=True)
        )


@dataclass
class _Segment:
    """Consecutive steps from `first` (up to `limit`, None: open) and their running sums."""

    first: int
    limit: int | None
    stored: array[float]
    battery: array[float] = field(default_factory=lambda: array("d"))
    solar: array[float] = field(default_factory=lambda: array("d"))
    home: array[float] = field(default_factory=lambda: array("d"))
    states: array[int] = field(default_factory=lambda: array("b"))
    cum: list[array[float]] = field(
        default_factory=lambda: [array("d", [0.0]) for _ in KINDS]
    )

    @property
    def end(self) -> int:
        """Return the step after the last computed one."""
        return self.first + len(self.battery)

    @property
    def end_s(self) -> float:
        """Return the Unix time where this segment stops (inf if open)."""
        return math.inf if self.limit is None else float(self.limit * STEP_S)

    def truncate(self, step: int) -> None:
        """Forget the steps from `step` on."""
        n = max(step - self.first, 0)
        for values in (self.battery, self.solar, self.home, self.states):
            del values[n:]
        del self.stored[n + 1 :]
        for cum in self.cum:
            del cum[n + 1 :]


class PowervaultModel:
    """One battery with solar and a home; truth for tests and data for the simulators."""

    def __init__(
        self,
        config: BatteryConfig | None = None,
        *,
        schedule: Schedule | None = None,
        clock: Clock = now_utc,
        anchor: dt.datetime | None = None,
        history_days: int = 2,
    ) -> None:
        """Model `config`; `clock` (looked up per call) fixes the anchor on first use."""
        self.config = config or BatteryConfig()
        self.clock = clock
        self.profiles = Profiles(
            self.config.seed,
            solar_peak_w=self.config.solar_peak_w,
            base_load_w=self.config.base_load_w,
        )
        self.history = ControlHistory(Controls(schedule or Schedule.default()))
        self.history_days = history_days
        self._anchor: int | None = None
        if anchor is not None:
            self._anchor = math.floor(as_utc(anchor).timestamp() / STEP_S)
        self._chain_start_wh: float | None = None
        self._base_wh = dict.fromkeys(KINDS, 0.0)
        self._chain: _Segment | None = None
        self._blocks: dict[int, _Segment] = {}

    # Controls

    @property
    def controls(self) -> Controls:
        """Return the controls in force now and later."""
        return self.history.current

    def set_overrides(
        self, overrides: Sequence[Override], at: dt.datetime | None = None
    ) -> None:
        """Replace the overrides from `at` (default: now) on."""
        controls = Controls(self.controls.schedule, tuple(overrides))
        self._change(controls, at)

    def set_schedule(self, schedule: Schedule, at: dt.datetime | None = None) -> None:
        """Replace the schedule from `at` (default: now) on."""
        self._change(Controls(schedule, self.controls.overrides), at)

    def _change(self, controls: Controls, at: dt.datetime | None) -> None:
        seconds = as_utc(self.clock() if at is None else at).timestamp()
        self.history.change(seconds, controls)
        step = math.ceil(seconds / STEP_S)
        if self._chain is not None:
            if step <= self._chain.first:
                self._chain = None
            else:
                self._chain.truncate(step)
        for day in [d for d, b in self._blocks.items() if b.end > step]:
            del self._blocks[day]

    def effective_state(self, at: dt.datetime) -> tuple[BatteryState, Source]:
        """Return the state at `at` and its source ("override", "schedule", "default")."""
        return self.history.state_at(as_utc(at).timestamp())

    # Truth

    def energy_kwh(self, kind: str, start: dt.datetime, end: dt.datetime) -> float:
        """Return the exact kWh of `kind` (see `KINDS`) within [`start`, `end`)."""
        return self.energy_wh(kind, start, end) / 1000

    def energy_wh(self, kind: str, start: dt.datetime, end: dt.datetime) -> float:
        """Return the exact Wh of `kind` within [`start`, `end`)."""
        index = INDEX[kind]
        return self._energies(
            as_utc(start).timestamp(), as_utc(end).timestamp(), (index,)
        )[0]

    def _energies(self, t: float, stop: float, indices: Sequence[int]) -> list[float]:
        """Return the Wh of the kinds at `indices` within Unix times [`t`, `stop`)."""
        totals = [0.0] * len(indices)
        while t < stop:
            seg = self._segment(math.floor(t / STEP_S))
            piece = min(stop, seg.end_s)
            self._reach(seg, piece)
            for n, index in enumerate(indices):
                totals[n] += _running(seg, index, piece) - _running(seg, index, t)
            t = piece
        return totals

    def mean_w(self, kind: str, start: dt.datetime, end: dt.datetime) -> float:
        """Return the mean power (W) of `kind` over [`start`, `end`)."""
        hours = (as_utc(end) - as_utc(start)).total_seconds() / 3600
        return self.energy_wh(kind, start, end) / hours

    def soc_pct(self, at: dt.datetime) -> float:
        """Return the usable state of charge (percent) at `at`, linear within a step."""
        t = as_utc(at).timestamp()
        seg = self._segment(math.floor(t / STEP_S))
        self._reach(seg, t)
        i = math.floor(t / STEP_S) - seg.first
        if i >= len(seg.battery):
            stored = seg.stored[-1]
        else:
            frac = t / STEP_S - (seg.first + i)
            stored = seg.stored[i] + (seg.stored[i + 1] - seg.stored[i]) * frac
        return stored / self.config.capacity_wh * 100

    def step(self, at: dt.datetime) -> Step:
        """Return the 30-second step containing `at`."""
        k = math.floor(as_utc(at).timestamp() / STEP_S)
        seg = self._segment(k)
        i = k - seg.first
        return Step(
            from_epoch(k * STEP_S),
            seg.solar[i],
            seg.home[i],
            seg.battery[i],
            seg.stored[i] / self.config.capacity_wh * 100,
            STATES[seg.states[i]],
        )

    def steps(self, start: dt.datetime, end: dt.datetime) -> list[Step]:
        """Return the steps starting within [`start`, `end`)."""
        first = math.ceil(as_utc(start).timestamp() / STEP_S)
        stop = math.ceil(as_utc(end).timestamp() / STEP_S)
        return [self.step(from_epoch(k * STEP_S)) for k in range(first, stop)]

    def row(
        self, start: dt.datetime, upto: dt.datetime | None = None
    ) -> dict[str, Any]:
        """Return the cloud's 5-minute row of the slot starting at `start`.

        Values are means over the slot (or over its whole 30-s steps before
        `upto`), in mW with cloud signs; `instant_soc` is the SoC at the end.
        A slot without a whole step yet is all nulls.
        """
        start = as_utc(start)
        if start.timestamp() % SLOT_S:
            raise ValueError(f"{start} does not start a 5-minute slot")
        end = start + dt.timedelta(seconds=SLOT_S)
        if upto is not None:
            last = math.floor(as_utc(upto).timestamp() / STEP_S) * STEP_S
            end = min(end, from_epoch(last))
        if end <= start:
            return null_row(start)
        hours = (end - start).total_seconds() / 3600
        energies = self._energies(start.timestamp(), end.timestamp(), ALL)
        means = {kind: wh / hours for kind, wh in zip(KINDS, energies, strict=True)}
        return cloud_row(start, means, self.soc_pct(end))

    def counters_wh(self, at: dt.datetime | None = None) -> dict[str, float]:
        """Return the energy counters (Wh, only growing) at `at` (default: now)."""
        t = as_utc(self.clock() if at is None else at).timestamp()
        chain = self._chain_segment()
        if t <= chain.first * STEP_S:
            return dict(self._base_wh)
        self._reach(chain, t)
        return {
            kind: self._base_wh[kind] + _running(chain, INDEX[kind], t)
            for kind in KINDS
        }

    # Persistence

    def checkpoint(self, at: dt.datetime | None = None) -> dict[str, Any]:
        """Return what restarts the chain at the last step start before `at` (default: now)."""
        t = as_utc(self.clock() if at is None else at).timestamp()
        chain = self._chain_segment()
        step = max(math.floor(t / STEP_S), chain.first)
        moment = from_epoch(step * STEP_S)
        return {
            "at": moment.isoformat(),
            "soc_pct": self.soc_pct(moment),
            "counters_wh": self.counters_wh(moment),
            "overrides": [o.to_json() for o in self.controls.overrides],
        }

    def restore(self, saved: Mapping[str, Any]) -> None:
        """Continue from a `checkpoint`: its SoC, counters and overrides; forget the rest."""
        at = as_utc(dt.datetime.fromisoformat(str(saved["at"])))
        self._anchor = math.floor(at.timestamp() / STEP_S)
        self._chain_start_wh = float(saved["soc_pct"]) * self.config.capacity_wh / 100
        counters = saved.get("counters_wh", {})
        self._base_wh = {kind: float(counters.get(kind, 0.0)) for kind in KINDS}
        overrides = tuple(Override.from_json(o) for o in saved.get("overrides", ()))
        self.history = ControlHistory(Controls(self.controls.schedule, overrides))
        self._chain = None
        self._blocks.clear()

    # Integration

    def anchor(self) -> dt.datetime:
        """Return where the chain starts."""
        return from_epoch(self._anchor_step() * STEP_S)

    def _anchor_step(self) -> int:
        if self._anchor is None:
            today = as_utc(self.clock()).date() - dt.timedelta(days=self.history_days)
            midnight = dt.datetime.combine(today, dt.time(), dt.UTC)
            self._anchor = int(midnight.timestamp()) // STEP_S
        return self._anchor

    def _chain_segment(self) -> _Segment:
        if self._chain is None:
            anchor = self._anchor_step()
            stored = self._chain_start_wh
            if stored is None:
                stored = self._segment(anchor - 1).stored[-1]
            self._chain = _Segment(anchor, None, array("d", [stored]))
        return self._chain

    def _segment(self, step: int) -> _Segment:
        anchor = self._anchor_step()
        if step >= anchor:
            chain = self._chain_segment()
            if chain.end <= step:
                self._advance(chain, (step // CHUNK_STEPS + 1) * CHUNK_STEPS)
            return chain
        day = step // STEPS_PER_DAY
        block = self._blocks.get(day)
        if block is None:
            if len(self._blocks) >= BLOCK_CACHE_DAYS:
                self._blocks.pop(next(iter(self._blocks)))
            first = day * STEPS_PER_DAY
            limit = min(first + STEPS_PER_DAY, anchor)
            initial = self.config.initial_soc_pct * self.config.capacity_wh / 100
            block = _Segment(first, limit, array("d", [initial]))
            self._advance(block, limit)
            self._blocks[day] = block
        return block

    def _reach(self, seg: _Segment, t: float) -> None:
        """Compute `seg` at least up to the step containing Unix time `t`."""
        if seg.limit is None and seg.end <= math.floor(t / STEP_S):
            self._advance(seg, math.floor(t / STEP_S) + 1)

    def _advance(self, seg: _Segment, to_step: int) -> None:
        config = self.config
        e_min = config.capacity_wh * config.min_soc_pct / 100
        e_max = config.capacity_wh * config.max_soc_pct / 100
        stored = seg.stored[-1]
        day = -1
        solar_day: list[float] = []
        home_day: list[float] = []
        for k in range(seg.end, to_step):
            if k // STEPS_PER_DAY != day:
                day = k // STEPS_PER_DAY
                solar_day, home_day = self.profiles.day(day)
            solar = solar_day[k - day * STEPS_PER_DAY]
            home = home_day[k - day * STEPS_PER_DAY]
            state, _ = self.history.state_at(k * STEP_S)
            up = max(e_max - stored, 0.0) / STEP_H
            down = max(stored - e_min, 0.0) / STEP_H
            battery = _battery_w(state, solar - home, config.max_power_w, up, down)
            stored += battery * STEP_H
            seg.battery.append(battery)
            seg.solar.append(solar)
            seg.home.append(home)
            seg.states.append(STATE_INDEX[state])
            seg.stored.append(stored)
            for cum, power in zip(seg.cum, split(solar, home, battery), strict=True):
                cum.append(cum[-1] + power * STEP_H)


def _battery_w(
    state: BatteryState, surplus: float, max_w: float, up: float, down: float
) -> float:
    """Return the battery power (+ charging) under `state` with `surplus` solar."""
    target = TARGETS.get(state, surplus)
    high = min(max_w, up) if state in CHARGING else 0.0
    low = -min(max_w, down) if state in DISCHARGING else 0.0
    return min(max(target, low), high)


def _running(seg: _Segment, index: int, t: float) -> float:
    """Return the running sum (Wh) of kind `index` in `seg` at Unix time `t`."""
    cum = seg.cum[index]
    k = math.floor(t / STEP_S)
    i = k - seg.first
    if i >= len(cum) - 1:
        return cum[-1]
    frac = t / STEP_S - k
    return cum[i] + (cum[i + 1] - cum[i]) * frac
