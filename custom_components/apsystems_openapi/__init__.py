"""APsystems solar systems through the EMA cloud's OpenAPI, under its monthly call quota."""

from __future__ import annotations

from datetime import timedelta
import os
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.util import dt as dt_util

from .config_flow import CONF_FLOW_CALLS
from .const import (
    CONF_APP_ID,
    CONF_APP_SECRET,
    CONF_BASE_URL,
    CONF_INTERVAL,
    CONF_INVERTER_DETAIL,
    CONF_PLANNING,
    CONF_QUOTA,
    CONF_RESERVE,
    CONF_SUNRISE_OFFSET,
    CONF_SUNSET_OFFSET,
    CONF_TIMEZONE,
    DEFAULT_INTERVAL,
    DEFAULT_QUOTA,
    DEFAULT_RESERVE,
    DEFAULT_SUNRISE_OFFSET,
    DEFAULT_SUNSET_OFFSET,
    DEVELOPMENT_TIME_WARP_ENV,
    DOMAIN,
    ISSUE_INTERVAL_OVER_QUOTA,
    PLANNING_FIXED,
    PLATFORMS,
)
from .coordinator import ApsystemsConfigEntry, ApsystemsCoordinator
from .planning import CallPlan, PlanSettings
from .state import STATE
from .vendor.energy_api.apsystems import ApsystemsClient
from .vendor.energy_api.ha.devices import removal_allowed
from .vendor.energy_api.ha.entry import SETUP_DONE, async_unload_platforms
from .vendor.energy_api.ha.store import PersistedState
from .vendor.energy_api.schedule.solar import SolarWindow
from .vendor.energy_api.timewarp import TimeWarp


def system_timezone(hass: HomeAssistant, entry: ApsystemsConfigEntry) -> ZoneInfo:
    """Return the system's own timezone (EMA's days and hours), else HA's."""
    for name in (entry.data.get(CONF_TIMEZONE), hass.config.time_zone):
        try:
            return ZoneInfo(str(name))
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return ZoneInfo("UTC")


def plan_settings(
    hass: HomeAssistant, entry: ApsystemsConfigEntry, tz: ZoneInfo
) -> PlanSettings:
    """Return the plan's settings from the entry's options and HA's location."""
    options = entry.options
    window = SolarWindow(
        hass.config.latitude,
        hass.config.longitude,
        before_sunrise=-timedelta(
            minutes=options.get(CONF_SUNRISE_OFFSET, DEFAULT_SUNRISE_OFFSET)
        ),
        after_sunset=timedelta(
            minutes=options.get(CONF_SUNSET_OFFSET, DEFAULT_SUNSET_OFFSET)
        ),
    )
    fixed = (
        timedelta(seconds=options.get(CONF_INTERVAL, DEFAULT_INTERVAL))
        if options.get(CONF_PLANNING) == PLANNING_FIXED
        else None
    )
    warp = os.environ.get(DEVELOPMENT_TIME_WARP_ENV)
    return PlanSettings(
        warp=None if warp is None else TimeWarp.parse(warp),
        window=window,
        timezone=tz,
        quota=int(options.get(CONF_QUOTA, DEFAULT_QUOTA)),
        reserve=int(options.get(CONF_RESERVE, DEFAULT_RESERVE)),
        fixed_interval=fixed,
        inverter_detail=bool(options.get(CONF_INVERTER_DETAIL, True)),
    )


async def async_setup_entry(
    hass: HomeAssistant, entry: ApsystemsConfigEntry
) -> bool | None:
    """Load what is known, refresh only if a poll is due, then add the entities."""
    store = PersistedState(hass, entry, "system", STATE)
    state = await store.async_load()
    tz = system_timezone(hass, entry)
    flow_calls = entry.data.get(CONF_FLOW_CALLS)
    if not state.routine.usage.month and isinstance(flow_calls, dict):
        state.routine.usage.month = str(flow_calls.get("month", ""))
        state.routine.usage.spent = int(flow_calls.get("count", 0))
    client = ApsystemsClient(
        async_get_clientsession(hass),
        entry.data[CONF_APP_ID],
        entry.data[CONF_APP_SECRET],
        base_url=entry.data[CONF_BASE_URL],
        timezone=tz,
        clock=lambda: dt_util.utcnow().timestamp(),
        # Every attempt costs quota: a failed poll waits for the next planned one.
        retry_attempts=1,
    )
    plan = CallPlan(plan_settings(hass, entry, tz), state)
    coordinator = ApsystemsCoordinator(hass, entry, client, plan, store)
    if state.ecus:
        # Known system: a failed call must not make HA retry setup (each retry costs quota).
        await coordinator.async_refresh()
    else:
        await coordinator.async_config_entry_first_refresh()
    entry.runtime_data = coordinator
    _check_fixed_interval(hass, entry, plan)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    entry.async_on_unload(entry.add_update_listener(_async_options_updated))
    return SETUP_DONE


def _check_fixed_interval(
    hass: HomeAssistant, entry: ApsystemsConfigEntry, plan: CallPlan
) -> None:
    """Warn when a fixed interval would need more calls than the quota in some month."""
    issue_id = f"{ISSUE_INTERVAL_OVER_QUOTA}_{entry.entry_id}"
    estimate = plan.fixed_month_estimate(plan.warped(dt_util.utcnow()))
    if estimate > plan.settings.quota:
        ir.async_create_issue(
            hass,
            DOMAIN,
            issue_id,
            is_fixable=True,
            data={"entry_id": entry.entry_id},
            severity=ir.IssueSeverity.WARNING,
            translation_key=ISSUE_INTERVAL_OVER_QUOTA,
            translation_placeholders={
                "title": entry.title,
                "estimate": str(estimate),
                "quota": str(plan.settings.quota),
            },
        )
    else:
        ir.async_delete_issue(hass, DOMAIN, issue_id)


async def _async_options_updated(
    hass: HomeAssistant, entry: ApsystemsConfigEntry
) -> None:
    """Reload with the new options."""
    await hass.config_entries.async_reload(entry.entry_id)


async def async_unload_entry(
    hass: HomeAssistant, entry: ApsystemsConfigEntry
) -> bool | None:
    """Unload the platforms; the store flushes pending changes."""
    return await async_unload_platforms(hass, entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: ApsystemsConfigEntry) -> None:
    """Delete the stored state and the repairs of a removed system."""
    store = PersistedState(hass, entry, "system", STATE)
    await store.async_remove()
    for issue in list(ir.async_get(hass).issues.values()):
        if issue.domain == DOMAIN and issue.issue_id.endswith(entry.entry_id):
            ir.async_delete_issue(hass, DOMAIN, issue.issue_id)


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: ApsystemsConfigEntry, device: dr.DeviceEntry
) -> bool:
    """Allow deleting only ECUs and inverters the API no longer reports."""
    coordinator: ApsystemsCoordinator = entry.runtime_data
    return removal_allowed(device, coordinator.reported())
