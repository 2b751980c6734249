"""Stale devices, removal by hand, and energy totals that never go backwards."""

from datetime import UTC, datetime, timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    async_fire_time_changed,
    mock_restore_cache_with_extra_data,
)
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from energy_api.ha.sensor import MonotonicTotal
from energy_api.schedule.policy import FixedInterval
from simulators import DemoMeter, Fault, FaultKind, RunningSimulator

from .minimal_integration import DOMAIN, METER, Settings, running

STATE = "sensor.demo_meter_energy_import"


async def tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    freezer.tick(timedelta(seconds=30))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_stale_devices_go_and_only_unreported_ones_may_be_deleted(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_ws_client: WebSocketGenerator,
    demo_meter: RunningSimulator[DemoMeter],
) -> None:
    assert await async_setup_component(hass, "config", {})
    settings = Settings(demo_meter.url, FixedInterval(timedelta(seconds=30)))
    settings.reported = {METER, (DOMAIN, "gas")}
    async with running(hass, settings) as entry:
        registry = dr.async_get(hass)
        gas = registry.async_get_or_create(
            config_entry_id=entry.entry_id, identifiers={(DOMAIN, "gas")}
        )
        water = registry.async_get_or_create(
            config_entry_id=entry.entry_id, identifiers={(DOMAIN, "water")}
        )
        meter = registry.async_get_device(identifiers={METER})
        assert meter is not None
        client = await hass_ws_client(hass)
        # Reported devices cannot be deleted by hand; unreported ones can.
        response = await client.remove_device(gas.id, entry.entry_id)
        assert not response["success"]
        response = await client.remove_device(water.id, entry.entry_id)
        assert response["success"]
        assert registry.async_get(water.id) is None
        # The gas meter stops being reported: the next update removes it.
        settings.reported = {METER}
        await tick(hass, freezer)
        assert registry.async_get(gas.id) is None
        assert registry.async_get(meter.id) is not None
        # An empty report is a glitch, not "every device is gone".
        settings.reported = set()
        await tick(hass, freezer)
        assert registry.async_get(meter.id) is not None


async def test_total_restores_and_never_goes_backwards(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    demo_meter: RunningSimulator[DemoMeter],
) -> None:
    freezer.move_to(datetime(2026, 6, 1, 10, tzinfo=UTC))
    mock_restore_cache_with_extra_data(
        hass,
        [
            (
                State(STATE, "5.0"),
                {"native_value": 5.0, "native_unit_of_measurement": "kWh"},
            )
        ],
    )
    settings = Settings(demo_meter.url, FixedInterval(timedelta(seconds=30)))
    device = demo_meter.device
    async with running(hass, settings):
        # The simulator's counter starts near 0: lower than the restored total.
        assert hass.states.get(STATE).state == "5.0"
        for glitch in (0, None, "garbage", 4.5):
            device.set_fault(
                Fault(FaultKind.STATUS, status=200, body={"energy_import_kwh": glitch})
            )
            await tick(hass, freezer)
            assert hass.states.get(STATE).state == "5.0"
        device.set_fault(
            Fault(FaultKind.STATUS, status=200, body={"energy_import_kwh": 6.25})
        )
        await tick(hass, freezer)
        assert hass.states.get(STATE).state == "6.25"


def test_lower_total_that_persists_is_a_reset() -> None:
    total = MonotonicTotal(confirmations=3)
    assert total.accept(None) is None
    assert total.accept(0) is None
    assert total.accept(100.0) == 100.0
    assert total.accept(2.0) == 100.0
    assert total.accept(1.0) == 100.0  # dropped again: starts over
    assert total.accept(1.5) == 100.0
    assert total.accept(1.6) == 1.6  # three growing readings in a row
    assert total.accept(1.7) == 1.7
    assert total.accept(0) == 1.7
