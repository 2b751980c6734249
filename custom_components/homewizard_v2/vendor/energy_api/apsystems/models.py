"""Typed views of the APsystems OpenAPI `data` payloads.

Every value is optional: strings such as "1.24", numbers, null, "", "-", NaN,
infinities and absurd magnitudes are all read, the unusable ones as None. Only a
payload whose structure is wrong (an object where a list belongs, or the reverse)
raises `InvalidResponseError`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
import re
from typing import Any, Self
from zoneinfo import ZoneInfo

from .. import parsing
from ..parsing import json_list, json_object, text
from .const import DEFAULT_CHANNELS, TWO_CHANNEL_MODELS

type Series = tuple[float | None, ...]

# Larger magnitudes are garbage for any energy, power, voltage or count the API sends.
MAX_MAGNITUDE = 1e9
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?", re.ASCII)
_ZONE = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+){0,2}", re.ASCII)
_INVERTER_TOTAL = re.compile(r"([dmyt])([1-9]\d?)", re.ASCII)
_CHANNEL_ENERGY = re.compile(r"e([1-9]\d?)", re.ASCII)
_MINUTELY_CHANNEL = re.compile(r"(ac_v|dc_p|dc_i|dc_v|dc_e)([1-9]\d?)", re.ASCII)
_UID_CHANNEL = re.compile(r"(.+)-([1-9]\d?)", re.ASCII)
_UID_CHANNEL_ENERGY = re.compile(r"(.+)-([1-9]\d?)-([^-]*)", re.ASCII)
# A "latest" clock time this far ahead of now is taken as yesterday's.
_LATEST_TOLERANCE = timedelta(minutes=15)


def number(value: Any) -> float | None:
    """Return a finite number of magnitude <= MAX_MAGNITUDE from a number or numeric string."""
    return parsing.number(value, limit=MAX_MAGNITUDE, numeric_strings=True)


def integer(value: Any) -> int | None:
    """Return a whole number (1, 1.0 or "1") of magnitude <= MAX_MAGNITUDE; else None."""
    return parsing.integer(value, limit=MAX_MAGNITUDE, numeric_strings=True)


def zone(name: str | None) -> ZoneInfo | None:
    """Return the IANA timezone called `name`, or None if there is none such."""
    if name is None or len(name) > 64 or not _ZONE.fullmatch(name):
        return None
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError, OSError):
        return None


def last_value(values: Iterable[float | None]) -> float | None:
    """Return the last value that is not None (the latest reading of a series)."""
    latest = None
    for value in values:
        if value is not None:
            latest = value
    return latest


def _date(value: Any) -> date | None:
    if not isinstance(value, str) or len(value) > 32:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _optional_object(data: Any, what: str) -> dict[str, Any]:
    """Return an object; null, missing or "" is an empty one."""
    return {} if data is None or data == "" else json_object(data, what)


def _list(value: Any, what: str) -> list[Any] | None:
    """Return a non-empty list; null, missing, "" or [] is None."""
    return json_list(value, what) or None


def _series(values: Sequence[Any]) -> Series:
    return tuple(number(value) for value in values)


def _label(value: Any) -> str | None:
    return text(value)


def _clock_time(value: Any, day: date, tz: tzinfo) -> datetime | None:
    """Return `HH:mm` (or `HH:mm:ss`) on `day` in `tz`; "24:00" is the next midnight."""
    if not isinstance(value, str):
        return None
    match = _CLOCK.fullmatch(value.strip())
    if match is None:
        return None
    hour, minute, second = (int(part or 0) for part in match.groups())
    try:
        if (hour, minute, second) == (24, 0, 0):
            return datetime.combine(day + timedelta(days=1), time(), tz)
        return datetime.combine(day, time(hour, minute, second), tz)
    except (ValueError, OverflowError):
        return None


def clock_times(labels: Sequence[Any], day: date, tz: tzinfo) -> list[datetime | None]:
    """Return each `HH:mm` label as an aware time on `day`; None where unreadable.

    Once a label goes back in time within a repeated (autumn) hour, the labels are
    read as the second pass through it.
    """
    result: list[datetime | None] = []
    previous: datetime | None = None
    fold = 0
    for label in labels:
        moment = _clock_time(label, day, tz)
        if moment is not None:
            if (
                previous is not None
                and moment <= previous
                and moment.replace(fold=1).utcoffset() != moment.utcoffset()
            ):
                fold = 1
            moment = moment.replace(fold=fold)
            previous = moment
        result.append(moment)
    return result


def _table[L, K](
    labels: Sequence[Any],
    columns: Mapping[K, Sequence[Any] | None],
    read_labels: Callable[[Sequence[Any]], Sequence[L | None]],
) -> tuple[tuple[L, ...], dict[K, Series]]:
    """Align labelled columns: truncate to the shortest, drop unreadable labels.

    A column that is None (absent) reads as all None.
    """
    present = [column for column in columns.values() if column is not None]
    size = min([len(labels), *(len(column) for column in present)])
    read = read_labels(labels[:size])
    keep = [index for index, label in enumerate(read) if label is not None]
    kept_labels = tuple(label for label in read if label is not None)
    table = {
        key: (
            tuple(number(column[index]) for index in keep)
            if column is not None
            else (None,) * len(keep)
        )
        for key, column in columns.items()
    }
    return kept_labels, table


def _labels(values: Sequence[Any]) -> list[str | None]:
    return [_label(value) for value in values]


def _channel(match: re.Match[str], group: int) -> int:
    return int(match.group(group))


@dataclass(frozen=True, slots=True)
class SystemDetails:
    """`systems/details/{sid}`: the system, its timezone and ECUs."""

    sid: str
    create_date: date | None
    capacity_kw: float | None
    system_type: int | None
    timezone: str | None
    ecus: tuple[str, ...]
    light: int | None

    @classmethod
    def from_json(cls, data: Any, sid: str = "") -> Self:
        """Parse; `sid` is used when the answer does not say it."""
        obj = json_object(data, "details")
        ecus = []
        for entry in _list(obj.get("ecu"), "details.ecu") or ():
            # A shared sub-user system lists "<ecu>-<virtual ecu>": the latter is the eid.
            eid = text(entry)
            if eid is not None and (eid := eid.rsplit("-", 1)[-1].strip()):
                ecus.append(eid)
        return cls(
            sid=text(obj.get("sid")) or sid,
            create_date=_date(obj.get("create_date")),
            capacity_kw=number(obj.get("capacity")),
            system_type=integer(obj.get("type")),
            timezone=text(obj.get("timezone")),
            ecus=tuple(ecus),
            light=integer(obj.get("light")),
        )

    @property
    def zone(self) -> ZoneInfo | None:
        """Return the system's timezone, if it names a known one."""
        return zone(self.timezone)


