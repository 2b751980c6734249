"""The persisted state survives a round trip, and damaged parts start empty."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from custom_components.apsystems_openapi.planning import CallPlan, PlanSettings
from custom_components.apsystems_openapi.state import (
    InverterReadings,
    MeterReadings,
    Production,
    StorageReadings,
    SystemState,
    state_from_json,
    state_to_json,
)
from custom_components.apsystems_openapi.statistics import day_hours, utc_shares
from custom_components.apsystems_openapi.vendor.energy_api.apsystems import (
    Ecu,
    EnergySummary,
    Inverter,
)
from custom_components.apsystems_openapi.vendor.energy_api.schedule.solar import (
    SolarWindow,
)

NOON = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)


def full_state() -> SystemState:
    state = SystemState(
        ecus=(
            Ecu(
                "216000012345",
                2,
                None,
                (Inverter("703000000001", "DS3"),),
                "ELT-12",
                None,
            ),
        ),
        production=Production(
            day=date(2026, 6, 10),
            ecu_today_kwh={"216000012345": 5.5},
            ecu_power_w={"216000012345": 1200.0},
            power_at=NOON,
            peak_w=1500.0,
            summary=EnergySummary(today=1.0, month=30.0, year=300.0, lifetime=3000.0),
            summary_day=date(2026, 6, 10),
        ),
        inverters={
            "703000000001": InverterReadings(
                published_at=NOON,
                detail_at=NOON,
                ac_power_w=300.0,
                dc_power_w={1: 150.0, 2: 149.0},
            )
        },
        meters={"216000012345": MeterReadings(consumed_kwh=1.0, read_at=NOON)},
        storages={
            "216000012345": StorageReadings(soc=55.0, mode="1", published_at=NOON)
        },
    )
    state.ledger.set_hour(NOON, 1.25)
    state.routine.usage.record(NOON, 3)
    state.routine.last_poll = NOON
    return state


def test_round_trip() -> None:
    state = full_state()
    again = state_from_json(state_to_json(state))
    assert state_to_json(again) == state_to_json(state)
    assert again.production.lifetime_kwh == pytest.approx(3000.0 - 1.0 + 5.5)
    assert again.production.month_kwh == pytest.approx(30.0 - 1.0 + 5.5)
    assert again.inverters["703000000001"].dc_power_w == {1: 150.0, 2: 149.0}
    assert again.ecus[0].has_storage


@pytest.mark.parametrize(
    "damaged",
    [
        {},
        {"ecus": "x", "production": [], "routine": 3, "ledger": None, "inverters": [1]},
        {"ecus": [{"eid": 5}, {"eid": "a", "inverters": [{"uid": None}, "x"]}]},
        {
            "production": {
                "day": "not a date",
                "power_at": "nope",
                "ecu_power_w": {"a": "x", "b": float("nan")},
            }
        },
        {
            "ledger": {
                "hours": {
                    "bad": 1.0,
                    "2026-06-10T12:00:00+00:00": -1,
                    "2026-06-10T13:00:00": 2,
                }
            }
        },
        {
            "meters": {"a": "x"},
            "storages": {"b": {"mode": 3, "soc": True, "published_at": 5}},
        },
    ],
)
def test_damaged_state_starts_empty_parts(damaged: dict[str, object]) -> None:
    state = state_from_json(damaged)
    assert isinstance(state, SystemState)
    for moment in state.ledger.hours:
        assert moment.tzinfo is not None
    for readings in state.storages.values():
        assert readings.mode is None
        assert readings.soc is None


def test_totals_from_an_older_summary() -> None:
    """A summary of an earlier day counts none of today; one of another month none of the month."""
    production = Production(
        day=date(2026, 7, 1),
        ecu_today_kwh={"e": 2.0},
        summary=EnergySummary(today=9.0, month=300.0, year=900.0, lifetime=5000.0),
        summary_day=date(2026, 6, 30),
    )
    assert production.lifetime_kwh == 5002.0
    assert production.month_kwh == 2.0
    assert production.year_kwh == 902.0
    assert Production().lifetime_kwh is None


def test_half_hour_zone_splits_hours() -> None:
    """A local hour of India (UTC+5:30) is shared between two UTC hours."""
    start = datetime(2026, 6, 10, 12, 0, tzinfo=ZoneInfo("Asia/Kolkata"))
    shares = utc_shares(start, 1.0)
    assert [moment.minute for moment, _ in shares] == [0, 0]
    assert sum(kwh for _, kwh in shares) == pytest.approx(1.0)
    hours = day_hours(date(2026, 6, 10), [1.0] * 24, ZoneInfo("Asia/Kolkata"))
    assert sum(hours.values()) == pytest.approx(24.0)


def test_poll_due_when_the_timer_fires_late() -> None:
    """A timer firing a little after its slot finds that slot due, not the next one."""
    state = full_state()
    plan = CallPlan(
        PlanSettings(SolarWindow(51.5, -0.12), ZoneInfo("Europe/London"), 1000, 30),
        state,
    )
    due = plan.next_poll(NOON)
    assert due is not None
    assert not plan.poll_due(due - timedelta(seconds=1))
    assert plan.poll_due(due + timedelta(milliseconds=3))
    assert plan.poll_due(due + timedelta(seconds=5))
