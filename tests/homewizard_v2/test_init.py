"""Setup, unload, push, polling fallback, recovery and reauth."""

from __future__ import annotations

import asyncio
from datetime import timedelta
import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.homewizard_v2 import coordinator as coordinator_module
from custom_components.homewizard_v2.const import (
    CONF_MIN_WRITE_INTERVAL,
    CONF_POLL_INTERVAL,
    CONF_UPDATE_METHOD,
    UPDATE_POLL,
)
from custom_components.homewizard_v2.vendor.energy_api.homewizard import Backoff
from simulators import Fault, FaultKind

from .conftest import StartDevice, set_up

POWER = "sensor.p1_meter_power"


async def wait_for(
    hass: HomeAssistant, condition: object, seconds: float = 5.0
) -> None:
    async with asyncio.timeout(seconds):
        while not condition():  # type: ignore[operator]
            await asyncio.sleep(0.02)
            await hass.async_block_till_done()


def tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return what was logged with a traceback at WARNING or above: what users see.

    HA itself logs the full exception behind an update failure at DEBUG.
    """
    return [
        record.getMessage()
        for record in caplog.records
        if record.levelno >= logging.WARNING and record.exc_info
    ]


async def test_setup_push_and_unload(
    hass: HomeAssistant, start_device: StartDevice
) -> None:
    p1 = await start_device("p1_3phase", push_interval=0.05)
    entry = await set_up(hass, p1.entry(**{CONF_MIN_WRITE_INTERVAL: 0}))
    assert entry.state is ConfigEntryState.LOADED
    assert hass.states.get(POWER) is not None
    await wait_for(hass, lambda: p1.device.ws_connections == 1)
    polls = p1.device.requests["/api/measurement"]
    p1.device.set_power(1234)
    await wait_for(hass, lambda: hass.states.get(POWER).state == "1234.0")
    p1.device.set_power(-321)
    await wait_for(hass, lambda: hass.states.get(POWER).state == "-321.0")
    # Pushed, not polled.
    assert p1.device.requests["/api/measurement"] == polls
    assert entry.runtime_data.next_refresh is None
    await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED
    await wait_for(hass, lambda: p1.device.ws_connections == 0)


async def test_measurements_are_paced_by_default(
    hass: HomeAssistant, start_device: StartDevice
) -> None:
    p1 = await start_device("p1_3phase", push_interval=0.05)
    entry = await set_up(hass, p1.entry())
    await wait_for(hass, lambda: p1.device.ws_frames["measurement"] >= 1)
    p1.device.set_power(1234)
    await wait_for(hass, lambda: hass.states.get(POWER).state == "1234.0", seconds=8)
    # Taken in; now the device is asked to send no measurement for about 5 s.
    await asyncio.sleep(0.2)
    frames = p1.device.ws_frames["measurement"]
    for watts in (1, 2, 3):
        p1.device.set_power(watts)
        await asyncio.sleep(0.2)
    await hass.async_block_till_done()
    assert p1.device.ws_frames["measurement"] == frames
    assert hass.states.get(POWER).state == "1234.0"
    # Subscribed again shortly before the 5 s are up: the next value is taken in.
    await wait_for(hass, lambda: hass.states.get(POWER).state == "3.0", seconds=8)
    await hass.config_entries.async_unload(entry.entry_id)


async def test_polling_fallback_and_recovery(
    hass: HomeAssistant,
    start_device: StartDevice,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        coordinator_module, "PUSH_BACKOFF", Backoff(base=0.05, maximum=0.2)
    )
    p1 = await start_device("p1_3phase", push_interval=0.05)
    entry = await set_up(hass, p1.entry(**{CONF_POLL_INTERVAL: 1}))
    coordinator = entry.runtime_data
    await wait_for(hass, lambda: coordinator.next_refresh is None)
    # Push stops; the device still answers polls.
    p1.device.set_fault(Fault(FaultKind.STATUS, status=503, path_prefix="/api/ws"))
    p1.device.close_websockets()
    await wait_for(hass, lambda: coordinator.next_refresh is not None)
    assert "stopped; polling" in caplog.text
    polls = p1.device.requests["/api/measurement"]
    p1.device.set_power(777)
    await wait_for(hass, lambda: p1.device.requests["/api/measurement"] > polls)
    await wait_for(hass, lambda: hass.states.get(POWER).state == "777.0")
    # Neither path delivers: unavailable, logged once.
    p1.device.set_fault(Fault(FaultKind.DROP))
    await wait_for(hass, lambda: hass.states.get(POWER).state == "unavailable")
    for _ in range(2):  # two more failed polls, due at once
        due = coordinator.next_refresh
        assert due is not None
        async_fire_time_changed(hass, due)
        await wait_for(
            hass, lambda due=due: coordinator.next_refresh not in (None, due)
        )
    assert caplog.text.count("Error fetching") == 1
    assert tracebacks(caplog) == []
    # Push is back.
    p1.device.clear_fault()
    await wait_for(hass, lambda: coordinator.next_refresh is None, seconds=10)
    await wait_for(hass, lambda: hass.states.get(POWER).state != "unavailable")
    assert "are back" in caplog.text
    await hass.config_entries.async_unload(entry.entry_id)


async def test_polling_only(
    hass: HomeAssistant, start_device: StartDevice, freezer: FrozenDateTimeFactory
) -> None:
    kwh = await start_device("kwh3")
    entry = await set_up(hass, kwh.entry(**{CONF_UPDATE_METHOD: UPDATE_POLL}))
    assert kwh.device.ws_connections == 0
    assert entry.runtime_data.next_refresh is not None
    polls = kwh.device.requests["/api/measurement"]
    freezer.tick(timedelta(seconds=5))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert kwh.device.requests["/api/measurement"] == polls + 1
    await hass.config_entries.async_unload(entry.entry_id)


async def test_revoked_token_starts_reauth(
    hass: HomeAssistant, start_device: StartDevice
) -> None:
    p1 = await start_device("p1_1phase", push_interval=0.05)
    entry = await set_up(hass, p1.entry())
    await wait_for(hass, lambda: p1.device.ws_connections == 1)
    p1.device.revoke_all_tokens()
    await wait_for(
        hass, lambda: any(entry.async_get_active_flows(hass, {SOURCE_REAUTH}))
    )
    await hass.config_entries.async_unload(entry.entry_id)


# Values fuzzing found to crash the old parsers: a huge integer, a number as the meter
# list, an object as the tariff.
BAD_VALUES = {"power_w": 10**400, "external": 1, "tariff": {"a": []}}


async def test_bad_pushed_values_never_freeze_entities(
    hass: HomeAssistant, start_device: StartDevice, caplog: pytest.LogCaptureFixture
) -> None:
    p1 = await start_device("p1_3phase", push_interval=0.05)
    entry = await set_up(hass, p1.entry(**{CONF_MIN_WRITE_INTERVAL: 0}))
    await wait_for(hass, lambda: p1.device.ws_connections == 1)
    p1.device.extra_measurement_fields = BAD_VALUES
    # The bad value is absent, the rest of the push is taken in.
    await wait_for(hass, lambda: hass.states.get(POWER).state == "unavailable")
    p1.device.extra_measurement_fields = {}
    p1.device.set_power(55)
    await wait_for(hass, lambda: hass.states.get(POWER).state == "55.0")
    # The same connection delivered it: push never stopped.
    assert p1.device.ws_connections == 1
    assert entry.runtime_data.next_refresh is None
    assert tracebacks(caplog) == []
    await hass.config_entries.async_unload(entry.entry_id)


async def test_bad_polled_values_never_freeze_entities(
    hass: HomeAssistant,
    start_device: StartDevice,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    kwh = await start_device("p1_3phase")
    entry = await set_up(hass, kwh.entry(**{CONF_UPDATE_METHOD: UPDATE_POLL}))
    kwh.device.extra_measurement_fields = BAD_VALUES
    for _ in range(2):
        freezer.tick(timedelta(seconds=5))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(POWER).state == "unavailable"
    assert hass.states.get("sensor.p1_meter_energy_import").state != "unavailable"
    kwh.device.extra_measurement_fields = {}
    kwh.device.set_power(66)
    freezer.tick(timedelta(seconds=5))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(POWER).state == "66.0"
    assert tracebacks(caplog) == []
    await hass.config_entries.async_unload(entry.entry_id)


async def test_rejection_that_passes_ends_reauth_without_reload(
    hass: HomeAssistant, start_device: StartDevice, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(coordinator_module, "PUSH_AFTER_REJECTION", 0.05)
    p1 = await start_device("p1_1phase", push_interval=0.05)
    entry = await set_up(hass, p1.entry(**{CONF_MIN_WRITE_INTERVAL: 0}))
    await wait_for(hass, lambda: p1.device.ws_connections == 1)
    p1.device.revoke_all_tokens()
    await wait_for(
        hass, lambda: any(entry.async_get_active_flows(hass, {SOURCE_REAUTH}))
    )
    # The device takes the token again (e.g. after a restore): data flows, reauth ends.
    p1.device.add_token(p1.token, name="local/homewizard_v2#tests")
    await wait_for(
        hass, lambda: not any(entry.async_get_active_flows(hass, {SOURCE_REAUTH}))
    )
    p1.device.set_power(4321)
    await wait_for(hass, lambda: hass.states.get(POWER).state == "4321.0")
    assert entry.state is ConfigEntryState.LOADED
    await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.parametrize(
    ("fault", "state"),
    [
        (Fault(FaultKind.DROP), ConfigEntryState.SETUP_RETRY),
        (Fault(FaultKind.HTML), ConfigEntryState.SETUP_RETRY),
        (Fault(FaultKind.STATUS, status=401), ConfigEntryState.SETUP_ERROR),
    ],
)
async def test_setup_failures(
    hass: HomeAssistant,
    start_device: StartDevice,
    fault: Fault,
    state: ConfigEntryState,
    caplog: pytest.LogCaptureFixture,
) -> None:
    p1 = await start_device("battery")
    p1.device.set_fault(fault)
    entry = await set_up(hass, p1.entry())
    assert entry.state is state
    assert tracebacks(caplog) == []


async def test_wrong_device_at_the_address(
    hass: HomeAssistant, start_device: StartDevice
) -> None:
    p1 = await start_device("p1_3phase")
    battery = await start_device("battery")
    entry = p1.entry()
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, "host": battery.host}
    )
    await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY


async def test_no_secrets_in_debug_logs(
    hass: HomeAssistant, start_device: StartDevice, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    p1 = await start_device("p1_3phase", push_interval=0.05)
    entry = await set_up(hass, p1.entry())
    await wait_for(hass, lambda: p1.device.ws_connections == 1)
    await asyncio.sleep(0.2)
    await hass.config_entries.async_unload(entry.entry_id)
    assert "Request GET" in caplog.text
    assert "Response GET" in caplog.text
    assert p1.token not in caplog.text
    assert p1.device.serial not in caplog.text.lower()


@pytest.mark.parametrize(
    "fault",
    [
        Fault(FaultKind.STATUS, status=500),
        Fault(FaultKind.HANG, delay=15),
        Fault(FaultKind.MALFORMED),
        Fault(FaultKind.TRUNCATED),
        Fault(FaultKind.HTML),
        Fault(FaultKind.EMPTY),
        Fault(FaultKind.HUGE),
        Fault(FaultKind.VENDOR_ERROR, status=400),
        Fault(FaultKind.DROP),
    ],
    ids=lambda fault: fault.kind.value,
)
async def test_each_fault_makes_entities_unavailable_then_recovers(
    hass: HomeAssistant,
    start_device: StartDevice,
    caplog: pytest.LogCaptureFixture,
    fault: Fault,
) -> None:
    kwh = await start_device("kwh1")
    entry = await set_up(
        hass, kwh.entry(**{CONF_UPDATE_METHOD: UPDATE_POLL, CONF_POLL_INTERVAL: 1})
    )
    entry.runtime_data.client._transport.timeout = 0.5  # a hang outlasts it quickly
    power = "sensor.kwh_meter_power"
    assert hass.states.get(power).state != "unavailable"
    kwh.device.set_fault(fault)
    await wait_for(
        hass, lambda: hass.states.get(power).state == "unavailable", seconds=10
    )
    kwh.device.clear_fault()
    await wait_for(
        hass, lambda: hass.states.get(power).state != "unavailable", seconds=10
    )
    assert tracebacks(caplog) == []
    assert caplog.text.count("Error fetching") == 1
    assert "recovered" in caplog.text
    await hass.config_entries.async_unload(entry.entry_id)
