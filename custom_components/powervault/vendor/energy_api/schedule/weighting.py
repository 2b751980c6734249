"""Window time weighted by the height of the sun: where production, and so freshness, matters."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import lru_cache
from itertools import pairwise
import math

from astral import Observer
from astral.sun import elevation

from .solar import SolarWindow

_MAX_SEARCH_DAYS = 370
_STEP = timedelta(minutes=5)

type _Table = tuple[tuple[float, ...], tuple[float, ...]]


@dataclass(frozen=True, slots=True)
class DaylightWeight:
    """Weighs each moment of the solar window by `floor + sqrt(sin(sun elevation))`.

    Spreading polls evenly over this weight rather than over plain time puts more of
    them where the panels produce most: for production-weighted staleness the best
    density of polls goes with the square root of production. `floor` keeps some
    polls at dawn and dusk, where plain staleness is measured too.
    """

    window: SolarWindow
    floor: float = 0.3

    def between(self, start: datetime, end: datetime) -> float:
        """Return the weighted seconds of the window in [start, end)."""
        tz = start.tzinfo or UTC
        total = 0.0
        day = start.astimezone(tz).date()
        lo, hi = start.timestamp(), end.timestamp()
        while True:
            times, cumulative = _table(self, day, tz)
            if times and times[0] >= hi:
                break
            if times:
                total += _at(times, cumulative, hi) - _at(times, cumulative, lo)
            day += timedelta(days=1)
            if _midnight_ts(day, tz) >= hi:
                break
        return total

    def advance(self, start: datetime, amount: float) -> datetime | None:
        """Return the moment after `start` by which `amount` weighted seconds have passed."""
        tz = start.tzinfo or UTC
        day = start.astimezone(tz).date()
        at = start.timestamp()
        remaining = amount
        for _ in range(_MAX_SEARCH_DAYS):
            times, cumulative = _table(self, day, tz)
            if times and times[-1] > at:
                begin = _at(times, cumulative, at)
                if cumulative[-1] - begin >= remaining:
                    return datetime.fromtimestamp(
                        _inverse(times, cumulative, begin + remaining), UTC
                    )
                remaining -= cumulative[-1] - begin
            day += timedelta(days=1)
        return None


def _midnight_ts(day: date, tz: tzinfo) -> float:
    return datetime.combine(day, datetime.min.time(), tz).timestamp()


@lru_cache(maxsize=4096)
def _table(weight: DaylightWeight, day: date, tz: tzinfo) -> _Table:
    """Return a day's sample times and the weighted seconds up to each, within its window."""
    span = weight.window.on(day, tz)
    if span is None:
        return (), ()
    observer = Observer(
        latitude=weight.window.latitude, longitude=weight.window.longitude
    )
    times = [span[0]]
    while times[-1] + _STEP < span[1]:
        times.append(times[-1] + _STEP)
    times.append(span[1])
    cumulative = [0.0]
    for first, second in pairwise(times):
        middle = first + (second - first) / 2
        height = math.sin(math.radians(elevation(observer, middle)))
        density = weight.floor + math.sqrt(max(0.0, height))
        cumulative.append(cumulative[-1] + density * (second - first).total_seconds())
    return tuple(t.timestamp() for t in times), tuple(cumulative)


def _at(
    times: tuple[float, ...], cumulative: tuple[float, ...], moment: float
) -> float:
    """Return the weighted seconds from the day's window start up to `moment`."""
    if moment <= times[0]:
        return 0.0
    if moment >= times[-1]:
        return cumulative[-1]
    index = bisect_left(times, moment)
    t0, t1 = times[index - 1], times[index]
    c0, c1 = cumulative[index - 1], cumulative[index]
    return c0 + (c1 - c0) * (moment - t0) / (t1 - t0)


def _inverse(
    times: tuple[float, ...], cumulative: tuple[float, ...], amount: float
) -> float:
    """Return the moment at which the day's weighted seconds reach `amount`."""
    index = max(1, bisect_left(cumulative, amount))
    index = min(index, len(times) - 1)
    t0, t1 = times[index - 1], times[index]
    c0, c1 = cumulative[index - 1], cumulative[index]
    if c1 == c0:
        return t1
    return t0 + (t1 - t0) * (amount - c0) / (c1 - c0)