@dataclass(frozen=True, slots=True)
class Inverter:
    """A microinverter; `model` is its type, such as "DS3" or "QT2D"."""

    uid: str
    model: str | None

    @property
    def channels(self) -> int:
        """Return how many DC inputs (panels) it has: 2 or 4 (unknown: 4)."""
        model = (self.model or "").upper()
        return 2 if model.startswith(TWO_CHANNEL_MODELS) else DEFAULT_CHANNELS


@dataclass(frozen=True, slots=True)
class Ecu:
    """An ECU (gateway) and its inverters, from `systems/inverters/{sid}`."""

    eid: str
    ecu_type: int | None
    timezone: str | None
    inverters: tuple[Inverter, ...]
    model: str | None
    capacity_kwh: float | None

    @property
    def has_meter(self) -> bool:
        """Return whether a meter is attached (type 1)."""
        return self.ecu_type == 1

    @property
    def has_storage(self) -> bool:
        """Return whether a battery is attached (type 2)."""
        return self.ecu_type == 2

    @classmethod
    def from_json(cls, data: Any) -> Self | None:
        """Parse one entry; None when it is not an object or has no eid."""
        if not isinstance(data, dict) or (eid := text(data.get("eid"))) is None:
            return None
        inverters = [
            Inverter(uid, text(entry.get("type")))
            for entry in _list(data.get("inverter"), "inverters.inverter") or ()
            if isinstance(entry, dict) and (uid := text(entry.get("uid")))
        ]
        return cls(
            eid=eid,
            ecu_type=integer(data.get("type")),
            timezone=text(data.get("timezone")),
            inverters=tuple(inverters),
            model=text(data.get("model")),
            capacity_kwh=number(data.get("capacity")),
        )


def ecus_from_json(data: Any) -> list[Ecu]:
    """Parse `systems/inverters/{sid}`: the ECUs with their inverters."""
    entries = _list(data, "inverters")
    return [ecu for entry in entries or () if (ecu := Ecu.from_json(entry))]


