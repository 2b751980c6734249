"""Clocks and time grids: 30-second model steps, 5-minute cloud slots, London days."""

from __future__ import annotations

from collections.abc import Callable
import datetime as dt
import math
from zoneinfo import ZoneInfo

STEP_S = 30
SLOT_S = 300
STEPS_PER_SLOT = SLOT_S // STEP_S
DAY_S = 86_400
STEPS_PER_DAY = DAY_S // STEP_S
STEP_H = STEP_S / 3600
LONDON = ZoneInfo("Europe/London")
OVERRIDE_FORMAT = "%Y-%m-%d %H:%M:%S"

type Clock = Callable[[], dt.datetime]


def now_utc() -> dt.datetime:
    """Return the current time in UTC (looked up on each call, so freezegun applies)."""
    return dt.datetime.now(dt.UTC)


def as_utc(at: dt.datetime) -> dt.datetime:
    """Return `at` in UTC; a naive `at` is taken as UTC."""
    if at.tzinfo is None:
        return at.replace(tzinfo=dt.UTC)
    return at.astimezone(dt.UTC)


def from_epoch(seconds: float) -> dt.datetime:
    """Return the UTC datetime of Unix time `seconds`."""
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def floor_to(at: dt.datetime, seconds: int) -> dt.datetime:
    """Return the last multiple of `seconds` (Unix time) at or before `at`."""
    return from_epoch(math.floor(as_utc(at).timestamp() / seconds) * seconds)


def iso_z(at: dt.datetime) -> str:
    """Return `at` as "YYYY-MM-DDTHH:MM:SSZ" (UTC)."""
    return as_utc(at).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso_z(text: str) -> dt.datetime:
    """Read an ISO time ("...Z" or with an offset; naive is UTC); raise ValueError."""
    return as_utc(dt.datetime.fromisoformat(text))


def london_midnight(day: dt.date) -> dt.datetime:
    """Return the UTC moment at which London's `day` begins."""
    return as_utc(dt.datetime.combine(day, dt.time(), LONDON))


def london_date(at: dt.datetime) -> dt.date:
    """Return the London date at `at`."""
    return as_utc(at).astimezone(LONDON).date()


def accelerated(speed: float, base: Clock) -> Clock:
    """Return a clock starting at `base()` now and running `speed` times as fast."""
    if not speed > 0:
        raise ValueError(f"speed must be positive, not {speed}")
    start = base()

    def clock() -> dt.datetime:
        return start + (base() - start) * speed

    return clock


_OFFSETS: dict[int, int] = {}


def london_wall(seconds: float) -> tuple[int, int]:
    """Return (weekday 0=Monday, whole second of the day) in London at Unix time `seconds`.

    London changes its offset only on the hour, so offsets are cached per UTC hour.
    """
    hour = int(seconds // 3600)
    offset = _OFFSETS.get(hour)
    if offset is None:
        moment = from_epoch(hour * 3600).astimezone(LONDON)
        delta = moment.utcoffset()
        offset = _OFFSETS[hour] = int(delta.total_seconds()) if delta else 0
    local = math.floor(seconds) + offset
    days, second = divmod(local, DAY_S)
    return (days + 3) % 7, second  # 1970-01-01 was a Thursday
