"""Cloud polling: calls per hour, a cloud that publishes late, a unit that goes silent."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.powervault.const import (
    DEVELOPMENT_CLOUD_URL_ENV,
    DOMAIN,
    ISSUE_UNIT_SILENT,
)
from custom_components.powervault.coordinator import PowervaultCoordinator
from simulators.powervault import PowervaultCloudSim
from simulators.pytest_plugin import StartSimulator
from simulators.runner import RunningSimulator
from tests.ha_helpers import run_until

from .conftest import CLOUD_UNIT, START, Cloud, set_up

ROW = timedelta(minutes=5)


def calls(sim: RunningSimulator[PowervaultCloudSim]) -> Counter[str]:
    """Return the requests the simulated cloud received, per last path segment."""
    return Counter(
        {path.rsplit("/", 1)[-1]: n for path, n in sim.device.requests.items()}
    )


async def hour_of_calls(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    coordinator: PowervaultCoordinator,
    sim: RunningSimulator[PowervaultCloudSim],
    end: timedelta,
) -> Counter[str]:
    """Run the hour that ends `end` after START; return its calls per path."""
    await run_until(hass, freezer, coordinator, START + end - timedelta(hours=1))
    before = calls(sim)
    await run_until(hass, freezer, coordinator, START + end)
    return calls(sim) - before


async def test_steady_state_is_14_calls_an_hour(
    hass: HomeAssistant, cloud: Cloud, freezer: FrozenDateTimeFactory
) -> None:
    """Each row once, 30 s after it is due; the schedule and overrides hourly."""
    coordinator = await set_up(hass, cloud.entry())
    for hour in (2, 3):
        assert await hour_of_calls(
            hass, freezer, coordinator, cloud.sim, timedelta(hours=hour)
        ) == {"data": 12, "schedule": 1, "stateOverride": 1}
    # At 03:02 the newest complete row is 02:55 (read at 03:00:30).
    assert coordinator.unit.measured_at == START.replace(minute=0) + timedelta(
        hours=3, minutes=-5
    )


@pytest.mark.parametrize("publish_seconds", [50, 100])
async def test_late_cloud_costs_one_retry_then_none(
    hass: HomeAssistant,
    simulator: StartSimulator,
    freezer: FrozenDateTimeFactory,
    monkeypatch: pytest.MonkeyPatch,
    publish_seconds: int,
) -> None:
    """A cloud slower than the first read: the row is read once published, 12 calls/h."""
    freezer.move_to(START)
    sim = await simulator(PowervaultCloudSim(publish_seconds=publish_seconds))
    monkeypatch.setenv(DEVELOPMENT_CLOUD_URL_ENV, sim.url)
    coordinator = await set_up(hass, Cloud(sim).entry())
    assert await hour_of_calls(hass, freezer, coordinator, sim, timedelta(hours=2)) == {
        "data": 12,
        "schedule": 1,
        "stateOverride": 1,
    }
    delay = coordinator.unit_policy.row_delay
    assert timedelta(seconds=publish_seconds) <= delay
    assert delay <= timedelta(seconds=publish_seconds + 30)
    shown = coordinator.unit.measured_at
    assert shown is not None
    assert coordinator.last_refresh is not None
    # The newest row is shown from when it is published, 30 s at most later.
    assert coordinator.last_refresh - (shown + ROW) == delay


async def test_silent_unit_is_not_polled_harder_and_raises_a_repair(
    hass: HomeAssistant, cloud: Cloud, freezer: FrozenDateTimeFactory
) -> None:
    """Rows that stay blank: no retry storm; after 2 hours a repair, gone on recovery."""
    entry: MockConfigEntry = cloud.entry()
    coordinator = await set_up(hass, entry)
    await run_until(hass, freezer, coordinator, START + timedelta(hours=1))
    cloud.sim.device.publish_seconds = 10 * 3600  # the unit stops reporting
    issue_id = f"{ISSUE_UNIT_SILENT}_{entry.entry_id}"
    issues = ir.async_get(hass)
    assert await hour_of_calls(
        hass, freezer, coordinator, cloud.sim, timedelta(hours=2)
    ) == {"data": 12 + 6, "schedule": 1, "stateOverride": 1}  # 2 slots' retries
    assert await hour_of_calls(
        hass, freezer, coordinator, cloud.sim, timedelta(hours=3, minutes=30)
    ) == {"data": 12, "schedule": 1, "stateOverride": 1}
    assert issues.async_get_issue(DOMAIN, issue_id) is not None
    cloud.sim.device.publish_seconds = 15
    await run_until(hass, freezer, coordinator, START + timedelta(hours=3, minutes=45))
    assert issues.async_get_issue(DOMAIN, issue_id) is None
    assert coordinator.unit.unit_id == CLOUD_UNIT
