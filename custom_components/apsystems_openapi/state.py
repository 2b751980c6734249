"""What the integration knows about a system, kept across restarts so they cost no calls."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime
import math
from typing import Any

from .vendor.energy_api.apsystems import Ecu, EnergySummary, Inverter
from .vendor.energy_api.ha.store import Codec
from .vendor.energy_api.schedule.usage import MonthlyUsage


@dataclass(slots=True)
class Production:
    """The system's production as last published: power and today's energy per ECU."""

    day: date | None = None
    ecu_today_kwh: dict[str, float] = field(default_factory=dict)
    ecu_power_w: dict[str, float] = field(default_factory=dict)
    power_at: datetime | None = None
    peak_w: float | None = None
    summary: EnergySummary | None = None
    summary_day: date | None = None

    @property
    def today_kwh(self) -> float | None:
        """Return today's energy of all ECUs, None before anything was published."""
        return sum(self.ecu_today_kwh.values()) if self.ecu_today_kwh else None

    @property
    def power_w(self) -> float | None:
        """Return the newest power of all ECUs."""
        return sum(self.ecu_power_w.values()) if self.ecu_power_w else None

    @property
    def lifetime_kwh(self) -> float | None:
        """Return the lifetime total: the summary's, moved on by today's energy since."""
        return self._since_summary(_field(self.summary, "lifetime"), same=True)

    @property
    def month_kwh(self) -> float | None:
        """Return this month's energy, moved on by today's energy since the summary."""
        same = _same(self.summary_day, self.day, month=True)
        return self._since_summary(_field(self.summary, "month"), same=same)

    @property
    def year_kwh(self) -> float | None:
        """Return this year's energy, moved on by today's energy since the summary."""
        same = _same(self.summary_day, self.day, month=False)
        return self._since_summary(_field(self.summary, "year"), same=same)

    def start_day(self, day: date) -> None:
        """Begin `day`: the totals shown at the end of the last day become the new base."""
        if self.summary is not None and self.day is not None:
            lifetime, month, year = self.lifetime_kwh, self.month_kwh, self.year_kwh
            self.summary = EnergySummary(
                today=0.0,
                month=month if _same(self.day, day, month=True) else 0.0,
                year=year if _same(self.day, day, month=False) else 0.0,
                lifetime=lifetime,
            )
            self.summary_day = day
        self.day = day
        self.ecu_today_kwh = dict.fromkeys(self.ecu_today_kwh, 0.0)
        self.peak_w = None

    def _since_summary(self, total: float | None, *, same: bool) -> float | None:
        """Add today's energy since the summary (one from today already counts some of it)."""
        if self.summary is None:
            return None
        base = 0.0
        if same and total is not None:
            base = total
            if self.summary_day == self.day:
                base -= self.summary.today or 0.0
        elif same:
            return None
        return max(0.0, base) + (self.today_kwh or 0.0)


@dataclass(slots=True)
class InverterReadings:
    """An inverter's newest detail: from the batch power, batch energy and its own minutely data."""

    published_at: datetime | None = None
    detail_at: datetime | None = None
    ac_power_w: float | None = None
    ac_voltage_v: float | None = None
    frequency_hz: float | None = None
    temperature_c: float | None = None
    dc_power_w: dict[int, float | None] = field(default_factory=dict)
    dc_voltage_v: dict[int, float | None] = field(default_factory=dict)
    dc_current_a: dict[int, float | None] = field(default_factory=dict)
    today_kwh: float | None = None
    energy_day: date | None = None


@dataclass(slots=True)
class MeterReadings:
    """A meter's lifetime totals, read once a day."""

    consumed_kwh: float | None = None
    produced_kwh: float | None = None
    imported_kwh: float | None = None
    exported_kwh: float | None = None
    read_at: datetime | None = None


@dataclass(slots=True)
class StorageReadings:
    """A battery's state with every poll, and its lifetime totals once a day."""

    soc: float | None = None
    mode: str | None = None
    charge_kwh: float | None = None
    discharge_kwh: float | None = None
    published_at: datetime | None = None


@dataclass(slots=True)
class Routine:
    """The calls made and owed: usage, last poll, the day's once-a-day calls."""

    usage: MonthlyUsage = field(default_factory=MonthlyUsage)
    last_poll: datetime | None = None
    blocked_until: datetime | None = None
    summary_day: date | None = None
    detail_day: date | None = None
    completed_day: date | None = None


