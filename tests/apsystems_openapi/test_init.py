"""Setup, restarts, the quota, faults, stale inverters, buttons, logs and diagnostics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.apsystems_openapi import async_remove_config_entry_device
from custom_components.apsystems_openapi.const import DOMAIN
from custom_components.apsystems_openapi.diagnostics import (
    async_get_config_entry_diagnostics,
)
from simulators.apsystems import APP_ID, APP_SECRET, SID, ApsystemsCloud, SystemConfig
from simulators.faults import Fault, FaultKind
from simulators.pytest_plugin import StartSimulator
from tests.ha_helpers import run_until

from .conftest import SUMMER_MORNING, Cloud, set_up

POWER = "sensor.apsystems_649a_power"
LIFETIME = "sensor.apsystems_649a_lifetime_production"


def tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return what was logged with a traceback at WARNING or above."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.levelno >= logging.WARNING and record.exc_info
    ]


async def press(hass: HomeAssistant, entity_id: str) -> None:
    await hass.services.async_call(
        "button", "press", {"entity_id": entity_id}, blocking=True
    )
    await hass.async_block_till_done()


def number(hass: HomeAssistant, entity_id: str) -> float:
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return float(state.state)


async def test_setup_shows_values_and_unloads(
    hass: HomeAssistant, cloud: Cloud
) -> None:
    """The first setup reads the list, the summary and the ECU; unload is clean."""
    entry = cloud.entry()
    coordinator = await set_up(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    assert number(hass, POWER) > 0
    assert number(hass, LIFETIME) > 1000
    assert coordinator.calls_used() == cloud.calls()
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    assert len(devices) == 1 + 1 + 6  # system, ECU, inverters
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED


async def test_restart_costs_no_call(
    hass: HomeAssistant, cloud: Cloud, freezer: FrozenDateTimeFactory
) -> None:
    """Reloading (as a restart does) makes no call until the next planned poll."""
    entry = cloud.entry()
    coordinator = await set_up(hass, entry)
    await run_until(hass, freezer, coordinator, SUMMER_MORNING + timedelta(hours=3))
    lifetime = number(hass, LIFETIME)
    calls = cloud.calls()
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert cloud.calls() == calls
    assert number(hass, LIFETIME) == lifetime
    assert number(hass, POWER) > 0


async def test_energy_never_decreases_over_a_day(
    hass: HomeAssistant, cloud: Cloud, freezer: FrozenDateTimeFactory
) -> None:
    """The lifetime total only rises, through the evening, midnight and the next morning."""
    coordinator = await set_up(hass, cloud.entry())
    seen: list[float] = []
    month: list[float] = []
    end = SUMMER_MORNING + timedelta(days=1, hours=4)
    while (due := coordinator.next_refresh) is not None and due < end:
        await run_until(hass, freezer, coordinator, due)
        seen.append(number(hass, LIFETIME))
        month.append(number(hass, "sensor.apsystems_649a_production_this_month"))
    assert seen == sorted(seen)
    assert seen[-1] > seen[0]
    assert month == sorted(month), "this month's total does not dip at midnight"
    today = hass.states.get("sensor.apsystems_649a_production_today")
    assert today is not None


async def test_power_is_zero_at_night(
    hass: HomeAssistant, cloud: Cloud, freezer: FrozenDateTimeFactory
) -> None:
    """After the window the power shows 0, not unavailable, and no call is made."""
    coordinator = await set_up(hass, cloud.entry())
    night = datetime(2026, 6, 10, 23, 30, tzinfo=UTC)
    await run_until(hass, freezer, coordinator, night)
    calls = cloud.calls()
    await run_until(hass, freezer, coordinator, night + timedelta(hours=3))
    assert number(hass, POWER) == 0
    assert cloud.calls() == calls


async def test_quota_exhausted_stops_calls_until_next_month(
    hass: HomeAssistant,
    simulator: StartSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A 2005 answer raises a repair, keeps the values and stops calls until the month turns."""
    freezer.move_to(datetime(2026, 6, 29, 9, 1, tzinfo=UTC))
    cloud = Cloud(await simulator(ApsystemsCloud(SystemConfig(), quota=8)))
    entry = cloud.entry()
    coordinator = await set_up(hass, entry)
    await run_until(
        hass, freezer, coordinator, datetime(2026, 6, 29, 15, 0, tzinfo=UTC)
    )
    issue_id = f"quota_exhausted_{entry.entry_id}"
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is not None
    refused = cloud.calls()
    await run_until(
        hass, freezer, coordinator, datetime(2026, 6, 30, 20, 0, tzinfo=UTC)
    )
    assert cloud.calls() == refused, "no call into the wall"
    assert hass.states.get(LIFETIME).state != STATE_UNAVAILABLE
    await run_until(hass, freezer, coordinator, datetime(2026, 7, 1, 9, 0, tzinfo=UTC))
    july = [
        code
        for moment, app, _path, code in cloud.cloud.calls
        if app == APP_ID and moment.month == 7
    ]
    assert july[0] == 0, "calls resume when the month turns"
    assert tracebacks(caplog) == []


