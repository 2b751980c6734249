"""The effective state: schedule in London wall time, overrides in UTC, override wins."""

from datetime import UTC, datetime, time, timedelta, timezone
from typing import Any

from hypothesis import given, settings, strategies as st
import pytest

from energy_api.powervault import (
    BatteryState,
    EffectiveState,
    Override,
    Schedule,
    ScheduleSlot,
    cancelling_override,
    effective_state,
    new_override,
    parse_state,
)
from energy_api.powervault.const import DAYS

FUZZ = settings(max_examples=60, deadline=None, database=None, derandomize=True)
pytestmark = pytest.mark.filterwarnings("ignore:It looks like `register_random`")

GAP = EffectiveState(None, "schedule_gap", None)
JUNK: Any = "a"
NORMAL, CHARGE, DISCHARGE, DORMANT = (
    BatteryState.NORMAL,
    BatteryState.FORCE_CHARGE,
    BatteryState.FORCE_DISCHARGE,
    BatteryState.DORMANT,
)


def utc(
    year: int,
    month: int,
    day: int,
    hour: int = 0,
    minute: int = 0,
    second: int = 0,
    micro: int = 0,
) -> datetime:
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)


def slot(start: str, end: str, state: BatteryState | str) -> ScheduleSlot:
    def clock(value: str) -> time:
        return time.max if value == "24:00" else time.fromisoformat(value)

    return ScheduleSlot(clock(start), clock(end), state)


def every_day(*slots: ScheduleSlot) -> Schedule:
    return Schedule(dict.fromkeys(DAYS, tuple(slots)))


DAY = every_day(
    slot("00:00:00", "06:59:59", CHARGE),
    slot("07:00", "15:59:59", NORMAL),
    slot("16:00", "19:00", DISCHARGE),
)


def test_schedule_in_london_summer_time() -> None:
    # 06:30 UTC is 07:30 BST: the normal slot, until 15:59:59 BST.
    found = effective_state(utc(2025, 6, 2, 6, 30), DAY, [])
    assert found == EffectiveState(
        NORMAL, "schedule", utc(2025, 6, 2, 14, 59, 59), "normal"
    )
    # 05:59:59 UTC is 06:59:59 BST: still charging (end inclusive).
    assert effective_state(utc(2025, 6, 2, 5, 59, 59, 900000), DAY, []).state is CHARGE
    # Start inclusive.
    assert effective_state(utc(2025, 6, 2, 6, 0, 0), DAY, []).state is NORMAL


def test_hh_mm_end_is_inclusive_to_the_second() -> None:
    # 19:00 BST = 18:00 UTC: discharge until 19:00:00 inclusive.
    assert (
        effective_state(utc(2025, 6, 2, 18, 0, 0, 999999), DAY, []).state is DISCHARGE
    )
    assert effective_state(utc(2025, 6, 2, 18, 0, 1), DAY, []) == GAP


def test_schedule_in_winter_is_utc_wall_time() -> None:
    found = effective_state(utc(2025, 12, 1, 6, 30), DAY, [])
    assert found == EffectiveState(
        CHARGE, "schedule", utc(2025, 12, 1, 6, 59, 59), "force-charge"
    )


def test_schedule_gap_never_raises() -> None:
    assert effective_state(utc(2025, 6, 2, 21, 0), DAY, []) == GAP
    assert effective_state(utc(2025, 6, 2, 21, 0), None, []) == GAP
    assert effective_state(utc(2025, 6, 2, 21, 0), Schedule({}), []) == GAP


def test_override_wins_inclusive_both_ends() -> None:
    override = Override(utc(2025, 6, 2, 10), utc(2025, 6, 2, 12), DORMANT)
    for now in (utc(2025, 6, 2, 10), utc(2025, 6, 2, 11), utc(2025, 6, 2, 12)):
        assert effective_state(now, DAY, [override]) == EffectiveState(
            DORMANT, "override", utc(2025, 6, 2, 12), "dormant"
        )
    assert (
        effective_state(utc(2025, 6, 2, 12, 0, 1), DAY, [override]).source == "schedule"
    )
    assert (
        effective_state(utc(2025, 6, 2, 9, 59, 59), DAY, [override]).source
        == "schedule"
    )
    # The first override containing now wins.
    later = Override(utc(2025, 6, 2, 9), utc(2025, 6, 2, 13), CHARGE)
    assert effective_state(utc(2025, 6, 2, 11), DAY, [later, override]).state is CHARGE
    # An override wins over a schedule gap too.
    assert effective_state(utc(2025, 6, 2, 11), None, [override]).state is DORMANT


def test_empty_override_never_applies() -> None:
    now = utc(2025, 6, 2, 11)
    cancel = cancelling_override(now)
    assert cancel == Override(now, now, NORMAL)
    assert effective_state(now, DAY, [cancel]).source == "schedule"
    backwards = Override(utc(2025, 6, 2, 12), utc(2025, 6, 2, 10), DORMANT)
    assert effective_state(now, DAY, [backwards]).source == "schedule"


