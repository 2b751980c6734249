"""Cloud data rows (milliwatts, cloud signs) and the windows of `period=` answers."""

from __future__ import annotations

from collections.abc import Mapping
import datetime as dt
from enum import StrEnum
from typing import Any

from .clocks import SLOT_S, as_utc, floor_to, iso_z, london_date, london_midnight

# Cloud key -> model kind of the nine non-negative flows (mean mW over the row).
FLOW_KEYS = {
    "batteryInputFromGrid": "battery_from_grid",
    "batteryInputFromSolar": "battery_from_solar",
    "batteryOutputConsumedByHome": "battery_to_home",
    "batteryOutputExported": "battery_exported",
    "homeConsumed": "home_consumed",
    "gridConsumedByHome": "grid_to_home",
    "solarConsumedByHome": "solar_to_home",
    "solarExported": "solar_exported",
    "solarGenerated": "solar_generated",
}
INSTANT_KEYS = (
    "instant_soc",
    "instant_battery",
    "instant_demand",
    "instant_grid",
    "instant_solar",
)
ROW_KEYS = ("time", *INSTANT_KEYS, *FLOW_KEYS, "solarConsumption")


class Period(StrEnum):
    """The `period=` values the cloud accepts."""

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


ENDING_NOW = frozenset(
    (
        Period.TODAY,
        Period.PAST_HOUR,
        Period.PAST_DAY,
        Period.PAST_WEEK,
        Period.PAST_MONTH,
    )
)
"""Periods whose answers end with the (blank) row in progress."""


def _mw(watts: float) -> int:
    return round(watts * 1000)


def cloud_row(
    start: dt.datetime, means: Mapping[str, float], soc_pct: float
) -> dict[str, Any]:
    """Return the row of the slot at `start` from mean powers (W, model kinds, >= 0).

    `instant_battery` + discharging, `instant_demand` negative (home draw),
    `instant_grid` + import, `instant_solar` + generation; `solarConsumption`
    is solar used on site (to the home and the battery); all in mW.
    """
    row: dict[str, Any] = {
        "time": iso_z(start),
        "instant_soc": round(soc_pct, 1),
        "instant_battery": _mw(means["battery_discharge"] - means["battery_charge"]),
        "instant_demand": -_mw(means["home"]),
        "instant_grid": _mw(means["grid_import"] - means["grid_export"]),
        "instant_solar": _mw(means["solar"]),
    }
    for key, kind in FLOW_KEYS.items():
        row[key] = _mw(means[kind])
    row["solarConsumption"] = _mw(means["solar_to_home"] + means["battery_from_solar"])
    return row


def null_row(start: dt.datetime) -> dict[str, Any]:
    """Return the row at `start` with every value null (in progress or not yet published)."""
    row: dict[str, Any] = dict.fromkeys(ROW_KEYS)
    row["time"] = iso_z(start)
    return row


def period_window(period: Period, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """Return [first slot, end) of the complete rows `period` covers at `now`.

    Days, weeks (Monday first) and months are London's; "past-*" windows end
    at the slot in progress: past-hour is the 12 rows of the hour before it
    (13 with the row in progress), past-day 24 h, past-week 7 days, past-month
    30 days.
    """
    now = as_utc(now)
    current = floor_to(now, SLOT_S)
    today = london_date(now)
    midnight = london_midnight(today)
    match period:
        case Period.TODAY:
            start, end = midnight, current
        case Period.YESTERDAY | Period.LAST_DAY:
            start, end = london_midnight(today - dt.timedelta(days=1)), midnight
        case Period.PAST_HOUR:
            start, end = current - dt.timedelta(hours=1), current
        case Period.LAST_HOUR:
            hour = floor_to(now, 3600)
            start, end = hour - dt.timedelta(hours=1), hour
        case Period.PAST_DAY:
            start, end = current - dt.timedelta(days=1), current
        case Period.PAST_WEEK:
            start, end = current - dt.timedelta(days=7), current
        case Period.LAST_WEEK:
            monday = today - dt.timedelta(days=today.weekday())
            start = london_midnight(monday - dt.timedelta(days=7))
            end = london_midnight(monday)
        case Period.PAST_MONTH:
            start, end = current - dt.timedelta(days=30), current
        case Period.LAST_MONTH:
            first = today.replace(day=1)
            previous = (first - dt.timedelta(days=1)).replace(day=1)
            start, end = london_midnight(previous), london_midnight(first)
    return start, min(end, current)


def slot_starts(start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """Return the slot starts within [`start`, `end`)."""
    step = dt.timedelta(seconds=SLOT_S)
    slots = []
    at = start
    while at < end:
        slots.append(at)
        at += step
    return slots


def dropped(start: dt.datetime, drop_every: int) -> bool:
    """Return whether history answers leave out the row at `start` (every n-th slot)."""
    if drop_every <= 0:
        return False
    index = int(as_utc(start).timestamp()) // SLOT_S
    return index % drop_every == drop_every - 1
