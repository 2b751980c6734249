"""Energy in integer Wh per 5-minute slot of a local day, with cached totals.

A `Ledger` has rows (panels, or meter terms) and computes one local day at a
time. Everything the API serves is summed from these integers, so hourly,
daily, monthly, yearly and lifetime values agree to the Wh.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
import datetime as dt
from functools import lru_cache
import math
import operator
from typing import Protocol
from zoneinfo import ZoneInfo

SLOT_S = 300
SLOT = dt.timedelta(seconds=SLOT_S)
ONE_DAY = dt.timedelta(days=1)
HOURS = 24
DAYS_KEPT = 64

type Rows = tuple[tuple[int, ...], ...]
type Totals = tuple[int, ...]


@dataclass(frozen=True, slots=True)
class DayClock:
    """The 5-minute slots of a local day: 288, or 276/300 on DST change days."""

    day: dt.date
    start: dt.datetime  # UTC
    slots: int

    def slot_start(self, index: int) -> dt.datetime:
        """Return the UTC start of slot `index`."""
        return self.start + index * SLOT

    def visible(self, published: dt.datetime) -> int:
        """Return how many slots have ended by `published`."""
        done = int((published - self.start).total_seconds()) // SLOT_S
        return max(0, min(self.slots, done))


@lru_cache(maxsize=4096)
def day_clock(timezone: str, day: dt.date) -> DayClock:
    """Return the slots of `day` in `timezone`."""
    zone = ZoneInfo(timezone)
    start = dt.datetime.combine(day, dt.time(), zone).astimezone(dt.UTC)
    end = dt.datetime.combine(day + ONE_DAY, dt.time(), zone).astimezone(dt.UTC)
    return DayClock(day, start, int((end - start) / SLOT))


def local_day(timezone: str, at: dt.datetime) -> dt.date:
    """Return the local date of the instant `at`."""
    return at.astimezone(ZoneInfo(timezone)).date()


@lru_cache(maxsize=1024)
def slot_hours(timezone: str, day: dt.date) -> tuple[int, ...]:
    """Return the local wall hour in which each slot of `day` starts."""
    clock, zone = day_clock(timezone, day), ZoneInfo(timezone)
    return tuple(clock.slot_start(i).astimezone(zone).hour for i in range(clock.slots))


@lru_cache(maxsize=1024)
def slot_labels(timezone: str, day: dt.date) -> tuple[str, ...]:
    """Return each slot's `HH:MM` label: the local time it ends ("24:00" for the last)."""
    clock, zone = day_clock(timezone, day), ZoneInfo(timezone)
    labels = [
        clock.slot_start(i + 1).astimezone(zone).strftime("%H:%M")
        for i in range(clock.slots - 1)
    ]
    return (*labels, "24:00")


@lru_cache(maxsize=1024)
def hour_last_slots(timezone: str, day: dt.date) -> tuple[int, ...]:
    """Return the last slot of each local hour index 0..23 (-1: the hour is skipped)."""
    last = [-1] * HOURS
    for index, hour in enumerate(slot_hours(timezone, day)):
        last[hour] = index
    return tuple(last)


def add(first: Totals, second: Totals) -> Totals:
    """Return the row-wise sum of two totals."""
    return tuple(map(operator.add, first, second))


def next_month(day: dt.date) -> dt.date:
    """Return the first day of the month after `day`'s."""
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


class SlotDay(Protocol):
    """A computed day: Wh per row and slot."""

    @property
    def wh(self) -> Rows:
        """Return Wh per row, then per slot."""
        ...


