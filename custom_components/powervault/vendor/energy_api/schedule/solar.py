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
    """Return the first instant of local `day` in `tz`, in UTC.

    Everything here computes in UTC: Python subtracts and compares two datetimes
    that share a tzinfo by wall-clock time, which is wrong on DST change days.
    """
    return datetime.combine(day, time(0), tz).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class SolarWindow:
    """Daylight at a place, widened by minutes before sunrise and after sunset.

    Each local day has at most one window, clipped to that day: in polar day it is the
    whole day, in polar night there is none. Windows are given in UTC; the local day
    of a moment is taken in the moment's own timezone.
    """

    latitude: float
    longitude: float
    before_sunrise: timedelta = timedelta(0)
    after_sunset: timedelta = timedelta(0)

    def on(self, day: date, tz: tzinfo) -> Span | None:
        """Return the window of a local day in UTC, or None when the sun stays down."""
        return _day_window(self, day, tz)

    def spans(self, start: datetime, end: datetime) -> Iterator[Span]:
        """Yield the windows overlapping [start, end), clipped to it, in order."""
        tz = start.tzinfo or UTC
        day = start.astimezone(tz).date()
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        while local_midnight(day, tz) < end:
            span = self.on(day, tz)
            if span is not None:
                lo, hi = max(span[0], start), min(span[1], end)
                if lo < hi:
                    yield lo, hi
            day += timedelta(days=1)

    def seconds_between(self, start: datetime, end: datetime) -> float:
        """Return the window time in [start, end), in seconds."""
        if end <= start:
            return 0.0
        tz = start.tzinfo or UTC
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        first = start.astimezone(tz).date()
        last = (end - timedelta(microseconds=1)).astimezone(tz).date()
        if first == last:
            return self._clipped_seconds(first, tz, start, end)
        return (
            self._clipped_seconds(first, tz, start, end)
            + _days_seconds(self, first + timedelta(days=1), last, tz)
            + self._clipped_seconds(last, tz, start, end)
        )

    def _clipped_seconds(
        self, day: date, tz: tzinfo, start: datetime, end: datetime
    ) -> float:
        span = self.on(day, tz)
        if span is None:
            return 0.0
        return max(0.0, (min(span[1], end) - max(span[0], start)).total_seconds())

    def contains(self, moment: datetime) -> bool:
        """Return whether `moment` lies in a window."""
        tz = moment.tzinfo or UTC
        span = self.on(moment.astimezone(tz).date(), tz)
        return span is not None and span[0] <= moment.astimezone(UTC) < span[1]

    def next_span(self, moment: datetime) -> Span | None:
        """Return the window containing `moment`, or else the next one to start."""
        tz = moment.tzinfo or UTC
        day = moment.astimezone(tz).date()
        moment = moment.astimezone(UTC)
        for offset in range(_MAX_SEARCH_DAYS):
            span = self.on(day + timedelta(days=offset), tz)
            if span is not None and span[1] > moment:
                return span
        return None


@lru_cache(maxsize=8192)
def _days_seconds(window: SolarWindow, first: date, stop: date, tz: tzinfo) -> float:
    """Window seconds of the whole days from `first` up to, not including, `stop`."""
    if first >= stop:
        return 0.0
    span = window.on(first, tz)
    own = 0.0 if span is None else (span[1] - span[0]).total_seconds()
    return own + _days_seconds(window, first + timedelta(days=1), stop, tz)


@lru_cache(maxsize=8192)
def _day_window(window: SolarWindow, day: date, tz: tzinfo) -> Span | None:
    observer = Observer(latitude=window.latitude, longitude=window.longitude)
    start_of_day = local_midnight(day, tz)
    end_of_day = local_midnight(day + timedelta(days=1), tz)
    try:
        rise: datetime | None = sunrise(observer, day, tzinfo=tz).astimezone(UTC)
    except ValueError:
        rise = None
    try:
        set_: datetime | None = sunset(observer, day, tzinfo=tz).astimezone(UTC)
    except ValueError:
        set_ = None
    if rise is None and set_ is None:
        # Neither happens: the sun is up all day iff it is up even at solar midnight.
        if elevation(observer, midnight(observer, day)) <= _HORIZON:
            return None  # polar night
        return start_of_day, end_of_day  # polar day
    start = (
        start_of_day
        if rise is None
        else max(start_of_day, rise - window.before_sunrise)
    )
    end = end_of_day if set_ is None else min(end_of_day, set_ + window.after_sunset)
    if rise is not None and set_ is not None and set_ < rise:
        # The sun sets just after local midnight and rises again later that day:
        # one window a day, so keep the longer of the two daylight parts.
        morning = (start_of_day, end)
        evening = (start, end_of_day)
        start, end = max(morning, evening, key=lambda span: span[1] - span[0])
    return (start, end) if start < end else None
