"""ScheduledCoordinator: every policy decides when the demo meter is read."""

from datetime import UTC, date, datetime, timedelta
import inspect
import re

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import update_coordinator
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from energy_api.errors import AuthenticationError, QuotaExhaustedError
from energy_api.schedule.policy import (
    FixedInterval,
    PushWithFallback,
    QuotaPlanned,
    SolarWindowInterval,
)
from energy_api.schedule.quota import QuotaPlanner
from energy_api.schedule.solar import SolarWindow
from energy_api.schedule.usage import MonthlyUsage
from simulators import DemoMeter, Fault, FaultKind, RunningSimulator
from tests.paths import REPO

from .minimal_integration import Settings, running

STATE = "sensor.demo_meter_energy_import"


async def advance(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, to: datetime
) -> None:
    freezer.move_to(to)
    async_fire_time_changed(hass, to)
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_fixed_interval(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    demo_meter: RunningSimulator[DemoMeter],
) -> None:
    freezer.move_to(datetime(2026, 6, 1, 10, tzinfo=UTC))
    settings = Settings(demo_meter.url, FixedInterval(timedelta(seconds=30)))
    async with running(hass, settings) as entry:
        coordinator = entry.runtime_data
        assert entry.state is ConfigEntryState.LOADED
        assert coordinator.next_refresh == datetime(2026, 6, 1, 10, 0, 30, tzinfo=UTC)
        assert demo_meter.device.requests["/api/reading"] == 1
        await advance(hass, freezer, coordinator.next_refresh)
        assert demo_meter.device.requests["/api/reading"] == 2
        assert coordinator.last_refresh == datetime(2026, 6, 1, 10, 0, 30, tzinfo=UTC)
        # Polling disabled by the user: nothing is scheduled.
        hass.config_entries.async_update_entry(entry, pref_disable_polling=True)
        coordinator.async_reschedule()
        assert coordinator.next_refresh is None


async def test_quota_planner_polls_just_after_publications_in_daylight(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    demo_meter: RunningSimulator[DemoMeter],
) -> None:
    freezer.move_to(datetime(2026, 6, 1, 22, 30, tzinfo=UTC))
    planner = QuotaPlanner(SolarWindow(51.5, 0), UTC)
    usage = MonthlyUsage()
    settings = Settings(
        demo_meter.url, QuotaPlanned(planner, usage, lambda _now: 60), usage
    )
    async with running(hass, settings) as entry:
        coordinator = entry.runtime_data
        # Night: the first poll is the first publication after sunrise.
        due = coordinator.next_refresh
        assert due is not None
        assert due.date() == date(2026, 6, 2)
        assert due.minute % 15 == 1
        assert planner.window.contains(due)
        for _ in range(3):
            due = coordinator.next_refresh
            await advance(hass, freezer, due)
            assert coordinator.next_refresh > due + timedelta(minutes=14)
        assert usage.spent_at(due) == 4
        assert demo_meter.device.requests["/api/reading"] == 4
        # A quota used up elsewhere: no call until next month.
        usage.record(due, 1000)
        await advance(hass, freezer, coordinator.next_refresh)
        assert coordinator.next_refresh >= datetime(2026, 7, 1, tzinfo=UTC)


async def test_solar_window_interval(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    demo_meter: RunningSimulator[DemoMeter],
) -> None:
    freezer.move_to(datetime(2026, 6, 1, 19, 50, tzinfo=UTC))
    window = SolarWindow(51.5, 0)
    settings = Settings(
        demo_meter.url, SolarWindowInterval(window, UTC, timedelta(minutes=5))
    )
    async with running(hass, settings) as entry:
        coordinator = entry.runtime_data
        assert coordinator.next_refresh == datetime(2026, 6, 1, 19, 55, tzinfo=UTC)
        await advance(hass, freezer, datetime(2026, 6, 1, 20, 55, tzinfo=UTC))
        span = window.on(date(2026, 6, 2), UTC)
        assert span is not None
        assert coordinator.next_refresh == span[0]
    # Polar night: nothing until the sun returns in spring.
    polar = SolarWindowInterval(SolarWindow(89.9, 0), UTC, timedelta(minutes=5))
    due = polar.next_refresh(datetime(2026, 12, 1, tzinfo=UTC), None)
    assert due is not None
    assert due.month == 3


async def test_push_stops_polling_and_fallback_resumes(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    demo_meter: RunningSimulator[DemoMeter],
) -> None:
    freezer.move_to(datetime(2026, 6, 1, 10, tzinfo=UTC))
    policy = PushWithFallback(timedelta(seconds=15))
    settings = Settings(demo_meter.url, policy)
    async with running(hass, settings) as entry:
        coordinator = entry.runtime_data
        assert coordinator.next_refresh == datetime(2026, 6, 1, 10, 0, 15, tzinfo=UTC)
        policy.connected = True
        coordinator.async_reschedule()
        assert coordinator.next_refresh is None
        await advance(hass, freezer, datetime(2026, 6, 1, 10, 5, tzinfo=UTC))
        assert demo_meter.device.requests["/api/reading"] == 1
        policy.connected = False
        coordinator.async_reschedule()
        assert coordinator.next_refresh == datetime(2026, 6, 1, 10, 5, 15, tzinfo=UTC)