def meters_from_json(data: Any) -> list[str]:
    """Parse `systems/meters/{sid}`: the meters' eids."""
    return [eid for entry in _list(data, "meters") or () if (eid := text(entry))]


def energy_from_json(data: Any) -> list[float | None]:
    """Parse an energy series (hourly/daily/monthly/yearly), in kWh."""
    return list(_series(_list(data, "energy") or ()))


def channel_energy_from_json(data: Any) -> dict[int, list[float | None]]:
    """Parse an inverter's energy per channel (`e1`..`e4`), in kWh.

    Only channels with values are kept (null or [] is no channel).
    """
    obj = json_object(data, "inverter energy")
    result = {}
    for key, value in obj.items():
        match = _CHANNEL_ENERGY.fullmatch(key) if isinstance(key, str) else None
        if match and (values := _list(value, "inverter energy channel")) is not None:
            result[_channel(match, 1)] = list(_series(values))
    return dict(sorted(result.items()))


@dataclass(frozen=True, slots=True)
class EnergySummary:
    """System or ECU energy in kWh; `today` is None before dawn."""

    today: float | None
    month: float | None
    year: float | None
    lifetime: float | None

    @classmethod
    def from_json(cls, data: Any) -> Self:
        """Parse `{today, month, year, lifetime}`."""
        obj = json_object(data, "summary")
        return cls(
            today=number(obj.get("today")),
            month=number(obj.get("month")),
            year=number(obj.get("year")),
            lifetime=number(obj.get("lifetime")),
        )


@dataclass(frozen=True, slots=True)
class EcuMinutely:
    """An ECU's 5-minute points of a day: energy in kWh, power in W.

    Each point is labelled with the end of its 5 minutes.
    """

    times: tuple[datetime, ...]
    energy_kwh: Series
    power_w: Series
    today_kwh: float | None

    @classmethod
    def from_json(cls, data: Any, day: date, tz: tzinfo) -> Self:
        """Parse `{time, energy, power, today}`; times are on `day` in `tz`."""
        obj = json_object(data, "ecu minutely")
        times, columns = _table(
            _list(obj.get("time"), "ecu minutely.time") or [],
            {
                "energy": _list(obj.get("energy"), "ecu minutely.energy"),
                "power": _list(obj.get("power"), "ecu minutely.power"),
            },
            lambda labels: clock_times(labels, day, tz),
        )
        return cls(times, columns["energy"], columns["power"], number(obj.get("today")))


@dataclass(frozen=True, slots=True)
class InverterMinutely:
    """An inverter's 5-minute points of a day; channel dicts hold the channels sent."""

    times: tuple[datetime, ...]
    ac_power_w: Series
    ac_frequency_hz: Series
    ac_temperature_c: Series
    ac_voltage_v: dict[int, Series]
    dc_power_w: dict[int, Series]
    dc_current_a: dict[int, Series]
    dc_voltage_v: dict[int, Series]
    dc_energy_kwh: dict[int, Series]

    @classmethod
    def from_json(cls, data: Any, day: date, tz: tzinfo) -> Self:
        """Parse `{t|time, ac_p1|ac_p, ac_f, ac_t, ac_v{n}, dc_p{n}, ...}`."""
        obj = json_object(data, "inverter minutely")
        what = "inverter minutely"
        labels = _list(obj.get("t"), what) or _list(obj.get("time"), what) or []
        columns: dict[tuple[str, int], list[Any] | None] = {
            ("ac_p", 0): _list(obj.get("ac_p1"), what) or _list(obj.get("ac_p"), what),
            ("ac_f", 0): _list(obj.get("ac_f"), what),
            ("ac_t", 0): _list(obj.get("ac_t"), what),
        }
        for key, value in obj.items():
            match = _MINUTELY_CHANNEL.fullmatch(key) if isinstance(key, str) else None
            if match and (values := _list(value, what)) is not None:
                columns[match.group(1), _channel(match, 2)] = values
        times, table = _table(
            labels, columns, lambda texts: clock_times(texts, day, tz)
        )

        def channels(kind: str) -> dict[int, Series]:
            found = {n: v for (k, n), v in table.items() if k == kind}
            return dict(sorted(found.items()))

        return cls(
            times=times,
            ac_power_w=table["ac_p", 0],
            ac_frequency_hz=table["ac_f", 0],
            ac_temperature_c=table["ac_t", 0],
            ac_voltage_v=channels("ac_v"),
            dc_power_w=channels("dc_p"),
            dc_current_a=channels("dc_i"),
            dc_voltage_v=channels("dc_v"),
            dc_energy_kwh=channels("dc_e"),
        )


