"""Solar and home load per 30-second step: deterministic per UTC day and seed."""

from __future__ import annotations

import datetime as dt
import math
import random

from .clocks import STEP_S, STEPS_PER_DAY

YEAR_DAYS = 365.25
SPRING_EQUINOX_DOY = 80
SOLAR_NOON_H = 12.2
KETTLES_PER_DAY = 4
KETTLE_W = 2500.0
KETTLE_STEPS = 6
CACHE_DAYS = 120

type DayProfile = tuple[list[float], list[float]]


class Profiles:
    """Mean solar and home power (W, >= 0) of every 30-second step, cached per day."""

    def __init__(
        self, seed: str, *, solar_peak_w: float = 3000.0, base_load_w: float = 250.0
    ) -> None:
        """Profiles of household `seed` with a `solar_peak_w` array."""
        self.seed = seed
        self.solar_peak_w = solar_peak_w
        self.base_load_w = base_load_w
        self._days: dict[int, DayProfile] = {}

    def day(self, day_index: int) -> DayProfile:
        """Return (solar W, home W) per step of UTC day `day_index` (days since 1970)."""
        cached = self._days.get(day_index)
        if cached is None:
            if len(self._days) >= CACHE_DAYS:
                self._days.pop(next(iter(self._days)))
            cached = self._days[day_index] = self._build(day_index)
        return cached

    def _build(self, day_index: int) -> DayProfile:
        date = dt.date(1970, 1, 1) + dt.timedelta(days=day_index)
        rng = random.Random(f"{self.seed}:{date.isoformat()}")
        season = math.sin(
            2 * math.pi * (date.timetuple().tm_yday - SPRING_EQUINOX_DOY) / YEAR_DAYS
        )
        day_length = 12 + 4.3 * season
        sunrise = SOLAR_NOON_H - day_length / 2
        peak = self.solar_peak_w * (0.6 + 0.4 * season) * rng.uniform(0.35, 1.0)
        clouds = [rng.uniform(0.7, 1.0) for _ in range(STEPS_PER_DAY // 10 + 1)]
        noise = [rng.uniform(0.0, 150.0) for _ in range(STEPS_PER_DAY // 2 + 1)]
        kettles = [rng.randrange(6 * 120, 22 * 120) for _ in range(KETTLES_PER_DAY)]
        solar: list[float] = []
        home: list[float] = []
        for step in range(STEPS_PER_DAY):
            hour = (step + 0.5) * STEP_S / 3600
            share = (hour - sunrise) / day_length
            sun = math.sin(math.pi * share) ** 1.5 if 0 < share < 1 else 0.0
            solar.append(peak * sun * clouds[step // 10])
            load = (
                self.base_load_w
                + 350 * math.exp(-(((hour - 7.5) / 1.0) ** 2))
                + 1200 * math.exp(-(((hour - 18.5) / 1.5) ** 2))
                + noise[step // 2]
            )
            if any(k <= step < k + KETTLE_STEPS for k in kettles):
                load += KETTLE_W
            home.append(load)
        return solar, home
