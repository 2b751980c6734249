"""The solar window: sunrise and sunset for a place and a local day, with user offsets."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache

from astral import Observer
from astral.sun import elevation, midnight, sunrise, sunset

type Span = tuple[datetime, datetime]

_MAX_SEARCH_DAYS = 370
# Astral's sunrise/sunset: the sun's upper limb at the horizon, with refraction.
_HORIZON = -0.833


def local_midnight(day: date, tz: tzinfo) -> datetime:
    """The first instant of `day` in `tz`, as an aware datetime (DST-safe)."""
    return datetime.combine(day, time(0), tz).astimezone(UTC).astimezone(tz)


@dataclass(frozen=True, slots=True)
class SolarWindow:
    """Daylight at a place, widened by minutes before sunrise and after sunset.

    Each local day has at most one window, clipped to that day: in polar day it is the
    whole day, in polar night there is none.
    """

    latitude: float
    longitude: float
    before_sunrise: timedelta = timedelta(0)
    after_sunset: timedelta = timedelta(0)

    def on(self, day: date, tz: tzinfo) -> Span | None:
        """The window of a local day, or None when the sun stays down."""
        return _day_window(self, day, tz)

    def spans(self, start: datetime, end: datetime) -> Iterator[Span]:
        """The windows overlapping [start, end), clipped to it, in order."""
        tz = start.tzinfo or UTC
        day = start.astimezone(tz).date()
        while local_midnight(day, tz) < end:
            span = self.on(day, tz)
            if span is not None:
                lo, hi = max(span[0], start), min(span[1], end)
                if lo < hi:
                    yield lo, hi
            day += timedelta(days=1)

    def seconds_between(self, start: datetime, end: datetime) -> float:
        """Window time in [start, end), in seconds."""
        return sum((hi - lo).total_seconds() for lo, hi in self.spans(start, end))

    def contains(self, moment: datetime) -> bool:
        """Whether `moment` lies in a window."""
        tz = moment.tzinfo or UTC
        span = self.on(moment.astimezone(tz).date(), tz)
        return span is not None and span[0] <= moment < span[1]

    def next_span(self, moment: datetime) -> Span | None:
        """The window containing `moment` (from `moment` on), or the next one to start."""
        tz = moment.tzinfo or UTC
        day = moment.astimezone(tz).date()
        for offset in range(_MAX_SEARCH_DAYS):
            span = self.on(day + timedelta(days=offset), tz)
            if span is not None and span[1] > moment:
                return max(span[0], moment), span[1]
        return None


@lru_cache(maxsize=8192)
def _day_window(window: SolarWindow, day: date, tz: tzinfo) -> Span | None:
    observer = Observer(latitude=window.latitude, longitude=window.longitude)
    start_of_day = local_midnight(day, tz)
    end_of_day = local_midnight(day + timedelta(days=1), tz)
    try:
        rise: datetime | None = sunrise(observer, day, tzinfo=tz)
    except ValueError:
        rise = None
    try:
        set_: datetime | None = sunset(observer, day, tzinfo=tz)
    except ValueError:
        set_ = None
    if rise is None and set_ is None:
        # Neither happens: the sun is up all day iff it is up even at solar midnight.
        if elevation(observer, midnight(observer, day)) <= _HORIZON:
            return None  # polar night
        return start_of_day, end_of_day  # polar day
    start = start_of_day if rise is None else max(start_of_day, rise - window.before_sunrise)
    end = end_of_day if set_ is None else min(end_of_day, set_ + window.after_sunset)
    if rise is not None and set_ is not None and set_ < rise:
        # The sun sets just after local midnight and rises again later that day:
        # one window a day, so keep the longer of the two daylight parts.
        morning = (start_of_day, end)
        evening = (start, end_of_day)
        start, end = max(morning, evening, key=lambda span: span[1] - span[0])
    return (start, end) if start < end else None
