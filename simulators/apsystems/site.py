"""The meter's and the battery's view of a site: load, grid and storage per slot."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
import random

from .ledger import SLOT_S, DayClock, Ledger, Rows, slot_hours
from .production import SLOTS_PER_HOUR, ProductionLedger

TERMS = ("produced", "consumed", "imported", "exported", "charge", "discharge")
METER_TERMS = ("consumed", "exported", "imported", "produced")
STORAGE_TERMS = ("discharge", "charge", "produced", "consumed", "exported", "imported")
ROW = {term: index for index, term in enumerate(TERMS)}
LOAD_NOISE_W = 60.0


@dataclass(frozen=True, slots=True)
class Battery:
    """A battery: it starts every day at `start_soc` and keeps `reserve_soc`."""

    capacity_wh: int
    power_w: int
    start_soc: float = 0.3
    reserve_soc: float = 0.1


@dataclass(frozen=True, slots=True)
class SiteDay:
    """Wh per term (`TERMS`) and slot, and the battery's charge (%) after each slot."""

    wh: Rows
    soc: tuple[int, ...]


def load_w(hour: int) -> float:
    """Return the household's typical power at a local hour."""
    if hour < 6:
        return 220.0
    if 7 <= hour < 9:
        return 650.0
    if 17 <= hour < 22:
        return 1100.0
    return 380.0


class SiteLedger(Ledger[SiteDay]):
    """Produced (all PV), consumed, imported, exported, charge and discharge.

    Per slot: produced + imported + discharge = consumed + exported + charge,
    exactly. The battery charges from surplus PV and covers the load when
    there is none, within its power and between its reserve and full.
    """

    def __init__(self, production: ProductionLedger, battery: Battery | None) -> None:
        """Follow `production`, with `battery` if any."""
        super().__init__(production.timezone, production.create_date, len(TERMS))
        self.production = production
        self.battery = battery

    def compute(self, clock: DayClock) -> SiteDay:
        """Compute one day."""
        slots = clock.slots
        rows = [[0] * slots for _ in TERMS]
        soc = [0] * slots
        if clock.day < self.create_date:
            return SiteDay(tuple(map(tuple, rows)), tuple(soc))
        panels = self.production.day(clock.day).wh
        produced = [sum(column) for column in zip(*panels, strict=True)] or [0] * slots
        hours = slot_hours(self.timezone, clock.day)
        rng = random.Random(f"{self.production.plant.seed}:load:{clock.day}")
        battery = self.battery
        stored = capacity = reserve = step = 0
        if battery is not None:
            capacity = battery.capacity_wh
            stored = round(capacity * battery.start_soc)
            reserve = round(capacity * battery.reserve_soc)
            step = battery.power_w * SLOT_S // 3600
        for index in range(slots):
            power = load_w(hours[index]) + rng.uniform(-LOAD_NOISE_W, LOAD_NOISE_W)
            consumed = round(power / SLOTS_PER_HOUR)
            surplus = produced[index] - consumed
            charge = max(0, min(surplus, step, capacity - stored))
            discharge = max(0, min(-surplus, step, stored - reserve))
            stored += charge - discharge
            net = surplus - charge + discharge
            rows[ROW["produced"]][index] = produced[index]
            rows[ROW["consumed"]][index] = consumed
            rows[ROW["imported"]][index] = max(0, -net)
            rows[ROW["exported"]][index] = max(0, net)
            rows[ROW["charge"]][index] = charge
            rows[ROW["discharge"]][index] = discharge
            soc[index] = round(stored * 100 / capacity) if capacity else 0
        return SiteDay(tuple(map(tuple, rows)), tuple(soc))


@cache
def site_ledger(production: ProductionLedger, battery: Battery | None) -> SiteLedger:
    """Return the site ledger of `production`, shared like the production ledger."""
    return SiteLedger(production, battery)