class _Lru[K, V]:
    """A small least-recently-used cache."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K, make: Callable[[K], V]) -> V:
        try:
            self._items.move_to_end(key)
            return self._items[key]
        except KeyError:
            value = self._items[key] = make(key)
            if len(self._items) > self._size:
                self._items.popitem(last=False)
            return value


class Ledger[DayT: SlotDay](ABC):
    """Rows of Wh per slot, computed per local day; days before `create_date` are 0."""

    def __init__(self, timezone: str, create_date: dt.date, rows: int) -> None:
        """Keep `rows` rows for a system in `timezone` that exists from `create_date`."""
        self.timezone = timezone
        self.create_date = create_date
        self.rows = rows
        self.zeros: Totals = (0,) * rows
        self._days: _Lru[dt.date, DayT] = _Lru(DAYS_KEPT)
        self._hours: _Lru[dt.date, tuple[Totals, ...]] = _Lru(DAYS_KEPT)
        self._totals: dict[dt.date, Totals] = {}
        self._months: dict[dt.date, Totals] = {}

    @abstractmethod
    def compute(self, clock: DayClock) -> DayT:
        """Compute one day (only called for days from `create_date` on)."""

    def clock(self, day: dt.date) -> DayClock:
        """Return the slots of `day`."""
        return day_clock(self.timezone, day)

    def local_day(self, at: dt.datetime) -> dt.date:
        """Return the local date of the instant `at`."""
        return local_day(self.timezone, at)

    def day(self, day: dt.date) -> DayT:
        """Return the computed `day` (cached for the last few days asked)."""
        return self._days.get(day, lambda d: self.compute(self.clock(d)))

    def totals(self, day: dt.date) -> Totals:
        """Return the Wh of each row over the whole `day`."""
        if day < self.create_date:
            return self.zeros
        found = self._totals.get(day)
        if found is None:
            found = self._totals[day] = tuple(sum(row) for row in self.day(day).wh)
        return found

    def visible(self, day: dt.date, published: dt.datetime) -> Totals:
        """Return the Wh of each row over the slots of `day` ended by `published`."""
        clock = self.clock(day)
        shown = clock.visible(published)
        if shown == clock.slots:
            return self.totals(day)
        if shown == 0 or day < self.create_date:
            return self.zeros
        return tuple(sum(row[:shown]) for row in self.day(day).wh)

    def span(self, first: dt.date, last: dt.date, published: dt.datetime) -> Totals:
        """Return the Wh of each row over the days `first`..`last` as of `published`."""
        first = max(first, self.create_date)
        partial = self.local_day(published)
        last_full = min(last, partial - ONE_DAY)
        total = self.zeros
        day = first
        while day <= last_full:
            after = next_month(day)
            if day.day == 1 and after - ONE_DAY <= last_full:
                total = add(total, self._month(day))
                day = after
            else:
                total = add(total, self.totals(day))
                day += ONE_DAY
        if first <= partial <= last:
            total = add(total, self.visible(partial, published))
        return total

    def _month(self, first: dt.date) -> Totals:
        found = self._months.get(first)
        if found is None:
            total, day, end = self.zeros, first, next_month(first)
            while day < end:
                total = add(total, self.totals(day))
                day += ONE_DAY
            found = self._months[first] = total
        return found

    def hourly(self, day: dt.date, published: dt.datetime) -> list[Totals | None]:
        """Return the Wh of each row per local hour 0..23; None until the hour has closed.

        An hour holds the slots starting in it: on a 25-hour day the repeated
        hour holds two, on a 23-hour day the skipped hour is 0.
        """
        if day < self.create_date:
            return [self.zeros] * HOURS
        clock = self.clock(day)
        sums = self._hours.get(day, self._hour_sums)
        last = hour_last_slots(self.timezone, day)
        return [
            sums[hour]
            if last[hour] >= 0 and clock.slot_start(last[hour] + 1) <= published
            else None
            for hour in range(HOURS)
        ]

    def _hour_sums(self, day: dt.date) -> tuple[Totals, ...]:
        hours = slot_hours(self.timezone, day)
        sums = [[0] * self.rows for _ in range(HOURS)]
        for row_index, row in enumerate(self.day(day).wh):
            for index, wh in enumerate(row):
                if wh:
                    sums[hours[index]][row_index] += wh
        return tuple(tuple(hour) for hour in sums)

    def slot_rows(self, at: dt.datetime) -> tuple[int, ...]:
        """Return the Wh of each row in the slot starting at `at` (UTC, on a slot)."""
        day = self.local_day(at)
        if day < self.create_date:
            return self.zeros
        index = int((at - self.clock(day).start).total_seconds()) // SLOT_S
        return tuple(row[index] for row in self.day(day).wh)

    def between(self, start: dt.datetime, end: dt.datetime) -> Totals:
        """Return the Wh of each row over the whole slots within [`start`, `end`)."""
        start_s = math.ceil(start.timestamp() / SLOT_S) * SLOT_S
        first = dt.datetime.fromtimestamp(start_s, dt.UTC)
        total = self.zeros
        if first >= end:
            return total
        day = self.local_day(first)
        while (clock := self.clock(day)).start < end:
            begin = max(0, int((first - clock.start).total_seconds()) // SLOT_S)
            stop = min(clock.slots, int((end - clock.start).total_seconds()) // SLOT_S)
            if begin == 0 and stop == clock.slots:
                total = add(total, self.totals(day))
            elif stop > begin and day >= self.create_date:
                part = tuple(sum(row[begin:stop]) for row in self.day(day).wh)
                total = add(total, part)
            day += ONE_DAY
        return total


def pick(totals: Sequence[int], rows: range) -> int:
    """Return the sum of the `rows` of `totals`."""
    return sum(totals[rows.start : rows.stop])
