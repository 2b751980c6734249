"""Hourly production in long-term statistics: the right hour, the right amount, across restarts and DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder.statistics import statistics_during_period
from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import get_instance
import pytest
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.apsystems_openapi.statistics import statistic_id
from simulators.apsystems import SID, ApsystemsCloud, SystemConfig
from simulators.pytest_plugin import StartSimulator
from tests.ha_helpers import run_until

from .conftest import LONDON, Cloud, set_up

TZ = ZoneInfo(LONDON)
STAT = statistic_id(SID)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), TZ).astimezone(UTC)


async def hourly_statistics(
    hass: HomeAssistant, day: date
) -> dict[datetime, dict[str, Any]]:
    await async_wait_recording_done(hass)
    start = local(day, 0)
    end = datetime.combine(day + timedelta(days=1), time(0), TZ).astimezone(UTC)
    rows = await get_instance(hass).async_add_executor_job(
        statistics_during_period,
        hass,
        start,
        end,
        {STAT},
        "hour",
        None,
        {"state", "sum"},
    )
    return {
        datetime.fromtimestamp(row["start"], UTC): row for row in rows.get(STAT, [])
    }


def truth_by_utc_hour(cloud: ApsystemsCloud, day: date) -> dict[datetime, float]:
    """Return the simulator's hourly production of a local day, keyed by UTC hour start."""
    hours: dict[datetime, float] = {}
    for index, kwh in enumerate(cloud.hourly_truth(day)):
        start = local(day, index)
        hours[start] = hours.get(start, 0.0) + kwh
    return hours


@pytest.mark.parametrize(
    "day",
    [date(2026, 6, 10), date(2026, 10, 25)],
    ids=["summer", "october_dst"],
)
async def test_day_with_restart_matches_truth(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: StartSimulator,
    day: date,
) -> None:
    """Every hour equals the simulator's production, also across a restart at 13:00."""
    freezer.move_to(local(day, 7))
    cloud = Cloud(await simulator(ApsystemsCloud(SystemConfig())))
    entry = cloud.entry()
    coordinator = await set_up(hass, entry)
    await run_until(hass, freezer, coordinator, local(day, 13))

    closed = await hourly_statistics(hass, day)
    truth = truth_by_utc_hour(cloud.cloud, day)
    assert closed, "closed hours are imported during the day"
    for start, row in closed.items():
        assert row["state"] == pytest.approx(truth[start], abs=0.01), start

    calls = cloud.calls()
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert cloud.calls() == calls, "a restart costs no call"
    coordinator = entry.runtime_data

    await run_until(hass, freezer, coordinator, local(day + timedelta(days=1), 11))
    stats = await hourly_statistics(hass, day)
    assert set(truth) <= set(stats)
    for start, row in stats.items():
        assert row["state"] == pytest.approx(truth.get(start, 0.0), abs=0.01), start
    assert len(stats) == (25 if day.month == 10 else 24), "every hour of the local day"
    ordered = [stats[start] for start in sorted(stats)]
    day_sum = ordered[-1]["sum"] - (ordered[0]["sum"] - ordered[0]["state"])
    assert day_sum == pytest.approx(sum(truth.values()), abs=0.01)
    assert sum(truth.values()) > 1.0
    sums = [row["sum"] for row in ordered]
    assert sums == sorted(sums), "the running sum never goes backwards"


async def test_lost_store_continues_the_recorders_sum(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: StartSimulator,
    hass_storage: dict[str, Any],
) -> None:
    """With its own state lost, the integration continues the sum the recorder has."""
    day = date(2026, 6, 10)
    freezer.move_to(local(day, 7))
    cloud = Cloud(await simulator(ApsystemsCloud(SystemConfig())))
    entry = cloud.entry()
    coordinator = await set_up(hass, entry)
    await run_until(hass, freezer, coordinator, local(day, 12))
    before = await hourly_statistics(hass, day)
    key = coordinator.store.key
    assert await hass.config_entries.async_unload(entry.entry_id)
    hass_storage.pop(key, None)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    coordinator = entry.runtime_data
    await run_until(hass, freezer, coordinator, local(day, 15))
    after = await hourly_statistics(hass, day)
    ordered = [after[start] for start in sorted(after)]
    sums = [row["sum"] for row in ordered]
    assert sums == sorted(sums)
    first = min(before)
    assert after[first]["sum"] == pytest.approx(before[first]["sum"], abs=0.01)
    truth = truth_by_utc_hour(cloud.cloud, day)
    for start, row in after.items():
        assert row["state"] == pytest.approx(truth[start], abs=0.01)
