"""Run our `powervault` (cloud) for a simulated day in HA's test harness; write a JSON trace.

Driven by `benchmarks/powervault_cloud.py`, which passes the plan (set-up time,
the day measured, the simulator's `drop_every`) as JSON in `POWERVAULT_CLOUD_PLAN`
and reads the trace from the path in `POWERVAULT_CLOUD_TRACE`. The simulated cloud
(`PowervaultCloudSim`, unit PV-1001) is reached through the developer setting
`POWERVAULT_DEVELOPMENT_CLOUD_URL`, as `tests/powervault` does; HA's frozen clock
(and so the cloud's data clock) moves from planned refresh to planned refresh.
After every refresh the trace records the time, the requests the cloud received
so far and `unit.measured_at`; at the day's start and end the ledger (totals and
the rows counted) and the requests per path.
"""

from __future__ import annotations

from datetime import UTC, datetime
import json
from pathlib import Path
import sys
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped]
    MockConfigEntry,
)

from custom_components.powervault.const import (
    CONF_API_KEY,
    CONF_CONNECTION,
    CONF_UNIT_ID,
    CONNECTION_CLOUD,
    DEVELOPMENT_CLOUD_URL_ENV,
    DOMAIN,
)
from custom_components.powervault.coordinator import PowervaultCoordinator
from custom_components.powervault.energy import KINDS
from simulators.powervault import DEFAULT_API_KEY, PowervaultCloudSim
from simulators.pytest_plugin import StartSimulator

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ha_harness import ClockedRun, iso, plan_json, write_trace

PLAN_ENV = "POWERVAULT_CLOUD_PLAN"
TRACE_ENV = "POWERVAULT_CLOUD_TRACE"
UNIT = "PV-1001"


class Run(ClockedRun):
    """One config entry against one simulated cloud, and the trace of what it did."""

    def __init__(
        self,
        hass: HomeAssistant,
        freezer: FrozenDateTimeFactory,
        cloud: PowervaultCloudSim,
        coordinator: PowervaultCoordinator,
    ) -> None:
        """Drive `coordinator` (set up) against `cloud`."""
        super().__init__(hass, freezer)
        self.cloud = cloud
        self.coordinator = coordinator
        self.refreshes: list[list[Any]] = []

    def calls(self) -> int:
        """Return every request the cloud received."""
        return sum(self.cloud.requests.values())

    def snapshot(self) -> None:
        """Record the time, the requests so far and the time of the newest row shown."""
        self.refreshes.append(
            [
                iso(datetime.now(UTC)),
                self.calls(),
                iso(self.coordinator.unit.measured_at),
            ]
        )

    def mark(self) -> dict[str, Any]:
        """Return the ledger and the requests now."""
        ledger = self.coordinator.ledger.data
        return {
            "at": iso(datetime.now(UTC)),
            "calls": self.calls(),
            "requests": dict(self.cloud.requests),
            "totals_kwh": {kind: ledger.totals_kwh[kind] for kind in KINDS},
            "seen_rows": sorted(
                m.astimezone(UTC).isoformat() for m in ledger.seen_rows
            ),
            "last_row": iso(ledger.last_row),
        }

    def next_refresh(self) -> datetime | None:
        """Return when the coordinator refreshes next."""
        return self.coordinator.next_refresh

    def refreshed(self) -> None:
        """Record a refresh."""
        self.snapshot()


async def test_day(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: StartSimulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Set up at the plan's time, run through the day, write the trace."""
    plan = json.loads(plan_json(PLAN_ENV, TRACE_ENV, "powervault_cloud.py"))
    setup = datetime.fromisoformat(plan["setup"])
    day_start = datetime.fromisoformat(plan["day_start"])
    day_end = datetime.fromisoformat(plan["day_end"])
    await hass.config.async_set_time_zone("Europe/London")

    freezer.move_to(setup)
    sim = await simulator(
        PowervaultCloudSim(
            drop_every=int(plan["drop_every"]),
            publish_seconds=int(plan["publish_seconds"]),
        )
    )
    cloud = sim.device
    monkeypatch.setenv(DEVELOPMENT_CLOUD_URL_ENV, sim.url)
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Powervault P4",
        unique_id=UNIT,
        data={
            CONF_CONNECTION: CONNECTION_CLOUD,
            CONF_API_KEY: DEFAULT_API_KEY,
            CONF_UNIT_ID: UNIT,
        },
    )
    entry.add_to_hass(hass)
    if not await hass.config_entries.async_setup(entry.entry_id):
        raise RuntimeError("the config entry did not set up")
    await hass.async_block_till_done(wait_background_tasks=True)
    coordinator: PowervaultCoordinator = entry.runtime_data
    run = Run(hass, freezer, cloud, coordinator)
    run.snapshot()

    await run.run_until(day_start)
    start = run.mark()
    await run.run_until(day_end)
    end = run.mark()

    model = cloud.model(UNIT)
    trace = {
        "plan": plan,
        "model_anchor": iso(model.anchor()),
        "truth_day_kwh": {
            kind: model.energy_kwh(kind, day_start, day_end) for kind in KINDS
        },
        "refreshes": run.refreshes,
        "start": start,
        "end": end,
    }
    await write_trace(hass, TRACE_ENV, trace)
