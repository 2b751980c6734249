"""The effective battery state: the schedule (UK wall time) unless an override (UTC) wins.

A pure function of its inputs; it never raises. Rules (as powervaultpy, reference §1.4,
with its failure cases made explicit):
- An override applies while `start <= now <= end` (both inclusive); the first such
  override in the list wins. An override whose end is not after its start is empty and
  never applies (that is how `cancel_override` clears overrides).
- Otherwise the first slot of today's schedule (the weekday in Europe/London) with
  `start <= time <= end` applies, both ends inclusive, compared to the second.
  A slot whose end is before its start runs over midnight.
- Otherwise it is a schedule gap: `state` None, `source` "schedule_gap".
- A state string no `BatteryState` knows gives `state` None, and its text in `raw`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any, Literal

from .const import DAYS, DEFAULT_OVERRIDE_DURATION, SCHEDULE_TZ, BatteryState
from .models import Override, Schedule

type Source = Literal["override", "schedule", "schedule_gap"]


@dataclass(frozen=True, slots=True)
class EffectiveState:
    """The state in force, where it comes from, and until when (UTC) if known."""

    state: BatteryState | None
    source: Source
    until: datetime | None
    raw: str | None = None


SCHEDULE_GAP = EffectiveState(None, "schedule_gap", None)


def _aware_utc(moment: Any) -> datetime | None:
    """Return an aware datetime in UTC (naive ones are read as UTC), else None."""
    if not isinstance(moment, datetime):
        return None
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        result: datetime = moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    return result


def _result(state: Any, source: Source, until: datetime | None) -> EffectiveState:
    if isinstance(state, BatteryState):
        return EffectiveState(state, source, until, str(state))
    if not isinstance(state, str):
        return EffectiveState(None, source, until)
    try:
        return EffectiveState(BatteryState(state), source, until, state)
    except ValueError:
        return EffectiveState(None, source, until, state)


def _override(now: datetime, overrides: Any) -> EffectiveState | None:
    try:
        items = list(overrides or ())
    except TypeError:
        return None
    for override in items:
        if not isinstance(override, Override):
            continue
        start, end = _aware_utc(override.start), _aware_utc(override.end)
        if start is None or end is None or end <= start:
            continue
        if start <= now <= end:
            return _result(override.state, "override", end)
    return None


def _contains(start: time, end: time, wall: time) -> bool:
    if start <= end:
        return start <= wall <= end
    return wall >= start or wall <= end


def _next_wall(now: datetime, wall: time) -> datetime | None:
    """Return the first moment not before `now` (UTC) whose UK wall time is `wall`."""
    if wall == time.max:
        wall, extra = time(), timedelta(days=1)
    else:
        extra = timedelta()
    today = now.astimezone(SCHEDULE_TZ).date()
    candidates = []
    for days in (0, 1, 2):
        for fold in (0, 1):
            try:
                local = datetime.combine(
                    today + timedelta(days=days) + extra, wall, SCHEDULE_TZ
                ).replace(fold=fold)
                moment = local.astimezone(UTC)
            except (OverflowError, ValueError):
                continue
            if moment >= now:
                candidates.append(moment)
    return min(candidates, default=None)


def _scheduled(now: datetime, schedule: Any) -> EffectiveState | None:
    days = getattr(schedule, "days", None) if isinstance(schedule, Schedule) else None
    if not isinstance(days, dict):
        return None
    try:
        local = now.astimezone(SCHEDULE_TZ)
    except (OverflowError, ValueError):
        return None
    slots = days.get(DAYS[local.weekday()])
    wall = local.time().replace(microsecond=0, tzinfo=None)
    for slot in slots if isinstance(slots, tuple | list) else ():
        start, end = getattr(slot, "start", None), getattr(slot, "end", None)
        if not isinstance(start, time) or not isinstance(end, time):
            continue
        start, end = start.replace(tzinfo=None), end.replace(tzinfo=None)
        if _contains(start, end, wall):
            second = now.replace(microsecond=0)
            return _result(
                getattr(slot, "state", None), "schedule", _next_wall(second, end)
            )
    return None


def effective_state(
    now: datetime, schedule: Schedule | None, overrides: Sequence[Override]
) -> EffectiveState:
    """Return the state in force at `now` (aware; naive is read as UTC). Never raises."""
    moment = _aware_utc(now)
    if moment is None:
        return SCHEDULE_GAP
    found = _override(moment, overrides) or _scheduled(moment, schedule)
    return found or SCHEDULE_GAP


def parse_state(state: BatteryState | str) -> BatteryState:
    """Return `state` as a `BatteryState`; raise ValueError for any other text."""
    if isinstance(state, BatteryState):
        return state
    if isinstance(state, str):
        try:
            return BatteryState(state.strip().lower())
        except ValueError:
            pass
    choices = ", ".join(s.value for s in BatteryState)
    raise ValueError(f"unknown battery state {state!r}; expected one of {choices}")


def new_override(
    state: BatteryState | str,
    now: datetime,
    *,
    until: datetime | None = None,
    duration: timedelta | None = None,
) -> Override:
    """Return the override to post: `state` from `now` for `duration` or until `until`.

    The default is `DEFAULT_OVERRIDE_DURATION` (24 h). Times are whole UTC seconds, as
    the APIs write them. Raises ValueError for an unknown state, both or neither of a
    positive duration and a future `until`, or a naive `until`.
    """
    checked = parse_state(state)
    start = _aware_utc(now)
    if start is None:
        raise ValueError("now must be a datetime")
    start = start.replace(microsecond=0)
    if until is not None and duration is not None:
        raise ValueError("give either until or duration, not both")
    if until is not None:
        if until.tzinfo is None or until.utcoffset() is None:
            raise ValueError("until must be an aware datetime")
        end = until.astimezone(UTC).replace(microsecond=0)
    else:
        span = DEFAULT_OVERRIDE_DURATION if duration is None else duration
        if span <= timedelta():
            raise ValueError("duration must be positive")
        end = start + span
    if end <= start:
        raise ValueError("until must be at least a second after now")
    return Override(start, end, checked)


def cancelling_override(now: datetime) -> Override:
    """Return the empty `normal` override (start = end = now) that clears overrides.

    No delete endpoint is known; a POST replaces the unit's overrides, so posting an
    override that never applies lets the schedule apply again at once (inferred).
    """
    start = (_aware_utc(now) or datetime.now(UTC)).replace(microsecond=0)
    return Override(start, start, BatteryState.NORMAL)
