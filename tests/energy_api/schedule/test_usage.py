"""Monthly call counter: month rollover, clock jumps, storage round trip."""

from datetime import UTC, datetime

from energy_api.schedule.usage import MonthlyUsage, month_key


def test_counts_and_resets_at_the_month_in_its_timezone() -> None:
    usage = MonthlyUsage()
    usage.record(datetime(2026, 5, 31, 22, tzinfo=UTC), 3)
    usage.record(datetime(2026, 5, 31, 23, tzinfo=UTC), 2, manual=True)
    assert usage.spent_at(datetime(2026, 5, 31, 23, 30, tzinfo=UTC)) == 5
    assert usage.manual_spent_at(datetime(2026, 5, 31, 23, 30, tzinfo=UTC)) == 2
    assert usage.spent_at(datetime(2026, 6, 1, tzinfo=UTC)) == 0
    assert usage.manual_spent_at(datetime(2026, 6, 1, tzinfo=UTC)) == 0
    assert usage.month == "2026-06"


def test_clock_jump_back_never_frees_calls() -> None:
    usage = MonthlyUsage()
    usage.record(datetime(2026, 6, 1, 8, tzinfo=UTC), 7)
    assert usage.spent_at(datetime(2026, 5, 20, tzinfo=UTC)) == 7
    usage.record(datetime(2026, 5, 20, tzinfo=UTC))
    assert usage.spent_at(datetime(2026, 6, 2, tzinfo=UTC)) == 8


def test_round_trip_and_damaged_storage() -> None:
    usage = MonthlyUsage()
    usage.record(datetime(2026, 6, 3, tzinfo=UTC), 4, manual=True)
    assert MonthlyUsage.from_dict(usage.as_dict()) == usage
    assert MonthlyUsage.from_dict(None) == MonthlyUsage()
    assert MonthlyUsage.from_dict({"month": "2026-06", "spent": "x"}) == MonthlyUsage()
    assert MonthlyUsage.from_dict({"month": "2026-06", "spent": -3}).spent == 0
    assert month_key(datetime(2026, 1, 9, tzinfo=UTC)) == "2026-01"
