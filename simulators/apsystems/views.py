"""The `data` of every endpoint, from the system model at a moment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
import datetime as dt
import math
from typing import Any
from zoneinfo import ZoneInfo

from .ledger import ONE_DAY, Ledger, SlotDay, Totals, pick, slot_labels
from .periods import (
    DEVICE_LEVELS,
    LEVELS,
    MINUTELY,
    Moment,
    Period,
    labels,
    parse_day,
    parse_period,
    series,
)
from .production import SLOTS_PER_HOUR, ProductionDay
from .site import METER_TERMS, ROW, STORAGE_TERMS, TERMS, SiteLedger
from .system import EcuSpec, InverterSpec, SystemModel
from .wire import (
    BAD_REQUEST,
    INVALID_PARAMETER,
    NO_DATA,
    NO_PERMISSION,
    ApiError,
    kwh,
)

AUTHORIZATION_CODE = "ff8080815501b29d0155088b2ebb06ad"
STORAGE_MODE = "1"  # self-consumption
LIGHT_GREEN = 1
PV_SYSTEM = 1
PV_AND_STORAGE_SYSTEM = 3
BATCH_LEVELS = ("power", "energy")
NOT_YET = "0"  # an hour that has not closed yet


@dataclass(frozen=True, slots=True)
class Call:
    """One request: its path ids, its query and when it is answered."""

    match: Mapping[str, str]
    query: Mapping[str, str]
    moment: Moment


def dc_voltage(watts: int, peak_w: float) -> float:
    """Return a panel's DC voltage at `watts` (0 V when it produces nothing)."""
    if watts <= 0:
        return 0.0
    return round(30.0 + 8.0 * math.pow(min(watts / peak_w, 1.0), 0.25), 1)


def ac_voltage(index: int, phase: int) -> float:
    """Return the grid voltage of `phase` (1..3) in slot `index`."""
    return round(230.0 + 4.0 * math.sin(index / 15 + phase * 2.1), 1)


def ac_frequency(index: int) -> float:
    """Return the grid frequency in slot `index`."""
    return round(50.0 + 0.03 * math.sin(index / 6), 2)