def test_naive_times_are_utc() -> None:
    override = Override(datetime(2025, 6, 2, 10), datetime(2025, 6, 2, 12), "dormant")
    assert effective_state(datetime(2025, 6, 2, 11), None, [override]).state is DORMANT
    other_zone = datetime(2025, 6, 2, 13, tzinfo=timezone(timedelta(hours=2)))
    assert effective_state(other_zone, None, [override]).state is DORMANT


def test_unknown_state_strings() -> None:
    schedule = every_day(slot("00:00", "24:00", "turbo"))
    found = effective_state(utc(2025, 6, 2, 11), schedule, [])
    assert found == EffectiveState(None, "schedule", utc(2025, 6, 2, 23), "turbo")
    override = Override(utc(2025, 6, 2, 10), utc(2025, 6, 2, 12), "Warp")
    found = effective_state(utc(2025, 6, 2, 11), schedule, [override])
    assert found == EffectiveState(None, "override", utc(2025, 6, 2, 12), "Warp")
    # A plain string that names a state is read as the state.
    plain = every_day(slot("00:00", "24:00", "dormant"))
    assert effective_state(utc(2025, 6, 2, 11), plain, []).state is DORMANT


def test_day_is_the_london_day_around_midnight() -> None:
    days: dict[str, tuple[ScheduleSlot, ...]] = dict.fromkeys(DAYS, ())
    days["monday"] = (slot("23:00", "23:59:59", CHARGE),)
    days["tuesday"] = (slot("00:00", "00:59:59", DISCHARGE),)
    schedule = Schedule(days)
    # Monday 22:59:59.9 UTC is 23:59:59 BST Monday.
    assert (
        effective_state(utc(2025, 6, 2, 22, 59, 59, 900000), schedule, []).state
        is CHARGE
    )
    # Monday 23:00 UTC is already Tuesday 00:00 in London.
    found = effective_state(utc(2025, 6, 2, 23, 0), schedule, [])
    assert found == EffectiveState(
        DISCHARGE, "schedule", utc(2025, 6, 2, 23, 59, 59), "force-discharge"
    )


def test_end_of_day_and_overnight_slots() -> None:
    schedule = every_day(
        slot("20:00", "24:00", CHARGE), slot("22:00", "06:00", DORMANT)
    )
    # 20:30 GMT: until the next midnight.
    assert effective_state(utc(2025, 12, 1, 20, 30), schedule, []).until == utc(
        2025, 12, 2
    )
    overnight = every_day(slot("22:00", "06:00", DORMANT))
    assert effective_state(utc(2025, 12, 1, 23), overnight, []) == EffectiveState(
        DORMANT, "schedule", utc(2025, 12, 2, 6), "dormant"
    )
    assert effective_state(utc(2025, 12, 2, 5), overnight, []).until == utc(
        2025, 12, 2, 6
    )
    assert effective_state(utc(2025, 12, 2, 12), overnight, []) == GAP


def test_spring_forward() -> None:
    # 2025-03-30: at 01:00 UTC London jumps from 01:00 GMT to 02:00 BST.
    schedule = every_day(
        slot("00:00", "00:59:59", CHARGE),
        slot("01:00", "01:59:59", DORMANT),
        slot("02:00", "23:59:59", NORMAL),
    )
    found = effective_state(utc(2025, 3, 30, 0, 30), schedule, [])
    assert found == EffectiveState(
        CHARGE, "schedule", utc(2025, 3, 30, 0, 59, 59), "force-charge"
    )
    found = effective_state(utc(2025, 3, 30, 1, 0), schedule, [])
    assert found == EffectiveState(
        NORMAL, "schedule", utc(2025, 3, 30, 22, 59, 59), "normal"
    )
    # The skipped hour's slot never applies.
    for minute in range(0, 120, 5):
        now = utc(2025, 3, 30, 0) + timedelta(minutes=minute)
        assert effective_state(now, schedule, []).state is not DORMANT


def test_fall_back_repeats_the_hour() -> None:
    # 2025-10-26: at 01:00 UTC London goes back from 02:00 BST to 01:00 GMT.
    schedule = every_day(
        slot("00:00", "00:59:59", CHARGE),
        slot("01:00", "01:59:59", DORMANT),
        slot("02:00", "23:59:59", NORMAL),
    )
    first = effective_state(utc(2025, 10, 26, 0, 30), schedule, [])  # 01:30 BST
    assert first == EffectiveState(
        DORMANT, "schedule", utc(2025, 10, 26, 0, 59, 59), "dormant"
    )
    second = effective_state(utc(2025, 10, 26, 1, 30), schedule, [])  # 01:30 GMT
    assert second == EffectiveState(
        DORMANT, "schedule", utc(2025, 10, 26, 1, 59, 59), "dormant"
    )
    assert effective_state(utc(2025, 10, 26, 2, 0), schedule, []).state is NORMAL
    # 23:30 UTC Saturday is 00:30 BST Sunday.
    assert effective_state(utc(2025, 10, 25, 23, 30), schedule, []).state is CHARGE


