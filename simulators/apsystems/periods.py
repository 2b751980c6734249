"""The `energy_level` and `date_range` query parameters, and the series they ask for."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
import datetime as dt
import re

from .ledger import HOURS, ONE_DAY, Ledger, SlotDay, Totals, next_month
from .wire import BAD_REQUEST, INVALID_PARAMETER, NO_DATA, ApiError

MINUTELY = "minutely"
HOURLY = "hourly"
DAILY = "daily"
MONTHLY = "monthly"
YEARLY = "yearly"
LEVELS = (HOURLY, DAILY, MONTHLY, YEARLY)
DEVICE_LEVELS = (MINUTELY, *LEVELS)

DAY_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
MONTH_RE = re.compile(r"\d{4}-\d{2}")
YEAR_RE = re.compile(r"\d{4}")


@dataclass(frozen=True, slots=True)
class Moment:
    """When a request is answered: now, what is published, and the local date."""

    now: dt.datetime
    published: dt.datetime
    today: dt.date


@dataclass(frozen=True, slots=True)
class Period:
    """The days `first`..`last` (inclusive) an energy request covers."""

    level: str
    first: dt.date
    last: dt.date

    def holds(self, day: dt.date) -> bool:
        """Return whether `day` is in the period."""
        return self.first <= day <= self.last


def parse_day(text: str | None, default: dt.date) -> dt.date:
    """Parse `yyyy-MM-dd` (None: `default`); raise ApiError 4000 if malformed."""
    if text is None:
        return default
    if DAY_RE.fullmatch(text) is None:
        raise ApiError(BAD_REQUEST)
    try:
        return dt.date.fromisoformat(text)
    except ValueError as err:
        raise ApiError(BAD_REQUEST) from err


def parse_period(
    query: Mapping[str, str],
    levels: tuple[str, ...],
    today: dt.date,
    create_date: dt.date,
) -> Period:
    """Return the period asked; 4000 if malformed, 4001 for another level.

    Raise ApiError 1001 for a period that starts after today or ends
    before the system was created.
    """
    level = query.get("energy_level")
    if not level:
        raise ApiError(BAD_REQUEST)
    if level not in levels:
        raise ApiError(INVALID_PARAMETER)
    text = query.get("date_range")
    if level in {MINUTELY, HOURLY}:
        first = last = parse_day(text, today)
    elif level == DAILY:
        first = today.replace(day=1)
        if text is not None:
            first = _parse(MONTH_RE, text, f"{text}-01")
        last = next_month(first) - ONE_DAY
    elif level == MONTHLY:
        first = dt.date(today.year, 1, 1)
        if text is not None:
            first = _parse(YEAR_RE, text, f"{text}-01-01")
        last = dt.date(first.year, 12, 31)
    else:
        first, last = dt.date(create_date.year, 1, 1), dt.date(today.year, 12, 31)
    if first > today or last < create_date:
        raise ApiError(NO_DATA)
    return Period(level, first, last)


def _parse(pattern: re.Pattern[str], text: str, iso: str) -> dt.date:
    if pattern.fullmatch(text) is None:
        raise ApiError(BAD_REQUEST)
    return parse_day(iso, dt.date.min)


def series[DayT: SlotDay](
    ledger: Ledger[DayT], period: Period, published: dt.datetime
) -> list[Totals | None]:
    """Return the totals of each hour, day, month or year of `period` (not minutely).

    An hour not closed yet (or skipped by a DST change) is None: the API says "0".
    """
    first = period.first
    if period.level == HOURLY:
        return ledger.hourly(first, published)
    if period.level == DAILY:
        days = calendar.monthrange(first.year, first.month)[1]
        return [ledger.visible(first + n * ONE_DAY, published) for n in range(days)]
    if period.level == MONTHLY:
        months = [dt.date(first.year, month, 1) for month in range(1, 13)]
        return [
            ledger.span(start, next_month(start) - ONE_DAY, published)
            for start in months
        ]
    return [
        ledger.span(dt.date(year, 1, 1), dt.date(year, 12, 31), published)
        for year in range(first.year, period.last.year + 1)
    ]


def labels(period: Period) -> list[str]:
    """Return the `time` labels of a meter or storage period series."""
    first = period.first
    if period.level == HOURLY:
        return [f"{hour:02d}" for hour in range(HOURS)]
    if period.level == DAILY:
        days = calendar.monthrange(first.year, first.month)[1]
        return [f"{day:02d}" for day in range(1, days + 1)]
    if period.level == MONTHLY:
        return [f"{month:02d}" for month in range(1, 13)]
    return [str(year) for year in range(first.year, period.last.year + 1)]
