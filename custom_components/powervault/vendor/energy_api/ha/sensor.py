"""An energy total that never goes backwards on a glitch and survives restarts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
import logging
import math
from typing import Any

from homeassistant.components.sensor import (
    RestoreSensor,
    SensorExtraStoredData,
    SensorStateClass,
)
from homeassistant.util import dt as dt_util

_LOGGER = logging.getLogger(__name__)

# Household energy in kWh: a 3 x 63 A connection at 230 V draws about 43 kW.
DEFAULT_MAX_RATE_PER_HOUR = 50.0
# The rate bound allows at least this much time between two readings.
MIN_RATE_WINDOW = timedelta(minutes=1)
# An implausible rise is published once this many readings, spanning this much time,
# stay at or above it.
RISE_CONFIRM_READINGS = 3
RISE_CONFIRM_TIME = timedelta(minutes=1)
# A drop is a reset (a replaced meter) once this many readings, spanning this much
# time, stay below the total, consistent among themselves.
RESET_CONFIRM_READINGS = 6
RESET_CONFIRM_TIME = timedelta(hours=6)
# The key of the filter's own state in the sensor's restore data.
RESTORE_KEY = "monotonic_total"


@dataclass(slots=True)
class _Run:
    """Readings consistent among themselves, held until they prove themselves."""

    first_at: datetime
    last: float
    last_at: datetime
    readings: int = 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "first_at": self.first_at.isoformat(),
            "last": self.last,
            "last_at": self.last_at.isoformat(),
            "readings": self.readings,
        }

    @classmethod
    def from_dict(cls, data: Any) -> _Run | None:
        """Rebuild from `as_dict`; None for missing or damaged data."""
        try:
            run = cls(
                _aware(data["first_at"]),
                float(data["last"]),
                _aware(data["last_at"]),
                int(data["readings"]),
            )
        except (KeyError, TypeError, ValueError):
            return None
        return run if math.isfinite(run.last) and run.readings > 0 else None


def _aware(text: Any) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("naive time")
    return moment


def _number(value: Any) -> float | None:
    """Return `value` if it is a finite number (not a bool), else None."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            finite = math.isfinite(value)
        except OverflowError:  # an int too large for a float
            finite = False
        return value if finite else None
    return None