@dataclass(frozen=True, slots=True)
class BatchPower:
    """An ECU's inverters' power per (uid, channel) in W, at 5-minute points of a day."""

    times: tuple[datetime, ...]
    power_w: dict[tuple[str, int], Series]

    @classmethod
    def from_json(cls, data: Any, day: date, tz: tzinfo) -> Self:
        """Parse `{time: [HH:mm], power: {"<uid>-<channel>": [W, ...]}}`."""
        obj = json_object(data, "batch power")
        columns: dict[tuple[str, int], list[Any] | None] = {}
        power = _optional_object(obj.get("power"), "batch power.power")
        for key, value in power.items():
            match = (
                _UID_CHANNEL.fullmatch(key.strip()) if isinstance(key, str) else None
            )
            if match and (values := _list(value, "batch power series")) is not None:
                columns[match.group(1), _channel(match, 2)] = values
        times, table = _table(
            _list(obj.get("time"), "batch power.time") or [],
            columns,
            lambda labels: clock_times(labels, day, tz),
        )
        return cls(times, table)


@dataclass(frozen=True, slots=True)
class BatchEnergy:
    """An ECU's inverters' energy of a day per (uid, channel), in kWh."""

    energy_kwh: dict[tuple[str, int], float | None]

    @classmethod
    def from_json(cls, data: Any) -> Self:
        """Parse `{energy: ["<uid>-<channel>-<kWh>", ...]}`."""
        obj = json_object(data, "batch energy")
        energy: dict[tuple[str, int], float | None] = {}
        for entry in _list(obj.get("energy"), "batch energy.energy") or ():
            if isinstance(entry, str) and (
                match := _UID_CHANNEL_ENERGY.fullmatch(entry.strip())
            ):
                energy[match.group(1), _channel(match, 2)] = number(match.group(3))
        return cls(energy)


@dataclass(frozen=True, slots=True)
class MeterTotals:
    """A meter's energy of one period, in kWh."""

    consumed: float | None
    exported: float | None
    imported: float | None
    produced: float | None

    @classmethod
    def from_json(cls, data: Any) -> Self:
        """Parse `{consumed, exported, imported, produced}`; null is all None."""
        obj = _optional_object(data, "meter totals")
        return cls(
            consumed=number(obj.get("consumed")),
            exported=number(obj.get("exported")),
            imported=number(obj.get("imported")),
            produced=number(obj.get("produced")),
        )


@dataclass(frozen=True, slots=True)
class MeterSummary:
    """`meter/summary/{eid}`: the meter's totals of today, month, year and lifetime."""

    today: MeterTotals
    month: MeterTotals
    year: MeterTotals
    lifetime: MeterTotals

    @classmethod
    def from_json(cls, data: Any) -> Self:
        """Parse `{today|month|year|lifetime: {4 terms}}`."""
        obj = json_object(data, "meter summary")
        return cls(
            today=MeterTotals.from_json(obj.get("today")),
            month=MeterTotals.from_json(obj.get("month")),
            year=MeterTotals.from_json(obj.get("year")),
            lifetime=MeterTotals.from_json(obj.get("lifetime")),
        )


METER_TERMS = ("consumed", "exported", "imported", "produced")


@dataclass(frozen=True, slots=True)
class MeterPeriod:
    """`meter/period/{eid}`: the meter's energy series in kWh, with the API's labels."""

    times: tuple[str, ...]
    consumed: Series
    exported: Series
    imported: Series
    produced: Series

    @classmethod
    def from_json(cls, data: Any) -> Self:
        """Parse `{time, <4 terms>}` or the minutely `{time, energy: {<4 terms>}}`."""
        obj = json_object(data, "meter period")
        source = obj["energy"] if isinstance(obj.get("energy"), dict) else obj
        times, table = _table(
            _list(obj.get("time"), "meter period.time") or [],
            {term: _list(source.get(term), "meter period") for term in METER_TERMS},
            _labels,
        )
        return cls(times, *(table[term] for term in METER_TERMS))