class Views:
    """Build each endpoint's `data`; raise ApiError for a non-zero code.

    Every `gap_every`-th slot of a day (deterministic) is left out of
    minutely answers; its energy still counts everywhere else.
    """

    def __init__(self, model: SystemModel, gap_every: int = 0) -> None:
        """Serve `model`."""
        self.model = model
        self.gap_every = gap_every

    # System

    def details(self, call: Call) -> dict[str, Any]:
        """Return `systems/details/{sid}`."""
        model = self._system(call)
        return {
            "sid": model.sid,
            "create_date": model.config.create_date.isoformat(),
            "capacity": f"{model.capacity_kw:.2f}",
            "type": PV_AND_STORAGE_SYSTEM if model.storage_eid else PV_SYSTEM,
            "timezone": model.timezone,
            "ecu": [ecu.eid for ecu in model.ecus],
            "light": LIGHT_GREEN,
            "authorization_code": AUTHORIZATION_CODE,
        }

    def inverters(self, call: Call) -> list[dict[str, Any]]:
        """Return `systems/inverters/{sid}`."""
        model = self._system(call)
        answer = []
        for ecu in model.ecus:
            item: dict[str, Any] = {
                "eid": ecu.eid,
                "type": ecu.ecu_type,
                "timezone": model.timezone,
                "inverter": [{"uid": i.uid, "type": i.model} for i in ecu.inverters],
            }
            if ecu.model is not None:
                item["model"] = ecu.model
                item["capacity"] = f"{ecu.capacity_kwh:.2f}"
            answer.append(item)
        return answer

    def meters(self, call: Call) -> list[str]:
        """Return `systems/meters/{sid}`: the meter ECU, if any."""
        model = self._system(call)
        return [] if model.meter_eid is None else [model.meter_eid]

    def system_summary(self, call: Call) -> dict[str, str | None]:
        """Return `systems/summary/{sid}`."""
        return self._summary(self._system(call).all_rows, call.moment)

    def system_energy(self, call: Call) -> list[str]:
        """Return `systems/energy/{sid}`."""
        rows = self._system(call).all_rows
        period = self._period(call, LEVELS, rows)
        return self._energy(rows, period, call.moment)

    # ECU

    def ecu_summary(self, call: Call) -> dict[str, str | None]:
        """Return `devices/ecu/summary/{eid}`."""
        return self._summary(self._ecu(call).rows, call.moment)

    def ecu_energy(self, call: Call) -> Any:
        """Return `devices/ecu/energy/{eid}`, minutely included."""
        ecu = self._ecu(call)
        period = self._period(call, DEVICE_LEVELS, ecu.rows)
        if period.level != MINUTELY:
            return self._energy(ecu.rows, period, call.moment)
        day = period.first
        ledger = self.model.production
        produced = ledger.day(day)
        points = self._production_points(day, produced, call.moment)
        times = slot_labels(self.model.timezone, day)
        today = pick(ledger.visible(day, call.moment.published), ecu.rows)
        return {
            "time": [times[i] for i in points],
            "energy": [kwh(sum(produced.wh[r][i] for r in ecu.rows)) for i in points],
            "power": [sum(produced.power(r, i) for r in ecu.rows) for i in points],
            "today": kwh(today),
        }

    # Inverters

    def inverter_summary(self, call: Call) -> dict[str, str | None]:
        """Return `devices/inverter/summary/{uid}`: `d`, `m`, `y`, `t` per channel."""
        inverter = self._inverter(call)
        parts = self._summary_totals(call.moment)
        answer: dict[str, str | None] = {}
        for number, row in enumerate(inverter.rows, 1):
            today, month, year, lifetime = (totals[row] for totals in parts)
            answer[f"d{number}"] = kwh(today) if today else None
            answer[f"m{number}"] = kwh(month)
            answer[f"y{number}"] = kwh(year)
            answer[f"t{number}"] = kwh(lifetime + self.model.start_wh[row])
        return answer

    def inverter_energy(self, call: Call) -> dict[str, list[Any]]:
        """Return `devices/inverter/energy/{uid}`, minutely included."""
        inverter = self._inverter(call)
        period = self._period(call, DEVICE_LEVELS, inverter.rows)
        if period.level == MINUTELY:
            return self._inverter_minutely(inverter, period.first, call.moment)
        totals = series(self.model.production, period, call.moment.published)
        return {
            f"e{number}": [NOT_YET if t is None else kwh(t[row]) for t in totals]
            for number, row in enumerate(inverter.rows, 1)
        }

    def _inverter_minutely(
        self, inverter: InverterSpec, day: dt.date, moment: Moment
    ) -> dict[str, list[Any]]:
        produced = self.model.production.day(day)
        points = self._production_points(day, produced, moment)
        times = slot_labels(self.model.timezone, day)
        rows = inverter.rows
        peaks = self.model.peaks_w
        answer: dict[str, list[Any]] = {"t": [times[i] for i in points]}
        for number, row in enumerate(rows, 1):
            watts = [produced.power(row, i) for i in points]
            volts = [dc_voltage(w, peaks[row]) for w in watts]
            answer[f"dc_p{number}"] = watts
            answer[f"dc_i{number}"] = [
                round(w / v, 2) if v else 0.0 for w, v in zip(watts, volts, strict=True)
            ]
            answer[f"dc_v{number}"] = volts
            answer[f"dc_e{number}"] = [kwh(produced.wh[row][i]) for i in points]
        total = [sum(produced.power(row, i) for row in rows) for i in points]
        for phase in range(1, 4 if inverter.three_phase else 2):
            answer[f"ac_v{phase}"] = [ac_voltage(i, phase) for i in points]
        peak = sum(peaks[r] for r in inverter.rows) or 1.0
        answer["ac_t"] = [round(18.0 + 30.0 * w / peak, 1) for w in total]
        answer["ac_p1"] = total
        answer["ac_f"] = [ac_frequency(i) for i in points]
        return answer

    def batch(self, call: Call) -> dict[str, Any]:
        """Return `devices/inverter/batch/energy/{eid}` (`power` or `energy` of a day)."""
        ecu = self._ecu(call)
        level, text = call.query.get("energy_level"), call.query.get("date_range")
        if not level or not text:
            raise ApiError(BAD_REQUEST)
        if level not in BATCH_LEVELS:
            raise ApiError(INVALID_PARAMETER)
        day = parse_day(text, call.moment.today)
        period = Period(MINUTELY, day, day)
        if day > call.moment.today or day < self.model.config.create_date:
            raise ApiError(NO_DATA)
        self._require_data(self.model.production, ecu.rows, period, call.moment)
        ledger = self.model.production
        channels = [
            (f"{inverter.uid}-{number}", row)
            for inverter in ecu.inverters
            for number, row in enumerate(inverter.rows, 1)
        ]
        if level == "energy":
            totals = ledger.visible(day, call.moment.published)
            return {"energy": [f"{key}-{kwh(totals[row])}" for key, row in channels]}
        produced = ledger.day(day)
        points = self._production_points(day, produced, call.moment)
        times = slot_labels(self.model.timezone, day)
        return {
            "time": [times[i] for i in points],
            "power": {
                key: [produced.power(row, i) for i in points] for key, row in channels
            },
        }

    # Meter and storage

    def meter_summary(self, call: Call) -> dict[str, dict[str, str]]:
        """Return `devices/meter/summary/{eid}`."""
        site = self._site(call, self.model.meter_eid)
        return self._site_summary(site, METER_TERMS, call.moment)

    def meter_period(self, call: Call) -> dict[str, Any]:
        """Return `devices/meter/period/{eid}`, minutely included."""
        site = self._site(call, self.model.meter_eid)
        period = self._site_period(site, call)
        if period.level != MINUTELY:
            return self._site_series(site, METER_TERMS, period, call.moment)
        answer = self._site_minutely(site, METER_TERMS, period.first, call.moment)
        power = answer["power"]
        answer["power"] = {
            "consumed": power["consumed"],
            "imported_exported": [
                i - e for i, e in zip(power["imported"], power["exported"], strict=True)
            ],
            "produced": power["produced"],
        }
        return answer

    def storage_latest(self, call: Call) -> dict[str, Any]:
        """Return `devices/storage/latest/{eid}`: the last published slot."""
        site = self._site(call, self.model.storage_eid)
        moment = call.moment
        day = moment.today
        index = site.clock(day).visible(moment.published) - 1
        if index < 0:
            day -= ONE_DAY
            index = site.clock(day).slots - 1
        if day < site.create_date:
            raise ApiError(NO_DATA)
        stored = site.day(day)
        end = site.clock(day).slot_start(index + 1).astimezone(ZoneInfo(site.timezone))
        answer: dict[str, Any] = {
            "mode": STORAGE_MODE,
            "soc": str(stored.soc[index]),
            "time": end.strftime("%H:%M"),
        }
        for term in STORAGE_TERMS:
            answer[term] = stored.wh[ROW[term]][index] * SLOTS_PER_HOUR
        return answer

    def storage_summary(self, call: Call) -> dict[str, dict[str, str]]:
        """Return `devices/storage/summary/{eid}`."""
        site = self._site(call, self.model.storage_eid)
        return self._site_summary(site, STORAGE_TERMS, call.moment)

    def storage_period(self, call: Call) -> dict[str, Any]:
        """Return `devices/storage/period/{eid}`, minutely included."""
        site = self._site(call, self.model.storage_eid)
        period = self._site_period(site, call)
        if period.level != MINUTELY:
            return self._site_series(site, STORAGE_TERMS, period, call.moment)
        return self._site_minutely(site, STORAGE_TERMS, period.first, call.moment)

    # Helpers

    def _system(self, call: Call) -> SystemModel:
        if call.match["sid"] != self.model.sid:
            raise ApiError(NO_PERMISSION)
        return self.model

    def _ecu(self, call: Call) -> EcuSpec:
        ecu = self._system(call).ecu_by_eid.get(call.match["eid"])
        if ecu is None:
            raise ApiError(INVALID_PARAMETER)
        return ecu

    def _inverter(self, call: Call) -> InverterSpec:
        inverter = self._system(call).inverter_by_uid.get(call.match["uid"])
        if inverter is None:
            raise ApiError(INVALID_PARAMETER)
        return inverter

    def _site(self, call: Call, eid: str | None) -> SiteLedger:
        """Return the site of the meter or storage ECU `eid`.

        Another ECU of the system has no such data (1001); an id that is no
        ECU of the system is an invalid parameter (4001).
        """
        ecu = self._ecu(call)
        if ecu.eid != eid or self.model.site is None:
            raise ApiError(NO_DATA)
        return self.model.site

    def _period(self, call: Call, levels: tuple[str, ...], rows: range) -> Period:
        model = self.model
        moment = call.moment
        period = parse_period(
            call.query, levels, moment.today, model.config.create_date
        )
        self._require_data(model.production, rows, period, moment)
        return period

    def _site_period(self, site: SiteLedger, call: Call) -> Period:
        moment = call.moment
        period = parse_period(call.query, DEVICE_LEVELS, moment.today, site.create_date)
        self._require_data(site, site_rows(), period, moment)
        return period

    @staticmethod
    def _require_data[DayT: SlotDay](
        ledger: Ledger[DayT], rows: range, period: Period, moment: Moment
    ) -> None:
        """Raise 1001 if the period holds today and nothing of it is published yet."""
        if not period.holds(moment.today):
            return
        totals = ledger.span(period.first, period.last, moment.published)
        if not pick(totals, rows):
            raise ApiError(NO_DATA)

    def _production_points(
        self, day: dt.date, produced: ProductionDay, moment: Moment
    ) -> list[int]:
        """Return the published, reported slots between the first and last production."""
        if produced.first_on < 0:
            return []
        shown = self.model.production.clock(day).visible(moment.published)
        end = min(produced.last_on + 1, shown)
        return [i for i in range(produced.first_on, end) if not self._gap(i)]

    def _gap(self, index: int) -> bool:
        return self.gap_every > 0 and (index + 1) % self.gap_every == 0

    def _summary_totals(self, moment: Moment) -> tuple[Totals, ...]:
        """Return today's, this month's, this year's and the lifetime's totals."""
        ledger = self.model.production
        today, published = moment.today, moment.published
        return (
            ledger.visible(today, published),
            ledger.span(today.replace(day=1), today, published),
            ledger.span(today.replace(month=1, day=1), today, published),
            ledger.span(ledger.create_date, today, published),
        )

    def _summary(self, rows: range, moment: Moment) -> dict[str, str | None]:
        today, month, year, lifetime = (
            pick(totals, rows) for totals in self._summary_totals(moment)
        )
        return {
            "today": kwh(today) if today else None,
            "month": kwh(month),
            "year": kwh(year),
            "lifetime": kwh(lifetime + pick(self.model.start_wh, rows)),
        }

    def _energy(self, rows: range, period: Period, moment: Moment) -> list[str]:
        totals = series(self.model.production, period, moment.published)
        return [NOT_YET if t is None else kwh(pick(t, rows)) for t in totals]

    @staticmethod
    def _site_summary(
        site: SiteLedger, terms: tuple[str, ...], moment: Moment
    ) -> dict[str, dict[str, str]]:
        today, published = moment.today, moment.published
        parts = {
            "today": site.visible(today, published),
            "month": site.span(today.replace(day=1), today, published),
            "year": site.span(today.replace(month=1, day=1), today, published),
            "lifetime": site.span(site.create_date, today, published),
        }
        return {
            name: {term: kwh(totals[ROW[term]]) for term in terms}
            for name, totals in parts.items()
        }

    @staticmethod
    def _site_series(
        site: SiteLedger, terms: tuple[str, ...], period: Period, moment: Moment
    ) -> dict[str, Any]:
        totals = series(site, period, moment.published)
        answer: dict[str, Any] = {"time": labels(period)}
        for term in terms:
            answer[term] = [NOT_YET if t is None else kwh(t[ROW[term]]) for t in totals]
        return answer

    def _site_minutely(
        self, site: SiteLedger, terms: tuple[str, ...], day: dt.date, moment: Moment
    ) -> dict[str, Any]:
        stored = site.day(day)
        shown = site.clock(day).visible(moment.published)
        points = [i for i in range(shown) if not self._gap(i)]
        times = slot_labels(site.timezone, day)
        today = site.visible(day, moment.published)
        return {
            "today": {term: kwh(today[ROW[term]]) for term in terms},
            "time": [times[i] for i in points],
            "power": {
                term: [stored.wh[ROW[term]][i] * SLOTS_PER_HOUR for i in points]
                for term in terms
            },
            "energy": {
                term: [kwh(stored.wh[ROW[term]][i]) for i in points] for term in terms
            },
        }


def site_rows() -> range:
    """Return every row of a site ledger."""
    return range(len(TERMS))
