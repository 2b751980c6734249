"""Powervault batteries: the cloud REST API (P4/P5) and the local API (P3/P3X).

Models expose Home Assistant's units and signs only; `units` states the APIs' own.
"""

from .cloud import PowervaultCloud
from .const import (
    DEFAULT_CLOUD_URL,
    DEFAULT_OVERRIDE_DURATION,
    LOCAL_PORT,
    SCHEDULE_TZ,
    BatteryState,
    Period,
)
from .errors import NotFoundError, StateRejectedError
from .local import PowervaultLocal
from .models import (
    Account,
    ChartSample,
    DataRow,
    Override,
    Schedule,
    ScheduleSlot,
    Telemetry,
    Unit,
    energy_kwh,
)
from .state import (
    EffectiveState,
    cancelling_override,
    effective_state,
    new_override,
    parse_state,
)

__all__ = [
    "DEFAULT_CLOUD_URL",
    "DEFAULT_OVERRIDE_DURATION",
    "LOCAL_PORT",
    "SCHEDULE_TZ",
    "Account",
    "BatteryState",
    "ChartSample",
    "DataRow",
    "EffectiveState",
    "NotFoundError",
    "Override",
    "Period",
    "PowervaultCloud",
    "PowervaultLocal",
    "Schedule",
    "ScheduleSlot",
    "StateRejectedError",
    "Telemetry",
    "Unit",
    "cancelling_override",
    "effective_state",
    "energy_kwh",
    "new_override",
    "parse_state",
]
