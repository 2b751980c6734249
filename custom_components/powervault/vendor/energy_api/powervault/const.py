"""Powervault constants: URLs, ports, time zones, periods and battery states."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

DEFAULT_CLOUD_URL = "https://rest-api.powervault.co.uk/v4"
LOCAL_PORT = 5000
API_KEY_HEADER = "x-api-key"

CLOUD_TIMEOUT = 15.0
LOCAL_TIMEOUT = 10.0
# A month of 5-minute rows is about 8,900 rows of ~16 keys: well under 8 MiB.
MAX_BODY = 8 * 1024 * 1024

# Schedules are wall-clock times in the UK; overrides are UTC.
SCHEDULE_TZ = ZoneInfo("Europe/London")
# How override start/end times are written and read ("2025-06-01 11:00:00", UTC).
OVERRIDE_FORMAT = "%Y-%m-%d %H:%M:%S"
# How the local chart-data endpoint takes its start and end (UTC).
CHART_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
DEFAULT_OVERRIDE_DURATION = timedelta(hours=24)
# The cloud's data rows are 5 minutes apart.
ROW_MINUTES = 5

DAYS = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)


class Period(StrEnum):
    """The `period` query parameter of the cloud's data endpoint."""

    TODAY = "today"
    YESTERDAY = "yesterday"
    PAST_HOUR = "past-hour"
    LAST_HOUR = "last-hour"
    PAST_DAY = "past-day"
    LAST_DAY = "last-day"
    PAST_WEEK = "past-week"
    LAST_WEEK = "last-week"
    PAST_MONTH = "past-month"
    LAST_MONTH = "last-month"


class BatteryState(StrEnum):
    """A battery state, as schedules, overrides and the set-state calls spell it."""

    NORMAL = "normal"
    ONLY_CHARGE = "only-charge"
    ONLY_DISCHARGE = "only-discharge"
    FORCE_CHARGE = "force-charge"
    FORCE_DISCHARGE = "force-discharge"
    DISABLE = "disable"
    DORMANT = "dormant"
