"""Run our `apsystems_openapi` for a simulated month in HA's test harness; write a JSON trace.

Driven by `benchmarks/apsystems_month.py`, which passes the plan (place, fleet, span
and user events) as JSON in `APSYSTEMS_MONTH_PLAN` and reads the trace from the path
in `APSYSTEMS_MONTH_TRACE`. HA's frozen clock (and so the simulated cloud's data
clock) moves from planned refresh to planned refresh, as `tests/apsystems_openapi`
does. A restart reloads the config entry; a press is the "Refresh inverter data"
button. After every refresh the trace records the time, the calls so far, the
publication time of the newest 5-minute point held (`power_at`) and each
inverter's `detail_at`; at the end the hourly production statistics and every call
the cloud answered.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
import sys
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder.statistics import statistics_during_period
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.recorder import get_instance
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped]
    MockConfigEntry,
)
from pytest_homeassistant_custom_component.components.recorder.common import (  # type: ignore[import-untyped]
    async_wait_recording_done,
)

from custom_components.apsystems_openapi.const import (
    CONF_APP_ID,
    CONF_APP_SECRET,
    CONF_BASE_URL,
    CONF_SID,
    CONF_TIMEZONE,
    DOMAIN,
)
from custom_components.apsystems_openapi.coordinator import ApsystemsCoordinator
from custom_components.apsystems_openapi.statistics import statistic_id
from simulators.apsystems import APP_ID, APP_SECRET, SID, ApsystemsCloud
from simulators.pytest_plugin import StartSimulator

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from apsystems_month import PLAN_ENV, TRACE_ENV, Plan, system_config
from ha_harness import ClockedRun, iso, plan_json, write_trace


class Run(ClockedRun):
    """One config entry against one cloud, and the trace of what it did."""

    def __init__(
        self,
        hass: HomeAssistant,
        freezer: FrozenDateTimeFactory,
        cloud: ApsystemsCloud,
        entry: Any,
    ) -> None:
        """Drive `entry` (already added) against `cloud`."""
        super().__init__(hass, freezer)
        self.cloud = cloud
        self.entry = entry
        self.snapshots: list[dict[str, Any]] = []
        self.actions: list[dict[str, Any]] = []

    @property
    def coordinator(self) -> ApsystemsCoordinator:
        """Return the entry's current coordinator (a new one after each reload)."""
        coordinator: ApsystemsCoordinator = self.entry.runtime_data
        return coordinator

    def calls(self) -> int:
        """Return every request the cloud answered for our app id."""
        return sum(1 for call in self.cloud.calls if call[1] == APP_ID)

    def snapshot(self, kind: str) -> None:
        """Record what the integration holds now."""
        state = self.coordinator.state
        uids = [inv.uid for ecu in state.ecus for inv in ecu.inverters]
        detail = {
            uid: iso(
                None if uid not in state.inverters else state.inverters[uid].detail_at
            )
            for uid in uids
        }
        self.snapshots.append(
            {
                "at": iso(datetime.now(UTC)),
                "kind": kind,
                "calls": self.calls(),
                "calls_used": self.coordinator.calls_used(),
                "power_at": iso(state.production.power_at),
                "detail_at": detail,
            }
        )

    def next_refresh(self) -> datetime | None:
        """Return when the coordinator refreshes next."""
        return self.coordinator.next_refresh

    def refreshed(self) -> None:
        """Record a refresh."""
        self.snapshot("refresh")

    async def run_until(self, end: datetime) -> None:
        """Refresh by refresh up to `end`, recording each and the state at `end`."""
        await super().run_until(end)
        self.snapshot("refresh")

    async def restart(self) -> None:
        """Reload the entry: what an HA restart does to the integration."""
        calls = self.calls()
        reloaded = await self.hass.config_entries.async_reload(self.entry.entry_id)
        await self.hass.async_block_till_done(wait_background_tasks=True)
        self.actions.append(
            {
                "at": iso(datetime.now(UTC)),
                "kind": "restart",
                "ok": bool(reloaded),
                "calls": self.calls() - calls,
            }
        )
        self.snapshot("restart")

    async def press(self) -> None:
        """Press "Refresh inverter data"; a refused press (reserve spent) is recorded."""
        registry = er.async_get(self.hass)
        entity_id = registry.async_get_entity_id(
            "button", DOMAIN, f"{SID}_refresh_inverters"
        )
        calls = self.calls()
        error = None
        try:
            await self.hass.services.async_call(
                "button", "press", {"entity_id": entity_id}, blocking=True
            )
        except HomeAssistantError as err:
            error = str(err)
        await self.hass.async_block_till_done(wait_background_tasks=True)
        self.actions.append(
            {
                "at": iso(datetime.now(UTC)),
                "kind": "press",
                "ok": error is None,
                "error": error,
                "calls": self.calls() - calls,
            }
        )
        self.snapshot("press")

    async def statistics(self, start: datetime, end: datetime) -> list[list[Any]]:
        """Return the imported hourly statistics in [start, end): [hour start, state, sum]."""
        await async_wait_recording_done(self.hass)
        stat = statistic_id(SID)
        rows = await get_instance(self.hass).async_add_executor_job(
            statistics_during_period,
            self.hass,
            start,
            end,
            {stat},
            "hour",
            None,
            {"state", "sum"},
        )
        return [
            [iso(datetime.fromtimestamp(row["start"], UTC)), row["state"], row["sum"]]
            for row in rows.get(stat, [])
        ]


async def test_month(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, simulator: StartSimulator
) -> None:
    """Run the plan's span with its restarts and presses; write the trace."""
    plan = Plan.from_json(plan_json(PLAN_ENV, TRACE_ENV, "apsystems_month.py"))
    hass.config.latitude = plan.latitude
    hass.config.longitude = plan.longitude
    await hass.config.async_set_time_zone(plan.timezone)

    freezer.move_to(plan.start)
    cloud = ApsystemsCloud(system_config(plan.inverters, plan.latitude))
    sim = await simulator(cloud)
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="APsystems 649A",
        unique_id=SID,
        data={
            CONF_APP_ID: APP_ID,
            CONF_APP_SECRET: APP_SECRET,
            CONF_SID: SID,
            CONF_BASE_URL: sim.url,
            CONF_TIMEZONE: plan.timezone,
        },
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    run = Run(hass, freezer, cloud, entry)
    run.snapshot("setup")

    for moment, kind in plan.events:
        await run.run_until(moment)
        if kind == "restart":
            await run.restart()
        else:
            await run.press()
    await run.run_until(plan.end)

    month = plan.month_start.astimezone(cloud.zone).strftime("%Y-%m")
    trace = {
        "plan": plan.to_dict(),
        "uids": [
            inv.uid for ecu in run.coordinator.state.ecus for inv in ecu.inverters
        ],
        "calls_in_month": cloud.calls_in_month(APP_ID, month),
        "calls": [
            [iso(moment), path, code]
            for moment, app, path, code in cloud.calls
            if app == APP_ID
        ],
        "snapshots": run.snapshots,
        "actions": run.actions,
        "statistics": await run.statistics(plan.start, plan.end),
    }
    await write_trace(hass, TRACE_ENV, trace)
