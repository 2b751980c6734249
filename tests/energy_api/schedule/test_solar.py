"""Solar window: DST days, polar day and night, offsets, spans."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from energy_api.schedule.solar import SolarWindow, local_midnight

LONDON = ZoneInfo("Europe/London")
OSLO = ZoneInfo("Europe/Oslo")


def hours(span: tuple[datetime, datetime] | None) -> float:
    assert span is not None
    return (span[1] - span[0]).total_seconds() / 3600


@pytest.mark.parametrize("day", [date(2026, 3, 29), date(2026, 10, 25)])
def test_dst_change_days_have_a_sane_window(day: date) -> None:
    window = SolarWindow(51.5, -0.12)
    span = window.on(day, LONDON)
    before = window.on(day - timedelta(days=1), LONDON)
    assert span is not None
    assert before is not None
    rise, set_ = span[0].astimezone(LONDON), span[1].astimezone(LONDON)
    earlier = before[0].astimezone(LONDON)
    assert rise.date() == day == set_.date()
    # Day length changes by minutes, not by the hour the clocks moved.
    assert abs(hours(span) - hours(before)) < 0.2
    # Local clock times jump by about an hour across the change.
    shift = rise.hour * 60 + rise.minute - (earlier.hour * 60 + earlier.minute)
    assert 50 <= abs(shift) <= 70


def test_local_midnight_on_dst_days() -> None:
    spring = local_midnight(date(2026, 3, 29), LONDON)
    autumn = local_midnight(date(2026, 10, 25), LONDON)
    assert local_midnight(date(2026, 3, 30), LONDON) - spring == timedelta(hours=23)
    assert local_midnight(date(2026, 10, 26), LONDON) - autumn == timedelta(hours=25)


@pytest.mark.parametrize(
    ("latitude", "day", "expected"),
    [
        (70.0, date(2026, 6, 21), 24.0),
        (70.0, date(2026, 12, 21), None),
        (-70.0, date(2026, 6, 21), None),
        (-70.0, date(2026, 12, 21), 24.0),
    ],
)
def test_polar_day_and_night(
    latitude: float, day: date, expected: float | None
) -> None:
    span = SolarWindow(latitude, 0).on(day, UTC)
    if expected is None:
        assert span is None
    else:
        assert hours(span) == expected


def test_polar_transition_days_are_continuous() -> None:
    """Around the end of polar night days grow from nothing, never jump to 24 h."""
    window = SolarWindow(70, 0)
    lengths = [window.on(date(2026, 1, 1) + timedelta(days=i), UTC) for i in range(60)]
    first_light = next(i for i, span in enumerate(lengths) if span is not None)
    assert all(span is None for span in lengths[:first_light])
    assert 0 < hours(lengths[first_light]) < 6
    assert all(hours(span) < 12 for span in lengths[first_light:])


def test_offsets_widen_the_window_and_stay_in_the_day() -> None:
    plain = SolarWindow(51.5, 0)
    wide = SolarWindow(51.5, 0, timedelta(minutes=45), timedelta(minutes=30))
    day = date(2026, 4, 10)
    assert hours(wide.on(day, UTC)) == pytest.approx(hours(plain.on(day, UTC)) + 1.25)
    # Near-polar summer: offsets are clipped to the local day.
    span = SolarWindow(66, 0, timedelta(hours=3), timedelta(hours=3)).on(
        date(2026, 6, 10), UTC
    )
    assert span == (
        local_midnight(date(2026, 6, 10), UTC),
        local_midnight(date(2026, 6, 11), UTC),
    )


def test_sunset_after_local_midnight_keeps_the_longer_part() -> None:
    """Far from its timezone's meridian the sun can set after local midnight."""
    span = SolarWindow(66.5, -150).on(date(2026, 6, 1), OSLO)
    assert span is not None
    assert span[1] == local_midnight(date(2026, 6, 2), OSLO)
    assert span[0].astimezone(OSLO).hour >= 10


def test_spans_contains_and_seconds_between() -> None:
    window = SolarWindow(51.5, 0)
    start = datetime(2026, 1, 1, 12, tzinfo=UTC)
    end = datetime(2026, 1, 4, 12, tzinfo=UTC)
    spans = list(window.spans(start, end))
    assert len(spans) == 4
    assert spans[0][0] == start
    assert spans[-1][1] == end
    total = sum((hi - lo).total_seconds() for lo, hi in spans)
    assert window.seconds_between(start, end) == pytest.approx(total)
    assert window.seconds_between(end, start) == 0
    assert window.contains(start)
    assert not window.contains(datetime(2026, 1, 1, 23, tzinfo=UTC))
    same_day = window.seconds_between(start, start + timedelta(hours=1))
    assert same_day == 3600


def test_next_span_in_polar_night_and_forever_night() -> None:
    window = SolarWindow(70, 0)
    span = window.next_span(datetime(2026, 12, 1, tzinfo=UTC))
    assert span is not None
    assert date(2027, 1, 15) < span[0].date() < date(2027, 1, 31)
    # Inside the window: the window itself, unclipped.
    noon = datetime(2026, 4, 1, 12, tzinfo=UTC)
    inside = window.next_span(noon)
    assert inside is not None
    assert inside[0] < noon < inside[1]
    # A place where the sun never rises within the search horizon does not exist on
    # Earth; the pole in polar night for half a year still finds the next sunrise.
    assert SolarWindow(89.9, 0).next_span(datetime(2026, 10, 1, tzinfo=UTC)) is not None
