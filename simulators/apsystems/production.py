"""PV production per panel (channel) and 5-minute slot, following the sun."""

from __future__ import annotations

from dataclasses import dataclass
import datetime as dt
from functools import cache

from .ledger import SLOT_S, DayClock, Ledger, Rows
from .solar import SunDay, clear_sky, weather

SLOTS_PER_HOUR = 3600 // SLOT_S


@dataclass(frozen=True, slots=True)
class Plant:
    """What production depends on: place, time zone, start date and panel peaks."""

    seed: str
    latitude: float
    longitude: float
    timezone: str
    create_date: dt.date
    peaks_w: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class ProductionDay:
    """A day of production: Wh per channel and slot, and each slot's share of peak.

    `first_on`/`last_on` are the first and last slot in which any panel
    produced (-1 if none): the ECU reports minutely points between them.
    """

    wh: Rows
    shares: tuple[float, ...]
    peaks_w: tuple[float, ...]
    first_on: int
    last_on: int

    def power(self, row: int, index: int) -> int:
        """Return channel `row`'s power (W) in the middle of slot `index`."""
        return round(self.peaks_w[row] * self.shares[index])


class ProductionLedger(Ledger[ProductionDay]):
    """Per channel: P = peak x clear-sky(sun elevation) x the day's weather.

    A slot's power is P at its middle; its energy is round(P x 5/60) Wh.
    """

    def __init__(self, plant: Plant) -> None:
        """Simulate `plant`."""
        super().__init__(plant.timezone, plant.create_date, len(plant.peaks_w))
        self.plant = plant

    def compute(self, clock: DayClock) -> ProductionDay:
        """Compute one day."""
        plant = self.plant
        slots = clock.slots
        shares = [0.0] * slots
        if clock.day >= plant.create_date:
            sky = SunDay(
                plant.latitude, plant.longitude, clock.start, clock.slot_start(slots)
            )
            factor = weather(plant.seed, clock.day)
            start = clock.start.timestamp() + SLOT_S / 2
            shares = [
                clear_sky(sky.elevation(start + index * SLOT_S)) * factor
                for index in range(slots)
            ]
        lit = [index for index, share in enumerate(shares) if share > 0]
        first, stop = (lit[0], lit[-1] + 1) if lit else (0, 0)
        daylight = shares[first:stop]
        wh = tuple(
            (0,) * first
            + tuple(round(peak * share / SLOTS_PER_HOUR) for share in daylight)
            + (0,) * (slots - stop)
            for peak in plant.peaks_w
        )
        on = [i for i in range(first, stop) if any(row[i] for row in wh)]
        return ProductionDay(
            wh=wh,
            shares=tuple(shares),
            peaks_w=plant.peaks_w,
            first_on=on[0] if on else -1,
            last_on=on[-1] if on else -1,
        )


@cache
def production_ledger(plant: Plant) -> ProductionLedger:
    """Return the ledger of `plant`, shared by every simulator of the same plant."""
    return ProductionLedger(plant)