@pytest.mark.parametrize(
    "fault",
    [
        Fault(FaultKind.STATUS, status=500),
        Fault(FaultKind.STATUS, status=401),
        Fault(FaultKind.MALFORMED),
        Fault(FaultKind.TRUNCATED),
        Fault(FaultKind.HTML),
        Fault(FaultKind.EMPTY),
        Fault(FaultKind.HUGE),
        Fault(FaultKind.CONTENT_TYPE),
        Fault(FaultKind.VENDOR_ERROR),
        Fault(FaultKind.VENDOR_ERROR, body={"code": 4000, "data": None}),
        Fault(FaultKind.VENDOR_ERROR, body={"code": 1001, "data": None}),
        Fault(FaultKind.VENDOR_ERROR, body={"code": 0, "data": "garbage"}),
        Fault(FaultKind.DROP),
    ],
    ids=lambda fault: f"{fault.kind}-{fault.status}-{fault.body}",
)
async def test_fault_then_recovery(
    hass: HomeAssistant,
    cloud: Cloud,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    fault: Fault,
) -> None:
    """A fault never logs a traceback, never lowers the total, and the next good poll recovers."""
    coordinator = await set_up(hass, cloud.entry())
    lifetime = number(hass, LIFETIME)
    cloud.cloud.set_fault(fault)
    await run_until(hass, freezer, coordinator, SUMMER_MORNING + timedelta(hours=2))
    assert number(hass, LIFETIME) >= lifetime
    cloud.cloud.clear_fault()
    await run_until(hass, freezer, coordinator, SUMMER_MORNING + timedelta(hours=5))
    assert number(hass, LIFETIME) >= lifetime
    if fault.status == 401:
        flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        assert [flow["context"]["source"] for flow in flows] == ["reauth"]
    else:
        assert number(hass, POWER) >= 0
    assert tracebacks(caplog) == []