class MonotonicTotal:
    """Filters readings of a total that should only grow.

    - A missing, NaN, infinite or negative reading is ignored. A first reading of 0
      is a real total; a 0 after a positive total is a glitch.
    - A rise up to `max_rate_per_hour` times the time since the last published reading
      (at least `MIN_RATE_WINDOW`) is published at once. A larger rise is held until
      `RISE_CONFIRM_READINGS` readings over `RISE_CONFIRM_TIME` stay at or above it
      (each within the rate bound of the one before); a reading back on the old line
      discards it. A one-reading spike is therefore never published.
    - A lower reading keeps the total. Only when lower readings, consistent among
      themselves (flat or growing within the rate bound), last `RESET_CONFIRM_TIME`
      and `RESET_CONFIRM_READINGS` readings, is the drop a reset (a replaced meter):
      it is published and logged as a warning.

    Time comes from the caller (`now`), so push and poll follow the same rule.
    """

    def __init__(
        self, max_rate_per_hour: float = DEFAULT_MAX_RATE_PER_HOUR, name: str = "total"
    ) -> None:
        """Start with no known total; `name` identifies it in logs."""
        self.max_rate_per_hour = max_rate_per_hour
        self.name = name
        self.total: float | None = None
        self._line_at: datetime | None = None
        self._rise: _Run | None = None
        self._drop: _Run | None = None

    def accept(self, reading: float | None, now: datetime) -> float | None:
        """Take one reading made at `now`; return the total to publish."""
        if reading is None or not math.isfinite(reading) or reading < 0:
            return self.total
        if self.total is None:
            self._publish(reading, now)
        elif reading == 0 < self.total:
            return self.total  # a 0 after a positive total is a glitch, never evidence
        elif reading < self.total:
            self._drop_to(reading, now)
        elif reading <= self.total + self._allowance(self._line_at, now):
            self._publish(reading, now)
        else:
            self._rise_to(reading, now)
        return self.total

    def _rise_to(self, reading: float, now: datetime) -> None:
        self._rise = rise = self._follow(self._rise, reading, now)
        if self._proven(rise, now, RISE_CONFIRM_READINGS, RISE_CONFIRM_TIME):
            _LOGGER.info(
                "%s rose from %s to %s, confirmed by %s readings",
                self.name,
                self.total,
                reading,
                rise.readings,
            )
            self._publish(reading, now)

    def _drop_to(self, reading: float, now: datetime) -> None:
        self._rise = None
        self._drop = drop = self._follow(self._drop, reading, now)
        if self._proven(drop, now, RESET_CONFIRM_READINGS, RESET_CONFIRM_TIME):
            _LOGGER.warning(
                "%s dropped from %s to %s and stayed consistent since %s: "
                "accepted as a meter reset",
                self.name,
                self.total,
                reading,
                drop.first_at.isoformat(),
            )
            self._publish(reading, now)

    def as_dict(self) -> dict[str, Any]:
        """Return what `restore` needs besides the published total, JSON-ready."""
        return {
            "line_at": None if self._line_at is None else self._line_at.isoformat(),
            "rise": None if self._rise is None else self._rise.as_dict(),
            "drop": None if self._drop is None else self._drop.as_dict(),
        }

    def restore(self, total: float, saved: Any) -> None:
        """Continue from a published `total` and `as_dict` output (damage tolerated)."""
        self.total = total
        data = saved if isinstance(saved, dict) else {}
        try:
            self._line_at = _aware(data["line_at"])
        except (KeyError, TypeError, ValueError):
            self._line_at = None
        self._rise = _Run.from_dict(data.get("rise"))
        self._drop = _Run.from_dict(data.get("drop"))

    def _publish(self, reading: float, now: datetime) -> None:
        self.total, self._line_at, self._rise, self._drop = reading, now, None, None

    def _allowance(self, since: datetime | None, now: datetime) -> float:
        elapsed = MIN_RATE_WINDOW if since is None else now - since
        return self.max_rate_per_hour * (
            max(elapsed, MIN_RATE_WINDOW) / timedelta(hours=1)
        )

    def _follow(self, run: _Run | None, reading: float, now: datetime) -> _Run:
        """Extend `run` with `reading` if consistent with it, else start a new run."""
        if run is None or not (
            run.last <= reading <= run.last + self._allowance(run.last_at, now)
        ):
            return _Run(now, reading, now)
        run.last, run.last_at, run.readings = reading, now, run.readings + 1
        return run

    @staticmethod
    def _proven(run: _Run, now: datetime, readings: int, span: timedelta) -> bool:
        return run.readings >= readings and now - run.first_at >= span


@dataclass
class _StoredTotal(SensorExtraStoredData):
    """The sensor's restore data, with the filter's state beside the total."""

    filter_state: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {**super().as_dict(), RESTORE_KEY: self.filter_state}


class MonotonicTotalSensor(RestoreSensor):
    """Mixin for a TOTAL_INCREASING sensor that publishes through `MonotonicTotal`.

    Call `_publish_total(reading)` whenever a reading arrives. The last published
    total, and any rise or drop still being confirmed, are restored when the entity
    is added, before its first reading. Set `max_rate_per_hour` (native units per
    hour) on the class or instance when the default, for household kWh, does not fit.
    """

    _attr_state_class = SensorStateClass.TOTAL_INCREASING
    max_rate_per_hour: float = DEFAULT_MAX_RATE_PER_HOUR

    @cached_property
    def _monotonic_total(self) -> MonotonicTotal:
        return MonotonicTotal(self.max_rate_per_hour)

    @property
    def extra_restore_state_data(self) -> SensorExtraStoredData:
        """Return the total and the filter's state, for the next start."""
        return _StoredTotal(
            self.native_value,
            self.native_unit_of_measurement,
            self._monotonic_total.as_dict(),
        )

    async def async_added_to_hass(self) -> None:
        """Restore the last published total and the filter's state."""
        self._monotonic_total.name = self.entity_id
        last = await self.async_get_last_extra_data()
        saved = {} if last is None else last.as_dict()
        total = _number(saved.get("native_value"))
        if total is not None and total >= 0:
            self._monotonic_total.restore(total, saved.get(RESTORE_KEY))
            self._attr_native_value = total
        await super().async_added_to_hass()

    def _publish_total(self, reading: Any) -> None:
        """Take a raw reading (anything not a number is missing) and set the state."""
        self._attr_native_value = self._monotonic_total.accept(
            _number(reading), dt_util.utcnow()
        )
