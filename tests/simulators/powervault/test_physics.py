"""The physical model: balance, counters, state of charge, controls and time zones."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from simulators.powervault import (
    KINDS,
    TOTALS,
    BatteryConfig,
    BatteryState,
    Override,
    PowervaultModel,
    Schedule,
)
from simulators.powervault.clocks import london_wall
from simulators.powervault.controls import ControlHistory, Controls
from simulators.powervault.physics import split
from simulators.powervault.testing import DataClock

from .conftest import NOW, utc

HALF_MIN = dt.timedelta(seconds=30)


def model_at(
    now: dt.datetime = NOW, **kwargs: object
) -> tuple[PowervaultModel, DataClock]:
    clock = DataClock(now)
    return PowervaultModel(clock=clock, **kwargs), clock  # type: ignore[arg-type]


def force(model: PowervaultModel, state: str, start: dt.datetime, hours: float) -> None:
    end = start + dt.timedelta(hours=hours)
    model.set_overrides([Override(start, end, BatteryState(state))], at=start)


def test_energy_balances_every_step() -> None:
    model, _ = model_at()
    day = utc(2025, 6, 18)
    for step in model.steps(day, day + dt.timedelta(days=1)):
        flows = step.flows_w()
        supply = flows["solar"] + flows["grid_import"] + flows["battery_discharge"]
        use = flows["home"] + flows["battery_charge"] + flows["grid_export"]
        assert supply == pytest.approx(use, abs=1e-6)
        assert min(flows.values()) >= 0
        assert not (flows["grid_import"] > 0 and flows["grid_export"] > 0)
        assert flows["grid_import"] == pytest.approx(
            flows["battery_from_grid"] + flows["grid_to_home"]
        )
        assert flows["grid_export"] == pytest.approx(
            flows["solar_exported"] + flows["battery_exported"]
        )
        assert flows["home"] == pytest.approx(
            flows["solar_to_home"] + flows["battery_to_home"] + flows["grid_to_home"]
        )
        assert step.grid_w == pytest.approx(flows["grid_import"] - flows["grid_export"])
        assert 5 - 1e-9 <= step.soc_pct <= 100 + 1e-9


def test_energy_totals_balance_and_match_steps() -> None:
    model, _ = model_at()
    start, end = utc(2025, 6, 18, 6), utc(2025, 6, 18, 9, 0, 10)
    e = {kind: model.energy_kwh(kind, start, end) for kind in TOTALS}
    assert e["solar"] + e["grid_import"] + e["battery_discharge"] == pytest.approx(
        e["home"] + e["battery_charge"] + e["grid_export"]
    )
    steps = model.steps(start, end)
    solar = sum(s.solar_w for s in steps) * 30 / 3600 / 1000
    last = steps[-1]
    assert last.start == utc(2025, 6, 18, 9)
    # the last step counts 10 of its 30 seconds
    solar -= last.solar_w * 20 / 3600 / 1000
    assert e["solar"] == pytest.approx(solar)
    soc_change = model.soc_pct(end) - model.soc_pct(start)
    stored = e["battery_charge"] - e["battery_discharge"]
    assert soc_change == pytest.approx(stored / 8 * 100)


def test_split_allocates_solar_first() -> None:
    # force-charge with little sun: grid fills the battery and the home
    f = dict(zip(KINDS, split(200.0, 500.0, 3000.0), strict=True))
    assert (f["solar_to_home"], f["battery_from_grid"], f["grid_to_home"]) == (
        200.0,
        3000.0,
        300.0,
    )
    # force-discharge in the sun: everything beyond the home is exported
    f = dict(zip(KINDS, split(2000.0, 500.0, -3000.0), strict=True))
    assert (f["solar_exported"], f["battery_exported"], f["grid_export"]) == (
        1500.0,
        3000.0,
        4500.0,
    )


def test_counters_only_grow() -> None:
    model, clock = model_at()
    previous = model.counters_wh()
    for _ in range(200):
        clock.advance(dt.timedelta(minutes=7))
        counters = model.counters_wh()
        assert all(counters[k] >= previous[k] for k in KINDS)
        previous = counters
    assert previous["solar"] > 0
    anchor = model.anchor()
    assert anchor == utc(2025, 6, 16)
    assert model.counters_wh(anchor - dt.timedelta(hours=1)) == dict.fromkeys(
        KINDS, 0.0
    )
    assert previous["home"] / 1000 == pytest.approx(
        model.energy_kwh("home", anchor, clock())
    )


def test_force_charge_raises_soc_to_the_limit() -> None:
    model, _ = model_at()
    start = utc(2025, 6, 18, 20)
    force(model, "force-charge", start, 4)
    soc = model.soc_pct(start)
    assert soc < 80
    later = model.soc_pct(start + dt.timedelta(minutes=30))
    # 3 kW for half an hour into 8 kWh: 18.75 %
    assert later - soc == pytest.approx(18.75)
    assert model.step(start).state is BatteryState.FORCE_CHARGE
    assert model.soc_pct(start + dt.timedelta(hours=3.5)) == pytest.approx(100)
    full = model.step(start + dt.timedelta(hours=3.5))
    assert full.battery_w == pytest.approx(0)


def test_force_discharge_lowers_soc_to_the_limit() -> None:
    model, _ = model_at()
    start = utc(2025, 6, 18, 12)
    force(model, "force-discharge", start, 4)
    soc = model.soc_pct(start)
    later = model.soc_pct(start + dt.timedelta(minutes=30))
    assert soc - later == pytest.approx(18.75)
    assert model.soc_pct(start + dt.timedelta(hours=3.9)) == pytest.approx(5)
    assert model.step(start + dt.timedelta(hours=3.9)).battery_w == pytest.approx(0)


@pytest.mark.parametrize("state", ["disable", "dormant"])
def test_disable_holds_soc(state: str) -> None:
    model, _ = model_at()
    start = utc(2025, 6, 18, 17)
    force(model, state, start, 3)
    socs = {round(model.soc_pct(start + i * HALF_MIN), 9) for i in range(360)}
    assert len(socs) == 1
    step = model.step(start + dt.timedelta(hours=1))
    assert step.grid_w == pytest.approx(step.home_w - step.solar_w)


def test_only_charge_and_only_discharge() -> None:
    model, _ = model_at()
    day = utc(2025, 6, 18)
    start, end = day + dt.timedelta(hours=3), day + dt.timedelta(hours=23)
    overrides = [
        Override(day + dt.timedelta(hours=1), start, BatteryState.FORCE_DISCHARGE),
        Override(start, end, BatteryState.ONLY_CHARGE),
    ]
    model.set_overrides(overrides, at=day)
    steps = model.steps(start, end)
    assert min(s.battery_w for s in steps) >= 0
    assert max(s.battery_w for s in steps) > 0
    model, _ = model_at()
    force(model, "only-discharge", day + dt.timedelta(hours=1), 22)
    steps = model.steps(day + dt.timedelta(hours=1), end)
    assert max(s.battery_w for s in steps) <= 0
    assert min(s.battery_w for s in steps) < 0


def test_override_wins_over_schedule_and_ends() -> None:
    model, _ = model_at()
    night = utc(2025, 6, 18, 0)  # 01:00 BST: the default schedule force-charges
    assert model.effective_state(night) == (BatteryState.FORCE_CHARGE, "schedule")
    model.set_overrides(
        [Override(night, night + dt.timedelta(hours=1), BatteryState.DISABLE)],
        at=night - dt.timedelta(hours=1),
    )
    assert model.effective_state(night) == (BatteryState.DISABLE, "override")
    assert model.step(night + dt.timedelta(minutes=30)).battery_w == 0
    after = night + dt.timedelta(hours=1)
    assert model.effective_state(after) == (BatteryState.FORCE_CHARGE, "schedule")
    assert model.step(after).battery_w > 0


def test_change_keeps_the_past() -> None:
    model, clock = model_at(utc(2025, 6, 18, 18))
    now = clock()
    past = model.energy_kwh("grid_import", now - dt.timedelta(hours=3), now)
    future = model.energy_kwh("grid_import", now, now + dt.timedelta(hours=2))
    force(model, "force-charge", now, 2)
    assert model.energy_kwh("grid_import", now - dt.timedelta(hours=3), now) == past
    assert model.energy_kwh("grid_import", now, now + dt.timedelta(hours=2)) > future
    # the state at a moment follows the controls then in force
    model.set_overrides([], at=now + dt.timedelta(hours=1))
    assert model.effective_state(now + dt.timedelta(minutes=30))[0] == "force-charge"
    assert model.effective_state(now + dt.timedelta(minutes=90))[1] == "schedule"
    # a change before the chain's start recomputes it all
    model.set_schedule(Schedule.every_day(), at=utc(2025, 6, 1))
    assert model.effective_state(now + dt.timedelta(hours=3)) == ("normal", "default")


def test_schedule_in_london_time_across_dst() -> None:
    model, _ = model_at(utc(2025, 3, 30, 12))
    # Before the change (GMT): force-charge 00:30-04:30 UTC.
    assert model.effective_state(utc(2025, 3, 29, 4, 15))[0] == "force-charge"
    assert model.effective_state(utc(2025, 3, 29, 4, 45))[0] == "normal"
    # After it (BST): 00:30-04:30 London is 23:30-03:30 UTC.
    assert model.effective_state(utc(2025, 3, 30, 23, 45))[0] == "force-charge"
    assert model.effective_state(utc(2025, 3, 31, 3, 15))[0] == "force-charge"
    assert model.effective_state(utc(2025, 3, 31, 3, 45))[0] == "normal"
    assert model.step(utc(2025, 3, 30, 23, 45)).battery_w > 0
    # Autumn: back to GMT on 26 October.
    assert model.effective_state(utc(2025, 10, 25, 23, 45))[0] == "force-charge"
    assert model.effective_state(utc(2025, 10, 26, 23, 45))[0] == "normal"
    assert london_wall(utc(2025, 3, 31, 3, 45).timestamp()) == (0, 4 * 3600 + 45 * 60)


def test_weekday_schedule_and_gaps() -> None:
    slots = {
        "monday": Schedule.every_day(("08:00:00", "09:00:00", "disable")).days["monday"]
    }
    model, _ = model_at(schedule=Schedule(slots))
    monday = utc(2025, 6, 16, 7, 30)  # 08:30 BST
    assert model.effective_state(monday) == ("disable", "schedule")
    assert model.effective_state(utc(2025, 6, 16, 8, 0)) == ("disable", "schedule")
    assert model.effective_state(utc(2025, 6, 16, 8, 0, 1)) == ("normal", "default")
    assert model.effective_state(monday + dt.timedelta(days=1)) == ("normal", "default")


def test_zero_length_override_never_applies() -> None:
    at = utc(2025, 6, 18, 1)
    controls = Controls(Schedule.default(), (Override(at, at, BatteryState.NORMAL),))
    assert controls.state_at(at.timestamp()) == ("force-charge", "schedule")
    history = ControlHistory(controls)
    history.change(10.0, Controls(Schedule.every_day()))
    history.change(5.0, controls)  # forgets the change at 10
    assert history.at(20.0) is controls


def test_history_before_the_anchor() -> None:
    model, _ = model_at(anchor=utc(2025, 6, 17), history_days=0)
    assert model.anchor() == utc(2025, 6, 17)
    # independent days before the anchor still balance and respect the limits
    start, end = utc(2025, 6, 10, 12), utc(2025, 6, 17, 12)
    e = {kind: model.energy_kwh(kind, start, end) for kind in TOTALS}
    assert e["solar"] + e["grid_import"] + e["battery_discharge"] == pytest.approx(
        e["home"] + e["battery_charge"] + e["grid_export"]
    )
    # the chain starts where the day before it ended
    assert model.soc_pct(utc(2025, 6, 17)) == pytest.approx(
        model.soc_pct(utc(2025, 6, 17) - dt.timedelta(microseconds=1)), abs=1e-3
    )
    assert model.soc_pct(utc(2025, 6, 11)) == pytest.approx(50)


def test_row_is_the_slot_mean() -> None:
    model, _ = model_at()
    start = utc(2025, 6, 18, 10, 0)
    row = model.row(start)
    end = start + dt.timedelta(minutes=5)
    assert row["time"] == "2025-06-18T10:00:00Z"
    assert row["instant_solar"] == round(model.mean_w("solar", start, end) * 1000)
    assert row["solarGenerated"] == row["instant_solar"]
    assert row["instant_demand"] == -row["homeConsumed"]
    assert row["instant_soc"] == round(model.soc_pct(end), 1)
    assert row["solarExported"] * 5 / 60 / 1e6 == pytest.approx(
        model.energy_kwh("solar_exported", start, end), abs=1e-6
    )
    with pytest.raises(ValueError, match="5-minute slot"):
        model.row(start + dt.timedelta(minutes=1))
    partial = model.row(start, upto=start + dt.timedelta(seconds=20))
    assert partial["instant_soc"] is None


def test_config_is_deterministic() -> None:
    first, _ = model_at()
    second, _ = model_at()
    day = utc(2025, 6, 18)
    assert first.row(day) == second.row(day)
    other = PowervaultModel(BatteryConfig(seed="other"), clock=DataClock(NOW))
    assert other.energy_kwh("solar", day, day + dt.timedelta(days=1)) != (
        first.energy_kwh("solar", day, day + dt.timedelta(days=1))
    )


def test_a_month_is_fast() -> None:
    model, _ = model_at()
    started = time.perf_counter()
    model.energy_kwh("home", utc(2025, 5, 18), utc(2025, 6, 19))
    assert time.perf_counter() - started < 3