async def test_stale_inverter_removed(
    hass: HomeAssistant, simulator: StartSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """An inverter the list no longer has is removed; an empty list removes nothing."""
    freezer.move_to(SUMMER_MORNING)
    system = SystemConfig()
    cloud = Cloud(await simulator(ApsystemsCloud(system)))
    entry = cloud.entry()
    coordinator = await set_up(hass, entry)
    registry = dr.async_get(hass)
    gone = system.ecus[0].inverters[-1].uid
    assert any(
        (DOMAIN, gone) in d.identifiers
        for d in dr.async_entries_for_config_entry(registry, entry.entry_id)
    )

    inverters_path = f"/user/api/v2/systems/inverters/{SID}"
    cloud.cloud.set_fault(
        Fault(
            FaultKind.VENDOR_ERROR,
            body={"code": 0, "data": []},
            count=1,
            path_prefix=inverters_path,
        )
    )
    await press(hass, "button.apsystems_649a_scan_inverters")
    assert len(dr.async_entries_for_config_entry(registry, entry.entry_id)) == 8

    ecu = system.ecus[0]
    listed = [
        {
            "eid": ecu.eid,
            "type": 0,
            "timezone": "Europe/London",
            "inverter": [
                {"uid": inv.uid, "type": inv.model} for inv in ecu.inverters[:-1]
            ],
        }
    ]
    cloud.cloud.set_fault(
        Fault(
            FaultKind.VENDOR_ERROR,
            body={"code": 0, "data": listed},
            count=1,
            path_prefix=inverters_path,
        )
    )
    await press(hass, "button.apsystems_649a_scan_inverters")
    devices = dr.async_entries_for_config_entry(registry, entry.entry_id)
    assert len(devices) == 7
    assert all((DOMAIN, gone) not in d.identifiers for d in devices)
    assert coordinator.state.ecus[0].inverters[-1].uid != gone


async def test_buttons_refuse_when_reserve_spent(
    hass: HomeAssistant, cloud: Cloud
) -> None:
    """Refresh inverter data spends the reserve, then refuses with a translated error."""
    entry = cloud.entry(manual_reserve=9)
    coordinator = await set_up(hass, entry)
    calls = cloud.calls()
    await press(hass, "button.apsystems_649a_refresh_inverter_data")
    assert cloud.calls() > calls
    assert coordinator.state.routine.usage.manual_spent > 0
    for _ in range(3):
        if coordinator.plan.manual_allowance(dt_util.utcnow()) < 3:
            break
        await press(hass, "button.apsystems_649a_refresh_inverter_data")
    with pytest.raises(HomeAssistantError) as err:
        await press(hass, "button.apsystems_649a_refresh_inverter_data")
    assert err.value.translation_key == "reserve_spent"


async def test_no_secret_in_logs_or_diagnostics(
    hass: HomeAssistant,
    cloud: Cloud,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """DEBUG logs and diagnostics carry neither credentials nor ids."""
    caplog.set_level(logging.DEBUG)
    entry = cloud.entry()
    coordinator = await set_up(hass, entry)
    cloud.cloud.set_fault(
        Fault(FaultKind.VENDOR_ERROR, body={"code": 4000, "data": None}, count=1)
    )
    await run_until(hass, freezer, coordinator, SUMMER_MORNING + timedelta(hours=14))
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    secrets = [APP_ID, APP_SECRET, SID] + [
        ident
        for ecu in coordinator.state.ecus
        for ident in (ecu.eid, *(i.uid for i in ecu.inverters))
    ]
    text = caplog.text + str(diagnostics)
    for secret in secrets:
        assert secret not in text
    assert diagnostics["plan"]["quota"] == 1000


async def test_remove_entry_and_devices(
    hass: HomeAssistant, cloud: Cloud, hass_storage: dict[str, Any]
) -> None:
    """Only unreported devices may be deleted; removing the entry drops its state and repairs."""
    entry = cloud.entry(planning="fixed", scan_interval=1800)
    coordinator = await set_up(hass, entry)
    registry = dr.async_get(hass)
    system = next(
        d
        for d in dr.async_entries_for_config_entry(registry, entry.entry_id)
        if (DOMAIN, SID) in d.identifiers
    )
    assert not await async_remove_config_entry_device(hass, entry, system)
    ghost = registry.async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={(DOMAIN, "703999999999")}
    )
    assert await async_remove_config_entry_device(hass, entry, ghost)
    key = coordinator.store.key
    assert ir.async_get(hass).async_get_issue(
        DOMAIN, f"interval_over_quota_{entry.entry_id}"
    )
    assert await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert (
        ir.async_get(hass).async_get_issue(
            DOMAIN, f"interval_over_quota_{entry.entry_id}"
        )
        is None
    )
    assert key not in hass_storage


async def test_unknown_timezone_falls_back_to_ha(
    hass: HomeAssistant, cloud: Cloud
) -> None:
    """A timezone name the system reports but Python does not know: HA's is used."""
    entry = cloud.entry()
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=entry.title,
        unique_id=entry.unique_id,
        data={**entry.data, "timezone": "Mars/Olympus"},
    )
    coordinator = await set_up(hass, entry)
    assert str(coordinator.plan.settings.timezone) == "Europe/London"
