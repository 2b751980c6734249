"""The system as served: ECUs, inverters and their rows in the ledgers."""

from __future__ import annotations

from dataclasses import dataclass

from .config import (
    STORAGE_CAPACITY_KWH,
    STORAGE_EID,
    STORAGE_MODEL,
    STORAGE_POWER_W,
    EcuConfig,
    SystemConfig,
)
from .production import Plant, ProductionLedger, production_ledger
from .site import Battery, SiteLedger, site_ledger
from .solar import channel_factor

METER_TYPE = 1
STORAGE_TYPE = 2


@dataclass(frozen=True, slots=True)
class InverterSpec:
    """An inverter: its channels are `rows` of the production ledger."""

    uid: str
    model: str
    eid: str
    rows: range
    three_phase: bool

    @property
    def channels(self) -> int:
        """Return how many channels the inverter has."""
        return len(self.rows)


@dataclass(frozen=True, slots=True)
class EcuSpec:
    """An ECU: the channels of its inverters are `rows` of the production ledger."""

    eid: str
    ecu_type: int
    inverters: tuple[InverterSpec, ...]
    rows: range
    model: str | None = None
    capacity_kwh: float | None = None


class SystemModel:
    """A `SystemConfig` laid out on ledgers: the production, and the site if any."""

    def __init__(self, config: SystemConfig) -> None:
        """Lay out `config` (later changes to it are not seen)."""
        self.config = config
        self.sid = config.sid
        self.timezone = config.timezone
        ecus = list(config.ecus)
        self.meter_eid: str | None = None
        self.storage_eid: str | None = None
        if config.meter:
            if not ecus:
                raise ValueError("a meter needs an ECU")
            meter = next((e for e in ecus if e.ecu_type == METER_TYPE), ecus[0])
            self.meter_eid = meter.eid
        if config.storage:
            storage = next((e for e in ecus if e.ecu_type == STORAGE_TYPE), None)
            if storage is None:
                storage = EcuConfig(STORAGE_EID, [], STORAGE_TYPE)
                ecus.append(storage)
            self.storage_eid = storage.eid
        peaks: list[float] = []
        self.ecus: list[EcuSpec] = []
        for ecu in ecus:
            first = len(peaks)
            inverters = []
            for inverter in ecu.inverters:
                start = len(peaks)
                peaks += [
                    inverter.peak_w_per_channel * channel_factor(inverter.uid, n)
                    for n in range(1, inverter.channels + 1)
                ]
                inverters.append(
                    InverterSpec(
                        inverter.uid,
                        inverter.model,
                        ecu.eid,
                        range(start, len(peaks)),
                        inverter.three_phase,
                    )
                )
            self.ecus.append(self._ecu(ecu, tuple(inverters), range(first, len(peaks))))
        self.all_rows = range(len(peaks))
        self.peaks_w = tuple(peaks)
        self.capacity_kw = (
            sum(i.peak_w_per_channel * i.channels for e in ecus for i in e.inverters)
            / 1000
        )
        self.start_wh = _shares(round(config.lifetime_start_kwh * 1000), self.peaks_w)
        plant = Plant(
            config.sid,
            config.latitude,
            config.longitude,
            config.timezone,
            config.create_date,
            self.peaks_w,
        )
        self.production: ProductionLedger = production_ledger(plant)
        self.site: SiteLedger | None = None
        if config.meter or config.storage:
            battery = None
            if config.storage:
                battery = Battery(round(STORAGE_CAPACITY_KWH * 1000), STORAGE_POWER_W)
            self.site = site_ledger(self.production, battery)
        self.ecu_by_eid = {ecu.eid: ecu for ecu in self.ecus}
        self.inverter_by_uid = {i.uid: i for ecu in self.ecus for i in ecu.inverters}

    def _ecu(
        self, ecu: EcuConfig, inverters: tuple[InverterSpec, ...], rows: range
    ) -> EcuSpec:
        if ecu.eid == self.storage_eid:
            return EcuSpec(
                ecu.eid,
                STORAGE_TYPE,
                inverters,
                rows,
                STORAGE_MODEL,
                STORAGE_CAPACITY_KWH,
            )
        ecu_type = METER_TYPE if ecu.eid == self.meter_eid else ecu.ecu_type
        return EcuSpec(ecu.eid, ecu_type, inverters, rows)


def _shares(total: int, weights: tuple[float, ...]) -> tuple[int, ...]:
    """Split `total` into integers proportional to `weights`, summing to `total`."""
    if not weights:
        return ()
    whole = sum(weights)
    shares = [int(total * weight / whole) for weight in weights]
    shares[0] += total - sum(shares)
    return tuple(shares)
