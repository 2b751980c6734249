"""Quota planner: spends the month evenly, never over quota, in every calendar case."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from energy_api.schedule.quota import QuotaPlanner
from energy_api.schedule.solar import SolarWindow
from energy_api.schedule.usage import MonthlyUsage

LONDON = ZoneInfo("Europe/London")
DAILY = 3  # calls committed per day (a summary and two batch calls)


def committed(planner: QuotaPlanner, now: datetime) -> int:
    """Daily calls still to come this month, today's included."""
    return DAILY * planner.days_left(now)


@dataclass
class Run:
    """A month of polls as an integration would make them."""

    planner: QuotaPlanner
    usage: MonthlyUsage = field(default_factory=MonthlyUsage)
    polls: list[datetime] = field(default_factory=list)

    def step(self, now: datetime) -> datetime | None:
        last = self.polls[-1] if self.polls else None
        return self.planner.next_poll(
            now,
            spent=self.usage.spent_at(now),
            committed=committed(self.planner, now),
            manual_spent=self.usage.manual_spent_at(now),
            last_poll=last,
        )

    def poll_until(self, end: datetime, start: datetime) -> None:
        now, charged = start, start.astimezone(self.planner.timezone).date()
        while (due := self.step(now)) is not None and due < end:
            # The daily calls of each finished day are made after its window.
            while charged < due.astimezone(self.planner.timezone).date():
                self.usage.record(due, DAILY)
                charged += timedelta(days=1)
            self.polls.append(due)
            self.usage.record(due)
            now = due


