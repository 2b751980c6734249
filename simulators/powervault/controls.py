"""Schedule (London wall time), overrides (UTC) and their history over time.

The effective state at a moment is the first override containing it
(start <= t < end, so a zero-length override never applies), else the first
schedule slot of the London weekday with start <= time <= end (whole
seconds, both ends inclusive), else "normal".
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
import datetime as dt
from functools import cached_property
import math
from typing import Any, Literal

from .clocks import OVERRIDE_FORMAT, as_utc, london_wall
from .states import BatteryState, parse_state

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

type Source = Literal["override", "schedule", "default"]


def _seconds(at: dt.time) -> int:
    return at.hour * 3600 + at.minute * 60 + at.second


@dataclass(frozen=True)
class ScheduleSlot:
    """One schedule event: `state` from `start` to `end` (London wall time, inclusive)."""

    start: dt.time
    end: dt.time
    state: BatteryState

    def to_json(self) -> dict[str, str]:
        """Return `{"start": "HH:MM:SS", "end": "HH:MM:SS", "state": ...}`."""
        return {
            "start": self.start.strftime("%H:%M:%S"),
            "end": self.end.strftime("%H:%M:%S"),
            "state": str(self.state),
        }


@dataclass(frozen=True)
class Schedule:
    """Slots per weekday ("monday".."sunday")."""

    days: Mapping[str, tuple[ScheduleSlot, ...]]

    @classmethod
    def every_day(cls, *slots: tuple[str, str, str]) -> Schedule:
        """Return the same slots ("HH:MM:SS", "HH:MM:SS", state) on every day."""
        parsed = tuple(
            ScheduleSlot(
                dt.time.fromisoformat(start),
                dt.time.fromisoformat(end),
                parse_state(state),
            )
            for start, end, state in slots
        )
        return cls(dict.fromkeys(DAYS, parsed))

    @classmethod
    def default(cls) -> Schedule:
        """Return the default: force-charge 00:30-04:30 (cheap night rate), else normal."""
        return cls.every_day(
            ("00:00:00", "00:29:59", "normal"),
            ("00:30:00", "04:29:59", "force-charge"),
            ("04:30:00", "23:59:59", "normal"),
        )

    @cached_property
    def _table(self) -> tuple[tuple[tuple[int, int, BatteryState], ...], ...]:
        return tuple(
            tuple(
                (_seconds(s.start), _seconds(s.end), s.state)
                for s in self.days.get(day, ())
            )
            for day in DAYS
        )

    def state_at(self, seconds: float) -> BatteryState | None:
        """Return the state of the slot containing Unix time `seconds`, if any."""
        weekday, second = london_wall(seconds)
        for start, end, state in self._table[weekday]:
            if start <= second <= end:
                return state
        return None

    def to_json(self) -> dict[str, list[dict[str, str]]]:
        """Return `{"monday": [slot, ...], ...}`."""
        return {day: [s.to_json() for s in self.days.get(day, ())] for day in DAYS}


@dataclass(frozen=True)
class Override:
    """`state` from `start` to `end` (UTC, end excluded)."""

    start: dt.datetime
    end: dt.datetime
    state: BatteryState

    @classmethod
    def from_json(cls, data: Any) -> Override:
        """Read `{"start", "end", "state"}` ("YYYY-MM-DD HH:MM:SS" UTC); raise ValueError."""
        if isinstance(data, Mapping):
            return cls._from_mapping(data)
        raise ValueError("override must be an object")

    @classmethod
    def _from_mapping(cls, data: Mapping[str, Any]) -> Override:
        state = parse_state(data.get("state"))
        start, end = (_parse_time(data.get(key)) for key in ("start", "end"))
        if end < start:
            raise ValueError("override ends before it starts")
        return cls(start, end, state)

    def contains(self, seconds: float) -> bool:
        """Return whether Unix time `seconds` is in [start, end)."""
        return self.start.timestamp() <= seconds < self.end.timestamp()

    def to_json(self) -> dict[str, str]:
        """Return `{"start", "end", "state"}` with times "YYYY-MM-DD HH:MM:SS" (UTC)."""
        return {
            "start": self.start.strftime(OVERRIDE_FORMAT),
            "end": self.end.strftime(OVERRIDE_FORMAT),
            "state": str(self.state),
        }


def _parse_time(value: object) -> dt.datetime:
    text = value if isinstance(value, str) else ""
    try:
        return dt.datetime.strptime(text, OVERRIDE_FORMAT).replace(tzinfo=dt.UTC)
    except ValueError:
        pass
    try:
        return as_utc(dt.datetime.fromisoformat(text))
    except ValueError:
        raise ValueError(f"invalid time {value!r}") from None


@dataclass(frozen=True)
class Controls:
    """What decides the battery state: a schedule and overrides."""

    schedule: Schedule
    overrides: tuple[Override, ...] = ()

    def state_at(self, seconds: float) -> tuple[BatteryState, Source]:
        """Return the effective state at Unix time `seconds` and where it comes from."""
        for override in self.overrides:
            if override.contains(seconds):
                return override.state, "override"
        state = self.schedule.state_at(seconds)
        if state is None:
            return BatteryState.NORMAL, "default"
        return state, "schedule"


@dataclass
class ControlHistory:
    """The controls over time: each change applies from its moment on."""

    initial: Controls
    _times: list[float] = field(default_factory=lambda: [-math.inf])
    _versions: list[Controls] = field(default_factory=list)

    def __post_init__(self) -> None:
        """Start with `initial` for all time."""
        self._versions.append(self.initial)

    @property
    def current(self) -> Controls:
        """Return the latest controls."""
        return self._versions[-1]

    def change(self, at: float, controls: Controls) -> None:
        """Apply `controls` from Unix time `at` on (forgetting later changes)."""
        keep = max(bisect_right(self._times, at - 1e-9), 1)
        del self._times[keep:], self._versions[keep:]
        self._times.append(at)
        self._versions.append(controls)

    def at(self, seconds: float) -> Controls:
        """Return the controls in force at Unix time `seconds`."""
        return self._versions[bisect_right(self._times, seconds) - 1]

    def state_at(self, seconds: float) -> tuple[BatteryState, Source]:
        """Return the effective state at `seconds` under the controls then in force."""
        return self.at(seconds).state_at(seconds)


def overrides_from(items: Sequence[Any]) -> tuple[Override, ...]:
    """Read a list of override objects; raise ValueError."""
    return tuple(Override.from_json(item) for item in items)