@dataclass(frozen=True, slots=True)
class InverterSummary:
    """`inverter/summary/{uid}`: energy per channel in kWh (only the channels sent)."""

    today: dict[int, float | None]
    month: dict[int, float | None]
    year: dict[int, float | None]
    lifetime: dict[int, float | None]

    @classmethod
    def from_json(cls, data: Any) -> Self:
        """Parse `d{n}` (today), `m{n}` (month), `y{n}` (year), `t{n}` (lifetime)."""
        obj = json_object(data, "inverter summary")
        periods: dict[str, dict[int, float | None]] = {p: {} for p in "dmyt"}
        for key in sorted(obj, key=str):
            if isinstance(key, str) and (match := _INVERTER_TOTAL.fullmatch(key)):
                periods[match.group(1)][_channel(match, 2)] = number(obj[key])
        return cls(
            *(dict(sorted(periods[p].items())) for p in "dmyt"),
        )


@dataclass(frozen=True, slots=True)
class StorageLatest:
    """`storage/latest/{eid}`: the battery's latest state; energy in kWh."""

    mode: str | None
    soc: float | None
    time: datetime | None
    discharge: float | None
    charge: float | None
    produced: float | None
    consumed: float | None
    exported: float | None
    imported: float | None

    @classmethod
    def from_json(cls, data: Any, now: datetime) -> Self:
        """Parse; an `HH:mm` time is the latest such moment not after aware `now`."""
        obj = json_object(data, "storage latest")
        return cls(
            mode=text(obj.get("mode")),
            soc=number(obj.get("soc")),
            time=_latest_time(obj.get("time"), now),
            discharge=number(obj.get("discharge")),
            charge=number(obj.get("charge")),
            produced=number(obj.get("produced")),
            consumed=number(obj.get("consumed")),
            exported=number(obj.get("exported")),
            imported=number(obj.get("imported")),
        )


def _latest_time(value: Any, now: datetime) -> datetime | None:
    """Read "HH:mm" as today's (or, if later than now, yesterday's); or a full date-time."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    tz = now.tzinfo or UTC
    moment = _clock_time(value, now.date(), tz)
    if moment is not None:
        if moment > now + _LATEST_TOLERANCE:
            moment = _clock_time(value, now.date() - timedelta(days=1), tz)
        return moment
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=tz)


@dataclass(frozen=True, slots=True)
class StorageTotals:
    """A battery system's energy of one period, in kWh."""

    discharge: float | None
    charge: float | None
    produced: float | None
    consumed: float | None
    exported: float | None
    imported: float | None

    @classmethod
    def from_json(cls, data: Any) -> Self:
        """Parse the six terms; null is all None."""
        obj = _optional_object(data, "storage totals")
        return cls(
            discharge=number(obj.get("discharge")),
            charge=number(obj.get("charge")),
            produced=number(obj.get("produced")),
            consumed=number(obj.get("consumed")),
            exported=number(obj.get("exported")),
            imported=number(obj.get("imported")),
        )


@dataclass(frozen=True, slots=True)
class StorageSummary:
    """`storage/summary/{eid}`: totals of today, month, year and lifetime."""

    today: StorageTotals
    month: StorageTotals
    year: StorageTotals
    lifetime: StorageTotals

    @classmethod
    def from_json(cls, data: Any) -> Self:
        """Parse `{today|month|year|lifetime: {6 terms}}`."""
        obj = json_object(data, "storage summary")
        return cls(
            today=StorageTotals.from_json(obj.get("today")),
            month=StorageTotals.from_json(obj.get("month")),
            year=StorageTotals.from_json(obj.get("year")),
            lifetime=StorageTotals.from_json(obj.get("lifetime")),
        )


@dataclass(frozen=True, slots=True)
class StoragePeriod:
    """`storage/period/{eid}`: every series sent, with the API's labels.

    Top-level lists keep their name ("charge"); lists inside an object are named
    "<object>.<name>" ("power.charge", "energy.charge" in the minutely answer).
    """

    times: tuple[str, ...]
    series: dict[str, Series]

    @classmethod
    def from_json(cls, data: Any) -> Self:
        """Parse `{time, <term>: [...]}` or `{time, power: {...}, energy: {...}}`."""
        obj = json_object(data, "storage period")
        columns: dict[str, list[Any] | None] = {}
        for key, value in obj.items():
            if key in ("time", "today") or not isinstance(key, str):
                continue
            if isinstance(value, list) and value:
                columns[key] = value
            elif isinstance(value, dict):
                for name, inner in value.items():
                    if isinstance(name, str) and isinstance(inner, list) and inner:
                        columns[f"{key}.{name}"] = inner
        times, table = _table(
            _list(obj.get("time"), "storage period.time") or [], columns, _labels
        )
        return cls(times, table)