def month_run(latitude: float, month: int, tz: ZoneInfo = UTC) -> Run:  # type: ignore[assignment]
    run = Run(QuotaPlanner(SolarWindow(latitude, 0), tz))
    start = datetime(2026, month, 1, tzinfo=tz)
    end = datetime(2026 + month // 12, month % 12 + 1, 1, tzinfo=tz)
    run.poll_until(end, start)
    return run


def assert_well_formed(run: Run) -> None:
    planner = run.planner
    for poll in run.polls:
        assert planner.window.contains(poll)
        assert poll.astimezone(UTC).minute % 15 == 1  # just after a publication
    gaps = [
        (b - a).total_seconds() for a, b in zip(run.polls, run.polls[1:], strict=False)
    ]
    assert min(gaps) >= 15 * 60


@pytest.mark.parametrize(
    ("latitude", "month"), [(51.5, 6), (51.5, 12), (0, 3), (65, 1)]
)
def test_month_spends_the_quota_evenly_and_never_over(
    latitude: float, month: int
) -> None:
    run = month_run(latitude, month)
    last = run.polls[-1]
    assert run.usage.spent_at(last) + committed(run.planner, last) <= 1000
    assert_well_formed(run)
    window = run.planner.window
    slots = sum(
        window.seconds_between(*span) // 900
        for span in window.spans(
            datetime(2026, month, 1, tzinfo=UTC), datetime(2026, month, 28, tzinfo=UTC)
        )
    )
    # Either every publication is fetched, or nearly all of the budget is used.
    assert len(run.polls) >= min(slots * 0.9, 1000 - 50 - DAILY * 31)
    # Evenly: each day's first poll is at the start of its window.
    for day in range(2, 28):
        first = min(p for p in run.polls if p.day == day)
        span = window.on(date(2026, month, day), UTC)
        assert span is not None
        assert first - span[0] < timedelta(minutes=15)


def test_polar_night_plans_nothing_until_the_sun_returns() -> None:
    planner = QuotaPlanner(SolarWindow(70, 0), UTC)
    due = planner.next_poll(datetime(2026, 12, 5, 12, tzinfo=UTC), spent=0, committed=0)
    assert due is not None
    assert due.date() > date(2027, 1, 15)
    assert planner.window.contains(due)
    assert planner.solar_seconds_left(datetime(2026, 12, 5, tzinfo=UTC)) == 0


def test_polar_day_polls_around_the_clock() -> None:
    run = month_run(70, 6)
    assert_well_formed(run)
    assert any(p.hour in (0, 1, 2, 23) for p in run.polls)
    last = run.polls[-1]
    assert run.usage.spent_at(last) + committed(run.planner, last) <= 1000


@pytest.mark.parametrize("day", [date(2026, 3, 29), date(2026, 10, 25)])
def test_dst_change_days(day: date) -> None:
    run = Run(QuotaPlanner(SolarWindow(51.5, -0.12), LONDON))
    start = datetime.combine(day, datetime.min.time(), LONDON)
    run.poll_until(start + timedelta(days=2), start)
    assert run.polls
    assert_well_formed(run)
    assert {p.date() for p in run.polls} == {day, day + timedelta(days=1)}
    for poll in run.polls:
        assert poll.tzinfo == LONDON
        assert run.planner.window.contains(poll)


def test_month_boundary_is_in_the_account_timezone() -> None:
    planner = QuotaPlanner(SolarWindow(51.5, 0), LONDON)
    # 23:30 UTC on 31 May is already June in London.
    now = datetime(2026, 5, 31, 23, 30, tzinfo=UTC)
    start, end = planner.month_span(now)
    assert start == datetime(2026, 6, 1, tzinfo=LONDON)
    assert end == datetime(2026, 7, 1, tzinfo=LONDON)
    assert planner.days_left(now) == 30
    assert planner.days_left(datetime(2026, 6, 30, 22, tzinfo=LONDON)) == 1
    # A month whose quota is spent resumes on the first morning of the next one.
    usage = MonthlyUsage()
    usage.record(datetime(2026, 5, 20, tzinfo=LONDON), 1000)
    may_end = datetime(2026, 5, 31, 12, tzinfo=LONDON)
    due = planner.next_poll(may_end, spent=usage.spent_at(may_end), committed=0)
    assert due is not None
    assert due.date() == date(2026, 6, 1)
    assert usage.spent_at(due) == 0


def test_exhausted_quota_waits_for_next_month() -> None:
    planner = QuotaPlanner(SolarWindow(45, 0), UTC)
    now = datetime(2026, 4, 10, 12, tzinfo=UTC)
    assert planner.polls_left(now, spent=990, committed=10) == 0
    due = planner.next_poll(now, spent=990, committed=10, last_poll=now)
    assert due is not None
    assert due >= datetime(2026, 5, 1, tzinfo=UTC)
    assert due - datetime(2026, 5, 1, tzinfo=UTC) < timedelta(hours=12)


def test_restart_mid_month_costs_nothing_and_changes_nothing() -> None:
    end = datetime(2026, 7, 1, tzinfo=UTC)
    straight = month_run(51.5, 6)
    restarted = Run(QuotaPlanner(SolarWindow(51.5, 0), UTC))
    restarted.poll_until(
        datetime(2026, 6, 12, 13, 7, tzinfo=UTC), datetime(2026, 6, 1, tzinfo=UTC)
    )
    # Restart: a new planner and counter, rebuilt from what was persisted.
    saved, last = restarted.usage.as_dict(), restarted.polls[-1]
    after = Run(
        QuotaPlanner(SolarWindow(51.5, 0), UTC), MonthlyUsage.from_dict(saved), [last]
    )
    after.poll_until(end, datetime(2026, 6, 12, 13, 7, tzinfo=UTC))
    assert restarted.polls + after.polls[1:] == straight.polls


def test_manual_press_uses_the_reserve_and_polls_replan() -> None:
    planner = QuotaPlanner(SolarWindow(51.5, 0), UTC)
    now = datetime(2026, 6, 3, 12, tzinfo=UTC)
    allowance = planner.manual_allowance(now, spent=100, committed=84, manual_spent=0)
    assert 0 < allowance <= planner.reserve
    last = datetime(2026, 6, 3, 11, 46, tzinfo=UTC)
    before = planner.next_poll(now, spent=100, committed=84, last_poll=last)
    # Spending the reserve does not starve production polls.
    after = planner.next_poll(
        now, spent=100 + allowance, committed=84, manual_spent=allowance, last_poll=last
    )
    assert before == after
    # A press beyond the reserve comes out of the polls: they space out.
    later = planner.next_poll(
        now, spent=100 + 400, committed=84, manual_spent=planner.reserve, last_poll=last
    )
    assert before is not None
    assert later is not None
    assert later > before
    assert planner.manual_allowance(now, spent=990, committed=10, manual_spent=0) == 0
    assert planner.manual_allowance(now, spent=0, committed=0, manual_spent=50) == 0


def test_reserve_is_released_as_the_month_runs_out() -> None:
    planner = QuotaPlanner(SolarWindow(51.5, 0), UTC)
    start = planner.reserve_held(datetime(2026, 6, 1, tzinfo=UTC), 0)
    middle = planner.reserve_held(datetime(2026, 6, 16, tzinfo=UTC), 0)
    last = planner.reserve_held(datetime(2026, 6, 30, 21, tzinfo=UTC), 0)
    assert start == 50
    assert 20 < middle < 30
    assert last == 0


def test_clock_jumps() -> None:
    planner = QuotaPlanner(SolarWindow(51.5, 0), UTC)
    last = datetime(2026, 6, 10, 12, 1, tzinfo=UTC)
    # Forward by three days: plan from the new now, never in the past.
    ahead = datetime(2026, 6, 13, 12, 5, tzinfo=UTC)
    due = planner.next_poll(ahead, spent=300, committed=60, last_poll=last)
    assert due is not None
    assert ahead <= due < ahead + timedelta(minutes=15)
    # Back by an hour: still not two polls in one publication period.
    back = datetime(2026, 6, 10, 11, 0, tzinfo=UTC)
    due = planner.next_poll(back, spent=300, committed=60, last_poll=last)
    assert due is not None
    assert due >= last + timedelta(minutes=15)
    # Back by a year: the last poll is forgotten rather than waited for.
    far_back = datetime(2025, 6, 10, 11, 0, tzinfo=UTC)
    due = planner.next_poll(far_back, spent=0, committed=0, last_poll=last)
    assert due is not None
    assert due < datetime(2025, 6, 10, 11, 20, tzinfo=UTC)


def test_no_window_ever_returns_none() -> None:
    class Dark(SolarWindow):
        def next_span(self, moment: datetime) -> None:
            return None

    planner = QuotaPlanner(Dark(0, 0), UTC)
    assert (
        planner.next_poll(datetime(2026, 1, 1, tzinfo=UTC), spent=0, committed=0)
        is None
    )
