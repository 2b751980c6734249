"""Reusable device state that evolves deterministically with a clock."""

from __future__ import annotations

from collections.abc import Callable
import math
import os
from pathlib import Path
import random

NOISE_POINTS = 64
MAX_STEP_S = 1.0
MAX_STEPS = 10_000
JOULES_PER_KWH = 3_600_000.0


class EnergyMeter:
    """Grid meter: power follows a sine plus seeded noise; counters only grow.

    Positive power is import, negative is export. Given the same clock readings
    and seed, every value is the same.
    """

    def __init__(
        self,
        clock: Callable[[], float],
        *,
        seed: int = 0,
        mean_w: float = 300.0,
        amplitude_w: float = 1200.0,
        period_s: float = 600.0,
        noise_w: float = 40.0,
        import_kwh: float = 0.0,
        export_kwh: float = 0.0,
    ) -> None:
        """Start the meter at the clock's current time with the given counters."""
        self._clock = clock
        self.mean_w = mean_w
        self.amplitude_w = amplitude_w
        self.period_s = period_s
        rng = random.Random(seed)
        self._noise = [rng.uniform(-noise_w, noise_w) for _ in range(NOISE_POINTS)]
        self._start = self._last = clock()
        self.import_kwh = import_kwh
        self.export_kwh = export_kwh

    def power_at(self, t: float) -> float:
        """Return the power in W at clock time `t`."""
        elapsed = t - self._start
        wave = math.sin(2 * math.pi * elapsed / self.period_s)
        index, frac = divmod(elapsed, 1.0)
        first = self._noise[int(index) % NOISE_POINTS]
        second = self._noise[(int(index) + 1) % NOISE_POINTS]
        noise = first + (second - first) * frac
        return self.mean_w + self.amplitude_w * wave + noise

    def update(self) -> float:
        """Integrate power up to now into the counters; return the current power."""
        now = self._clock()
        elapsed = now - self._last
        if elapsed > 0:
            steps = min(MAX_STEPS, math.ceil(elapsed / MAX_STEP_S))
            step = elapsed / steps
            for i in range(steps):
                start = self._last + i * step
                joules = (self.power_at(start) + self.power_at(start + step)) / 2 * step
                if joules >= 0:
                    self.import_kwh += joules / JOULES_PER_KWH
                else:
                    self.export_kwh -= joules / JOULES_PER_KWH
            self._last = now
        return self.power_at(now)

    def snapshot(self) -> dict[str, float]:
        """Return current power (W) and import/export counters (kWh)."""
        power = self.update()
        return {
            "power_w": round(power, 1),
            "energy_import_kwh": round(self.import_kwh, 4),
            "energy_export_kwh": round(self.export_kwh, 4),
        }


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file: readers see old or new, whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
