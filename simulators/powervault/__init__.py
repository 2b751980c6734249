"""Powervault simulators: the v4 cloud (P4/P5) and the local API of a P3/P3X.

    model = PowervaultModel(BatteryConfig(), clock=clock)
    cloud = PowervaultCloudSim(clock=clock)            # x-api-key, units PV-1001/PV-1002
    local = PowervaultLocalSim("p3x", clock=clock)     # /api/... on one unit
    sim = await simulator(cloud)
    client = PowervaultTestClient(sim, session)
    rows = (await client.get("/unit/PV-1001/data", period="today"))["data"]

One physical model per unit (30-s steps) is the truth: `energy_kwh(kind,
start, end)`, `row(start)`, `step(at)`, `soc_pct(at)` and `counters_wh(at)`.
Cloud rows are its slot means in mW; local telemetry and chart-data show
its step powers in W with local signs.
"""

from .clocks import LONDON, STEP_S
from .cloud import (
    ACCOUNT_ID,
    DEFAULT_API_KEY,
    DEFAULT_UNITS,
    PowervaultCloudSim,
    UnitConfig,
)
from .controls import Controls, Override, Schedule, ScheduleSlot
from .local import DEFAULT_UNIT_ID, PowervaultLocalSim
from .physics import FLOWS, KINDS, TOTALS, BatteryConfig, PowervaultModel, Step
from .rows import Period
from .states import BatteryState

__all__ = [
    "ACCOUNT_ID",
    "DEFAULT_API_KEY",
    "DEFAULT_UNITS",
    "DEFAULT_UNIT_ID",
    "FLOWS",
    "KINDS",
    "LONDON",
    "STEP_S",
    "TOTALS",
    "BatteryConfig",
    "BatteryState",
    "Controls",
    "Override",
    "Period",
    "PowervaultCloudSim",
    "PowervaultLocalSim",
    "PowervaultModel",
    "Schedule",
    "ScheduleSlot",
    "Step",
    "UnitConfig",
]
