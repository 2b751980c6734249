"""Daylight weight: more weight where the sun is higher, and `advance` inverts `between`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from energy_api.schedule import QuotaPlanner, SolarWindow
from energy_api.schedule.weighting import DaylightWeight

LONDON = ZoneInfo("Europe/London")
WINDOW = SolarWindow(51.5, -0.12)
WEIGHT = DaylightWeight(WINDOW)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 6, day, hour, minute, tzinfo=LONDON)


def test_noon_weighs_more_than_dawn() -> None:
    noon = WEIGHT.between(at(10, 12), at(10, 13))
    dawn = WEIGHT.between(at(10, 5), at(10, 6))
    assert noon > 2 * dawn > 0
    assert WEIGHT.between(at(10, 1), at(10, 2)) == 0.0  # night


def test_between_adds_up_over_days() -> None:
    first = WEIGHT.between(at(10, 0), at(11, 0))
    second = WEIGHT.between(at(11, 0), at(12, 0))
    assert WEIGHT.between(at(10, 0), at(12, 0)) == pytest.approx(first + second)


@pytest.mark.parametrize("hours", [0.5, 3.0, 20.0, 40.0])
def test_advance_inverts_between(hours: float) -> None:
    start = at(10, 9)
    amount = hours * 3600
    end = WEIGHT.advance(start, amount)
    assert end is not None
    assert WEIGHT.between(start, end.astimezone(LONDON)) == pytest.approx(
        amount, rel=1e-6
    )


def test_polar_night_has_no_weight() -> None:
    arctic = DaylightWeight(SolarWindow(80.0, 0.0))
    december = datetime(2026, 12, 20, tzinfo=UTC)
    assert arctic.between(december, december + timedelta(days=2)) == 0.0
    assert arctic.advance(december, 1.0) is not None  # the sun comes back in spring


def test_weighted_planner_polls_closer_at_noon() -> None:
    """Polls come closer together around noon than in the morning."""
    planner = QuotaPlanner(WINDOW, LONDON, quota=600, reserve=0, weight=WEIGHT)
    now = datetime(2026, 6, 10, 4, 0, tzinfo=UTC)
    last = None
    polls = []
    for _ in range(30):
        due = planner.next_poll(now, spent=len(polls), committed=300, last_poll=last)
        assert due is not None
        polls.append(due)
        now = last = due
    gaps = {
        poll.astimezone(LONDON).hour: (nxt - poll).total_seconds()
        for poll, nxt in pairwise(polls)
        if poll.date() == polls[0].date()
    }
    morning = min(hour for hour in gaps if hour >= 6)
    assert gaps[13] < gaps[morning]
