"""Hourly production in HA's long-term statistics, for the Energy dashboard.

The hours live in the system's `Ledger` (UTC hour start -> kWh): closed hours from
today's 5-minute data, replaced by the API's own hourly series once the day is
over. Every hour whose value changed is imported again with the running sum, which
continues from the hours before it, so late data corrects the dashboard in place.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from homeassistant.components.recorder.models import (
    StatisticData,
    StatisticMeanType,
    StatisticMetaData,
)
from homeassistant.components.recorder.statistics import (
    async_add_external_statistics,
    get_last_statistics,
    statistics_during_period,
)
from homeassistant.const import UnitOfEnergy
from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import get_instance
from homeassistant.util.unit_conversion import EnergyConverter

from .const import DOMAIN, LEDGER_DAYS
from .state import Ledger

HOUR = timedelta(hours=1)
FIVE_MINUTES = timedelta(minutes=5)


def statistic_id(sid: str) -> str:
    """Return the id of a system's hourly production statistic."""
    slug = "".join(char if char.isalnum() else "_" for char in sid.lower())
    return f"{DOMAIN}:{slug}_solar_production"


def metadata(sid: str, name: str) -> StatisticMetaData:
    """Return the statistic's metadata, with the fields the running HA knows."""
    fields: dict[str, Any] = {
        "has_sum": True,
        "name": name,
        "source": DOMAIN,
        "statistic_id": statistic_id(sid),
        "unit_of_measurement": UnitOfEnergy.KILO_WATT_HOUR,
    }
    known = StatisticMetaData.__annotations__
    if "mean_type" in known:
        fields["mean_type"] = StatisticMeanType.NONE
    else:  # pragma: no cover - HA before 2025.4
        fields["has_mean"] = False
    if "unit_class" in known:
        fields["unit_class"] = EnergyConverter.UNIT_CLASS
    meta: StatisticMetaData = StatisticMetaData(**fields)  # type: ignore[typeddict-item]
    return meta


def utc_shares(local_start: datetime, kwh: float) -> list[tuple[datetime, float]]:
    """Split a local hour's energy over the UTC hours it overlaps (one, unless the zone is off by minutes)."""
    start = local_start.astimezone(UTC)
    first = start.replace(minute=0, second=0, microsecond=0)
    if first == start:
        return [(first, kwh)]
    share = (first + HOUR - start) / HOUR
    return [(first, kwh * share), (first + HOUR, kwh * (1 - share))]


def day_hours(
    day: date, hourly: Sequence[float | None], tz: ZoneInfo
) -> dict[datetime, float]:
    """Map the API's hourly series of a local day (index = wall-clock hour) to UTC hours.

    On the day clocks go forward the missing hour's value joins the hour it maps
    to; on the day they go back the repeated hour gets the whole value once.
    """
    hours = dict.fromkeys(_utc_hours_of(day, tz), 0.0)
    for index, kwh in enumerate(hourly[:24]):
        local = datetime.combine(day, time(index), tz)
        for start, part in utc_shares(local, kwh or 0.0):
            hours[start] = hours.get(start, 0.0) + part
    return hours


def _utc_hours_of(day: date, tz: ZoneInfo) -> Iterable[datetime]:
    start = datetime.combine(day, time(0), tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tz).astimezone(UTC)
    moment = start.replace(minute=0)
    while moment < end:
        yield moment
        moment += HOUR


def closed_hours(
    series: Iterable[tuple[Sequence[datetime], Sequence[float | None]]],
) -> dict[datetime, float]:
    """Sum 5-minute energy points of every ECU into the UTC hours all of them have closed.

    A point at HH:MM holds the five minutes ending then, so it belongs to the hour of
    HH:MM minus five minutes. An hour is closed once every ECU published past its end.
    """
    sums: dict[datetime, float] = {}
    closed_until: datetime | None = None
    for times, energy in series:
        if not times:
            return {}
        latest = max(times).astimezone(UTC)
        closed_until = latest if closed_until is None else min(closed_until, latest)
        for moment, kwh in zip(times, energy, strict=False):
            slot = (moment - FIVE_MINUTES).astimezone(UTC)
            start = slot.replace(minute=0, second=0, microsecond=0)
            sums[start] = sums.get(start, 0.0) + (kwh or 0.0)
    if closed_until is None:
        return {}
    return {start: kwh for start, kwh in sums.items() if start + HOUR <= closed_until}


def prune(ledger: Ledger, now: datetime) -> None:
    """Fold hours older than the kept days into the sum before them."""
    horizon = now - timedelta(days=LEDGER_DAYS)
    old = [
        start for start in ledger.hours if start < horizon and start in ledger.imported
    ]
    for start in old:
        ledger.sum_before = (ledger.sum_before or 0.0) + ledger.hours.pop(start)
        ledger.imported.pop(start, None)


async def async_import(
    hass: HomeAssistant, meta: StatisticMetaData, ledger: Ledger
) -> int:
    """Import the hours that changed since the last import; return how many were sent."""
    changed = [
        start
        for start, kwh in ledger.hours.items()
        if ledger.imported.get(start) != kwh
    ]
    if not changed:
        return 0
    ordered = sorted(ledger.hours)
    if ledger.sum_before is None:
        ledger.sum_before = await _async_sum_before(
            hass, meta["statistic_id"], ordered[0]
        )
    first = min(changed)
    running = ledger.sum_before + sum(
        ledger.hours[start] for start in ordered if start < first
    )
    rows = []
    for start in ordered:
        if start < first:
            continue
        running += ledger.hours[start]
        rows.append(
            StatisticData(start=start, state=ledger.hours[start], sum=round(running, 6))
        )
    async_add_external_statistics(hass, meta, rows)
    ledger.imported = dict(ledger.hours)
    return len(rows)


async def _async_sum_before(
    hass: HomeAssistant, stat_id: str, start: datetime
) -> float:
    """Return the recorder's running sum before `start` (0 for a new statistic)."""
    recorder = get_instance(hass)
    last = await recorder.async_add_executor_job(
        get_last_statistics,
        hass,
        1,
        stat_id,
        True,  # noqa: FBT003 - convert units, positional in HA's signature
        {"sum"},
    )
    rows = last.get(stat_id) or []
    if rows and _start(rows[0]) < start:
        return float(rows[0].get("sum") or 0.0)
    if not rows:
        return 0.0
    before = await recorder.async_add_executor_job(
        statistics_during_period,
        hass,
        start - timedelta(days=LEDGER_DAYS + 30),
        start,
        {stat_id},
        "hour",
        None,
        {"sum"},
    )
    earlier = before.get(stat_id) or []
    return float(earlier[-1].get("sum") or 0.0) if earlier else 0.0


def _start(row: Any) -> datetime:
    value = row.get("start")
    if isinstance(value, datetime):
        return value
    return datetime.fromtimestamp(float(value), UTC)