@dataclass(slots=True)
class Ledger:
    """Hourly production (UTC hour start -> kWh) and what the statistics hold."""

    hours: dict[datetime, float] = field(default_factory=dict)
    imported: dict[datetime, float] = field(default_factory=dict)
    sum_before: float | None = None

    def set_hour(self, start: datetime, kwh: float) -> None:
        """Record an hour's production."""
        self.hours[start] = round(kwh, 6)


@dataclass(slots=True)
class SystemState:
    """Everything kept for one system."""

    ecus: tuple[Ecu, ...] = ()
    production: Production = field(default_factory=Production)
    inverters: dict[str, InverterReadings] = field(default_factory=dict)
    routine: Routine = field(default_factory=Routine)
    ledger: Ledger = field(default_factory=Ledger)
    meters: dict[str, MeterReadings] = field(default_factory=dict)
    storages: dict[str, StorageReadings] = field(default_factory=dict)


def _field(summary: EnergySummary | None, name: str) -> float | None:
    value: float | None = None if summary is None else getattr(summary, name)
    return value


def _same(first: date | None, second: date | None, *, month: bool) -> bool:
    """Return whether two days share a year (and a month)."""
    if first is None or second is None:
        return False
    return first.year == second.year and (not month or first.month == second.month)


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _day(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _numbers(data: Any) -> dict[str, float]:
    if not isinstance(data, dict):
        return {}
    return {
        str(key): number
        for key, value in data.items()
        if (number := _number(value)) is not None
    }


def _channels(data: Any) -> dict[int, float | None]:
    return {int(key): value for key, value in _numbers(data).items() if key.isdigit()}


def _summary_json(summary: EnergySummary | None) -> dict[str, Any] | None:
    if summary is None:
        return None
    return {
        "today": summary.today,
        "month": summary.month,
        "year": summary.year,
        "lifetime": summary.lifetime,
    }


def _summary(data: Any) -> EnergySummary | None:
    if not isinstance(data, dict):
        return None
    return EnergySummary(
        today=_number(data.get("today")),
        month=_number(data.get("month")),
        year=_number(data.get("year")),
        lifetime=_number(data.get("lifetime")),
    )


def _ecus_json(ecus: tuple[Ecu, ...]) -> list[dict[str, Any]]:
    return [
        {
            "eid": ecu.eid,
            "type": ecu.ecu_type,
            "model": ecu.model,
            "inverters": [
                {"uid": inverter.uid, "model": inverter.model}
                for inverter in ecu.inverters
            ],
        }
        for ecu in ecus
    ]


def _ecus(data: Any) -> tuple[Ecu, ...]:
    if not isinstance(data, list):
        return ()
    ecus = []
    for item in data:
        if not isinstance(item, dict) or not isinstance(item.get("eid"), str):
            continue
        inverters = tuple(
            Inverter(uid=inv["uid"], model=inv.get("model"))
            for inv in item.get("inverters") or ()
            if isinstance(inv, dict) and isinstance(inv.get("uid"), str)
        )
        ecu_type = item.get("type")
        ecus.append(
            Ecu(
                eid=item["eid"],
                ecu_type=ecu_type if isinstance(ecu_type, int) else None,
                timezone=None,
                inverters=inverters,
                model=item.get("model") if isinstance(item.get("model"), str) else None,
                capacity_kwh=None,
            )
        )
    return tuple(ecus)


def _inverter_json(readings: InverterReadings) -> dict[str, Any]:
    return {
        "published_at": _iso(readings.published_at),
        "detail_at": _iso(readings.detail_at),
        "ac_power_w": readings.ac_power_w,
        "ac_voltage_v": readings.ac_voltage_v,
        "frequency_hz": readings.frequency_hz,
        "temperature_c": readings.temperature_c,
        "dc_power_w": readings.dc_power_w,
        "dc_voltage_v": readings.dc_voltage_v,
        "dc_current_a": readings.dc_current_a,
        "today_kwh": readings.today_kwh,
        "energy_day": _iso(readings.energy_day),
    }


def _inverter(data: Any) -> InverterReadings:
    if not isinstance(data, dict):
        return InverterReadings()
    return InverterReadings(
        published_at=_time(data.get("published_at")),
        detail_at=_time(data.get("detail_at")),
        ac_power_w=_number(data.get("ac_power_w")),
        ac_voltage_v=_number(data.get("ac_voltage_v")),
        frequency_hz=_number(data.get("frequency_hz")),
        temperature_c=_number(data.get("temperature_c")),
        dc_power_w=_channels(data.get("dc_power_w")),
        dc_voltage_v=_channels(data.get("dc_voltage_v")),
        dc_current_a=_channels(data.get("dc_current_a")),
        today_kwh=_number(data.get("today_kwh")),
        energy_day=_day(data.get("energy_day")),
    )


def _hours_json(hours: dict[datetime, float]) -> dict[str, float]:
    return {start.isoformat(): kwh for start, kwh in sorted(hours.items())}


def _hours(data: Any) -> dict[datetime, float]:
    hours = {}
    for key, value in _numbers(data).items():
        start = _time(key)
        if start is not None and value >= 0:
            hours[start] = value
    return hours


def _flat_json(readings: MeterReadings | StorageReadings) -> dict[str, Any]:
    return {
        name: _iso(value) if isinstance(value, datetime) else value
        for name, value in (
            (f.name, getattr(readings, f.name)) for f in fields(readings)
        )
    }


def _flat[R: (MeterReadings, StorageReadings)](kind: type[R], data: Any) -> R:
    """Rebuild flat readings: numbers, texts and times by their field names."""
    data = _object(data)
    values: dict[str, Any] = {}
    for item in fields(kind):
        value = data.get(item.name)
        if item.name.endswith("_at"):
            values[item.name] = _time(value)
        elif item.name == "mode":
            values[item.name] = value if isinstance(value, str) else None
        else:
            values[item.name] = _number(value)
    return kind(**values)


def state_to_json(state: SystemState) -> dict[str, Any]:
    """Return the JSON form of `state`."""
    production, routine, ledger = state.production, state.routine, state.ledger
    return {
        "ecus": _ecus_json(state.ecus),
        "production": {
            "day": _iso(production.day),
            "ecu_today_kwh": production.ecu_today_kwh,
            "ecu_power_w": production.ecu_power_w,
            "power_at": _iso(production.power_at),
            "peak_w": production.peak_w,
            "summary": _summary_json(production.summary),
            "summary_day": _iso(production.summary_day),
        },
        "inverters": {
            uid: _inverter_json(readings) for uid, readings in state.inverters.items()
        },
        "routine": {
            "usage": routine.usage.as_dict(),
            "last_poll": _iso(routine.last_poll),
            "blocked_until": _iso(routine.blocked_until),
            "summary_day": _iso(routine.summary_day),
            "detail_day": _iso(routine.detail_day),
            "completed_day": _iso(routine.completed_day),
        },
        "ledger": {
            "hours": _hours_json(ledger.hours),
            "imported": _hours_json(ledger.imported),
            "sum_before": ledger.sum_before,
        },
        "meters": {eid: _flat_json(m) for eid, m in state.meters.items()},
        "storages": {eid: _flat_json(s) for eid, s in state.storages.items()},
    }


def state_from_json(data: dict[str, Any]) -> SystemState:
    """Rebuild a state from `state_to_json`; damaged parts start empty."""
    production = _object(data.get("production"))
    routine = _object(data.get("routine"))
    ledger = _object(data.get("ledger"))
    inverters = _object(data.get("inverters"))
    return SystemState(
        ecus=_ecus(data.get("ecus")),
        production=Production(
            day=_day(production.get("day")),
            ecu_today_kwh=_numbers(production.get("ecu_today_kwh")),
            ecu_power_w=_numbers(production.get("ecu_power_w")),
            power_at=_time(production.get("power_at")),
            peak_w=_number(production.get("peak_w")),
            summary=_summary(production.get("summary")),
            summary_day=_day(production.get("summary_day")),
        ),
        inverters={
            str(uid): _inverter(readings) for uid, readings in inverters.items()
        },
        routine=Routine(
            usage=MonthlyUsage.from_dict(routine.get("usage")),
            last_poll=_time(routine.get("last_poll")),
            blocked_until=_time(routine.get("blocked_until")),
            summary_day=_day(routine.get("summary_day")),
            detail_day=_day(routine.get("detail_day")),
            completed_day=_day(routine.get("completed_day")),
        ),
        ledger=Ledger(
            hours=_hours(ledger.get("hours")),
            imported=_hours(ledger.get("imported")),
            sum_before=_number(ledger.get("sum_before")),
        ),
        meters={
            str(eid): _flat(MeterReadings, item)
            for eid, item in _object(data.get("meters")).items()
        },
        storages={
            str(eid): _flat(StorageReadings, item)
            for eid, item in _object(data.get("storages")).items()
        },
    )


STATE = Codec(SystemState, state_to_json, state_from_json)
"""How a system's state is stored (see `PersistedState`)."""
