"""Which calls a system's routine makes, and when: the quota planner with our daily calls.

A production poll reads every ECU's 5-minute data (one call per ECU). The first poll
of a day also reads the summary (month, year, lifetime) and completes yesterday's
hourly series; the first poll after solar noon adds inverter detail. Those daily calls
are committed for every day left in the month, so the planner spreads only what
remains over the solar time left.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
import math
from zoneinfo import ZoneInfo

from .const import DETAIL_SHARE, MAX_DAYS_TO_COMPLETE, PUBLISH_DELAY, PUBLISH_EVERY
from .state import SystemState
from .vendor.energy_api.schedule.quota import QuotaPlanner
from .vendor.energy_api.schedule.solar import SolarWindow, local_midnight
from .vendor.energy_api.schedule.weighting import DaylightWeight
from .vendor.energy_api.timewarp import TimeWarp

# A planned poll is still due this long after its time (timers fire late).
DUE_SLACK = timedelta(seconds=30)


@dataclass(frozen=True, slots=True)
class PlanSettings:
    """The user's options that shape the plan."""

    window: SolarWindow
    timezone: ZoneInfo
    quota: int
    reserve: int
    fixed_interval: timedelta | None = None
    inverter_detail: bool = True
    warp: TimeWarp | None = None


class CallPlan:
    """Answers what is due now and when the next refresh should run."""

    def __init__(self, settings: PlanSettings, state: SystemState) -> None:
        """Plan for `state`, which the coordinator keeps up to date."""
        self.settings = settings
        self.state = state
        self.planner = QuotaPlanner(
            settings.window,
            settings.timezone,
            quota=settings.quota,
            reserve=settings.reserve,
            publish_every=PUBLISH_EVERY,
            publish_delay=PUBLISH_DELAY,
            weight=DaylightWeight(settings.window),
        )

    # Time: the system's, which scripts/develop may run fast (see `TimeWarp`)

    def warped(self, real: datetime) -> datetime:
        """Return the system's time at the real time `real`."""
        warp = self.settings.warp
        return real if warp is None else warp.warped(real)

    def real(self, moment: datetime) -> datetime:
        """Return the real time at which the system's clock shows `moment`."""
        warp = self.settings.warp
        return moment if warp is None else warp.real(moment)

    # Costs

    @property
    def ecu_count(self) -> int:
        """Return the ECUs a poll reads (at least one, before the list is known)."""
        return max(1, len(self.state.ecus))

    @property
    def storage_count(self) -> int:
        """Return the batteries, whose state each poll also reads."""
        return sum(ecu.has_storage for ecu in self.state.ecus)

    @property
    def meter_count(self) -> int:
        """Return the meters, whose totals are read once a day."""
        return sum(ecu.has_meter for ecu in self.state.ecus)

    @property
    def poll_cost(self) -> int:
        """Return the calls of one production poll: each ECU's data, each battery's state."""
        return self.ecu_count + self.storage_count

    @property
    def inverter_count(self) -> int:
        """Return the inverters of the system."""
        return sum(len(ecu.inverters) for ecu in self.state.ecus)

    def detail_count(self, day: date) -> int:
        """Return how many inverters get their own detail call on `day`.

        All of them while that fits in the detail share of the quota, else a
        rotation of as many as the share pays for each day.
        """
        if not self.settings.inverter_detail:
            return 0
        month_days = calendar.monthrange(day.year, day.month)[1]
        share = self.settings.quota * DETAIL_SHARE
        if self.inverter_count * month_days <= share:
            return self.inverter_count
        return math.floor(share / month_days)

    def detail_cost(self, day: date) -> int:
        """Return the calls of the afternoon's once-a-day reads.

        Meter and battery totals, and with per-inverter detail batch power and
        energy per ECU, then the inverters of the day.
        """
        totals = self.meter_count + self.storage_count
        if not self.settings.inverter_detail:
            return totals
        return totals + self.batch_calls(day) + self.detail_count(day)

    def batch_calls(self, day: date) -> int:
        """Return the batch calls of `day`'s detail: energy per ECU, and power unless every inverter is read."""
        every = self.detail_count(day) >= self.inverter_count
        return self.ecu_count * (1 if every else 2)

    def daily_cost(self, day: date) -> int:
        """Return the once-a-day calls: summary, yesterday's hours, detail."""
        return 2 + self.detail_cost(day)

    def committed(self, now: datetime) -> int:
        """Return the once-a-day calls still owed this month, today's included."""
        today = self.local_day(now)
        routine = self.state.routine
        owed = 0
        if routine.summary_day != today:
            owed += 2
        if routine.detail_day != today:
            owed += self.detail_cost(today)
        _, month_end = self.planner.month_span(now)
        later = (month_end.astimezone(self.settings.timezone).date() - today).days - 1
        return owed + max(0, later) * self.daily_cost(today)

    # Time

    def local_day(self, now: datetime) -> date:
        """Return the system's local date at `now`."""
        return now.astimezone(self.settings.timezone).date()

    def next_midnight(self, now: datetime) -> datetime:
        """Return the next local midnight, in UTC."""
        return local_midnight(
            self.local_day(now) + timedelta(days=1), self.settings.timezone
        )

    def solar_noon(self, day: date) -> datetime | None:
        """Return the middle of `day`'s window, None in polar night."""
        span = self.settings.window.on(day, self.settings.timezone)
        return None if span is None else span[0] + (span[1] - span[0]) / 2

    def in_window(self, now: datetime) -> bool:
        """Return whether `now` lies in the solar window."""
        return self.settings.window.contains(now.astimezone(self.settings.timezone))

    # Decisions

    def next_poll(self, now: datetime) -> datetime | None:
        """Return when the next production poll is due (it may be now or past)."""
        routine = self.state.routine
        if routine.blocked_until is not None and now < routine.blocked_until:
            return self._first_after(routine.blocked_until)
        spent = routine.usage.spent_at(now.astimezone(self.settings.timezone))
        if self.settings.fixed_interval is not None:
            return self._next_fixed(now, spent)
        committed = self.committed(now)
        # A poll costs more than one call with several ECUs or a battery: commit the extra share.
        rest = max(0, self.settings.quota - spent - committed)
        committed += rest - rest // self.poll_cost
        due = self.planner.next_poll(
            now,
            spent=spent,
            committed=committed,
            manual_spent=routine.usage.manual_spent_at(
                now.astimezone(self.settings.timezone)
            ),
            last_poll=routine.last_poll,
        )
        return None if due is None else due.astimezone(UTC)

    def _next_fixed(self, now: datetime, spent: int) -> datetime | None:
        """Every `fixed_interval` inside the window, never past the quota."""
        interval = self.settings.fixed_interval
        assert interval is not None
        last = self.state.routine.last_poll
        target = now if last is None else max(now, last + interval)
        if spent + self.poll_cost + self.committed(now) > self.settings.quota:
            target = self.planner.month_span(now)[1]
        return self._first_after(target)

    def _first_after(self, moment: datetime) -> datetime | None:
        """Return `moment`, or the start of the next window if it lies outside one."""
        local = moment.astimezone(self.settings.timezone)
        if self.settings.window.contains(local):
            return moment.astimezone(UTC)
        span = self.settings.window.next_span(local)
        return None if span is None else span[0]

    def poll_due(self, now: datetime) -> bool:
        """Return whether a production poll should run now.

        The planner is asked as of a moment ago: a timer that fires a little after
        the slot it was set for must still find that slot due, not the next one.
        """
        if not self.in_window(now):
            return False
        due = self.next_poll(now - DUE_SLACK)
        return due is not None and due <= now

    def detail_due(self, now: datetime) -> bool:
        """Return whether today's afternoon reads are owed (after solar noon)."""
        if self.detail_cost(self.local_day(now)) == 0 or not self.state.ecus:
            return False
        today = self.local_day(now)
        noon = self.solar_noon(today)
        return (
            self.state.routine.detail_day != today and noon is not None and now >= noon
        )

    def days_to_complete(self, now: datetime) -> list[date]:
        """Return the past days whose hourly series should be read, oldest first."""
        yesterday = self.local_day(now) - timedelta(days=1)
        done = self.state.routine.completed_day
        first = (
            yesterday
            if done is None
            else max(
                done + timedelta(days=1),
                yesterday - timedelta(days=MAX_DAYS_TO_COMPLETE - 1),
            )
        )
        days = []
        while first <= yesterday:
            days.append(first)
            first += timedelta(days=1)
        return days

    def manual_allowance(self, now: datetime) -> int:
        """Return the calls a button may spend now (the reserve still held back)."""
        routine = self.state.routine
        local = now.astimezone(self.settings.timezone)
        return self.planner.manual_allowance(
            now,
            routine.usage.spent_at(local),
            self.committed(now),
            routine.usage.manual_spent_at(local),
        )

    def fixed_month_estimate(self, now: datetime) -> int:
        """Return the calls a fixed interval would make in the longest-day month of the year."""
        interval = self.settings.fixed_interval
        if interval is None:
            return 0
        year = self.local_day(now).year
        worst = 0
        for month in range(1, 13):
            first = date(year, month, 1)
            days = calendar.monthrange(year, month)[1]
            seconds = self.settings.window.seconds_between(
                local_midnight(first, self.settings.timezone).astimezone(
                    self.settings.timezone
                ),
                local_midnight(first + timedelta(days=days), self.settings.timezone),
            )
            polls = math.ceil(seconds / interval.total_seconds()) + days
            worst = max(worst, polls * self.poll_cost + days * self.daily_cost(first))
        return worst

    def next_refresh(
        self, now: datetime, last_refresh: datetime | None
    ) -> datetime | None:
        """Return the next refresh (real time): a poll, the window's end (power to 0) or midnight."""
        return self.real(self._next_event(self.warped(now)))

    def _next_event(self, now: datetime) -> datetime:
        """Return the next poll, window end or midnight after `now` (system time)."""
        moments = [self.next_midnight(now)]
        if (poll := self.next_poll(now)) is not None:
            moments.append(max(poll, now))
        span = self.settings.window.next_span(now.astimezone(self.settings.timezone))
        if span is not None and span[1] > now:
            moments.append(span[1])
        return min(moments)