async def test_failures_make_entities_unavailable_then_recover(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    demo_meter: RunningSimulator[DemoMeter],
) -> None:
    freezer.move_to(datetime(2026, 6, 1, 10, tzinfo=UTC))
    settings = Settings(demo_meter.url, FixedInterval(timedelta(seconds=30)))
    body = {"energy_import_kwh": 7.5}
    demo_meter.device.set_fault(Fault(FaultKind.STATUS, status=200, body=body, count=1))
    async with running(hass, settings) as entry:
        coordinator = entry.runtime_data
        good = hass.states.get(STATE)
        assert good is not None
        assert float(good.state) > 0
        demo_meter.device.set_fault(Fault(FaultKind.HTML))
        await advance(hass, freezer, datetime(2026, 6, 1, 10, 0, 30, tzinfo=UTC))
        assert hass.states.get(STATE).state == "unavailable"
        assert coordinator.last_exception.translation_key == "invalid_response"
        demo_meter.device.clear_fault()
        demo_meter.device.set_fault(
            Fault(FaultKind.STATUS, status=200, body={"energy_import_kwh": 7.75})
        )
        await advance(hass, freezer, datetime(2026, 6, 1, 10, 1, tzinfo=UTC))
        assert hass.states.get(STATE).state == "7.75"


async def test_retry_after_postpones_the_next_refresh(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    demo_meter: RunningSimulator[DemoMeter],
) -> None:
    freezer.move_to(datetime(2026, 6, 1, 10, tzinfo=UTC))
    settings = Settings(demo_meter.url, FixedInterval(timedelta(seconds=30)))
    async with running(hass, settings) as entry:
        coordinator = entry.runtime_data
        settings.fail_with = QuotaExhaustedError("limit", retry_after=3600)
        await advance(hass, freezer, datetime(2026, 6, 1, 10, 0, 30, tzinfo=UTC))
        assert coordinator.last_exception.translation_key == "quota_exhausted"
        assert coordinator.next_refresh == datetime(2026, 6, 1, 11, 0, 30, tzinfo=UTC)


async def test_rejected_credentials_start_reauth(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    demo_meter: RunningSimulator[DemoMeter],
) -> None:
    freezer.move_to(datetime(2026, 6, 1, 10, tzinfo=UTC))
    settings = Settings(demo_meter.url, FixedInterval(timedelta(seconds=30)))
    async with running(hass, settings) as entry:
        settings.fail_with = AuthenticationError("token revoked")
        await advance(hass, freezer, datetime(2026, 6, 1, 10, 0, 30, tzinfo=UTC))
        flows = entry.async_get_active_flows(hass, {SOURCE_REAUTH})
        assert len(list(flows)) == 1
        assert entry.runtime_data.next_refresh is None


async def test_setup_fails_cleanly_when_the_device_is_down(
    hass: HomeAssistant, demo_meter: RunningSimulator[DemoMeter]
) -> None:
    demo_meter.device.set_fault(Fault(FaultKind.DROP))
    settings = Settings(demo_meter.url, FixedInterval(timedelta(seconds=30)))
    async with running(hass, settings) as entry:
        assert entry.state is ConfigEntryState.SETUP_RETRY


def test_only_public_coordinator_api_is_used() -> None:
    """HA's private coordinator attributes change between releases: none is touched."""
    base = inspect.getsource(update_coordinator)
    private = set(re.findall(r"\bself\.(_[a-z]\w*)", base)) | {
        name for name in vars(DataUpdateCoordinator) if re.match(r"_[a-z]", name)
    }
    # The documented extension point of every coordinator.
    private -= {"_async_update_data"}
    used = {
        name
        for path in (REPO / "energy_api" / "ha").glob("*.py")
        for name in re.findall(r"\.(_[a-z]\w*)", path.read_text())
    }
    assert private, "HA's coordinator source was not read"
    assert used & private == set()


async def test_shutdown_cancels_the_planned_refresh(
    hass: HomeAssistant, demo_meter: RunningSimulator[DemoMeter]
) -> None:
    async with running(
        hass, Settings(demo_meter.url, FixedInterval(timedelta(minutes=1)))
    ) as entry:
        coordinator = entry.runtime_data
        assert coordinator.next_refresh is not None
        await hass.config_entries.async_unload(entry.entry_id)
        assert coordinator.next_refresh is None
        coordinator.async_reschedule()
        assert coordinator.next_refresh is None
