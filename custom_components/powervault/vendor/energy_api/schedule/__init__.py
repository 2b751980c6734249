"""When to call a device or cloud: solar windows, quota planning, refresh policies."""

from .policy import (
    FixedInterval,
    PushWithFallback,
    QuotaPlanned,
    SchedulePolicy,
    SolarWindowInterval,
)
from .quota import QuotaPlanner
from .solar import SolarWindow
from .usage import MonthlyUsage

__all__ = [
    "FixedInterval",
    "MonthlyUsage",
    "PushWithFallback",
    "QuotaPlanned",
    "QuotaPlanner",
    "SchedulePolicy",
    "SolarWindow",
    "SolarWindowInterval",
]