@pytest.mark.parametrize(
    ("now", "schedule", "overrides"),
    [
        ("2025-06-02", DAY, []),
        (None, DAY, []),
        (utc(2025, 6, 2, 11), "garbage", None),
        (utc(2025, 6, 2, 11), Schedule(None), [None, 5, "x"]),  # type: ignore[arg-type]
        (utc(2025, 6, 2, 11), Schedule({"monday": "x"}), 5),  # type: ignore[dict-item]
        (
            utc(2025, 6, 2, 11),
            Schedule({"monday": (JUNK, ScheduleSlot(JUNK, JUNK, "normal"))}),
            [],
        ),
        (utc(2025, 6, 2, 11), None, [Override("a", "b", "normal")]),  # type: ignore[arg-type]
        (
            datetime.max.replace(tzinfo=UTC),
            every_day(slot("00:00", "24:00", NORMAL)),
            [],
        ),
        (
            datetime.min.replace(tzinfo=UTC),
            every_day(slot("00:00", "24:00", NORMAL)),
            [],
        ),
        (datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5))), DAY, []),
        (utc(2025, 6, 2, 11), every_day(ScheduleSlot(time(0), time(23), None)), []),  # type: ignore[arg-type]
    ],
)
def test_garbage_never_raises(now: Any, schedule: Any, overrides: Any) -> None:
    found = effective_state(now, schedule, overrides)
    assert isinstance(found, EffectiveState)


def test_aware_slot_times() -> None:
    aware = ScheduleSlot(time(0, tzinfo=UTC), time(23, 59, 59, tzinfo=UTC), NORMAL)
    assert effective_state(utc(2025, 6, 2, 11), every_day(aware), []).state is NORMAL


TIMES = st.builds(
    time, st.integers(0, 23), st.integers(0, 59), st.integers(0, 59)
) | st.just(time.max)
STATES = st.sampled_from(list(BatteryState)) | st.text(max_size=8)
SLOTS = st.builds(ScheduleSlot, TIMES, TIMES, STATES)
ZONES = st.sampled_from(
    [UTC, timezone(timedelta(hours=-11)), timezone(timedelta(hours=13, minutes=45))]
)
MOMENTS = st.datetimes(timezones=ZONES) | st.datetimes()


@FUZZ
@given(
    now=MOMENTS,
    days=st.dictionaries(
        st.sampled_from(DAYS), st.lists(SLOTS, max_size=4).map(tuple), max_size=7
    ),
    overrides=st.lists(st.builds(Override, MOMENTS, MOMENTS, STATES), max_size=3),
)
def test_never_raises(
    now: datetime, days: dict[str, tuple[ScheduleSlot, ...]], overrides: list[Override]
) -> None:
    found = effective_state(now, Schedule(days), overrides)
    if found.source == "schedule_gap":
        assert found == GAP
    if found.until is not None:
        assert found.until.tzinfo is UTC
        assert found.until >= now.replace(
            tzinfo=now.tzinfo or UTC, microsecond=0
        ) - timedelta(seconds=0)
    if found.state is not None:
        assert found.raw == found.state.value


def test_parse_state() -> None:
    assert parse_state("force-charge") is CHARGE
    assert parse_state(" Dormant ") is DORMANT
    assert parse_state(NORMAL) is NORMAL
    for bad in ("turbo", "", None, 5):
        with pytest.raises(ValueError, match="unknown battery state"):
            parse_state(bad)  # type: ignore[arg-type]


def test_new_override() -> None:
    now = utc(2025, 6, 2, 11, 0, 0) + timedelta(microseconds=700)
    assert new_override("force-charge", now) == Override(
        utc(2025, 6, 2, 11), utc(2025, 6, 3, 11), CHARGE
    )
    assert new_override(DORMANT, now, duration=timedelta(minutes=90)).end == utc(
        2025, 6, 2, 12, 30
    )
    until = datetime(2025, 6, 2, 14, tzinfo=timezone(timedelta(hours=1)))
    assert new_override(DORMANT, now, until=until).end == utc(2025, 6, 2, 13)
    assert new_override(DORMANT, datetime(2025, 6, 2, 11)).start == utc(2025, 6, 2, 11)


@pytest.mark.parametrize(
    ("state", "now", "kwargs", "match"),
    [
        ("turbo", utc(2025, 6, 2), {}, "unknown battery state"),
        ("normal", "now", {}, "now must be a datetime"),
        (
            "normal",
            utc(2025, 6, 2),
            {"until": utc(2025, 6, 3), "duration": timedelta(hours=1)},
            "not both",
        ),
        ("normal", utc(2025, 6, 2), {"duration": timedelta()}, "positive"),
        ("normal", utc(2025, 6, 2), {"until": datetime(2025, 6, 3)}, "aware"),
        ("normal", utc(2025, 6, 2), {"until": utc(2025, 6, 1)}, "after now"),
        (
            "normal",
            utc(2025, 6, 2),
            {"until": utc(2025, 6, 2, 0, 0, 0) + timedelta(microseconds=5)},
            "after now",
        ),
    ],
)
def test_new_override_rejects(
    state: Any, now: Any, kwargs: dict[str, Any], match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        new_override(state, now, **kwargs)
