"""An energy total that never goes backwards on a glitch and survives restarts."""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from homeassistant.components.sensor import RestoreSensor, SensorStateClass

_LOGGER = logging.getLogger(__name__)


class MonotonicTotal:
    """Filters readings of a total that should only grow.

    A missing, zero or lower reading is a glitch: the last total is kept. A lower
    reading that repeats, and keeps growing from there, `confirmations` times in a
    row is a real reset (a replaced meter) and is accepted.
    """

    def __init__(self, confirmations: int = 10) -> None:
        """Start with no known total."""
        self.total: float | None = None
        self.confirmations = confirmations
        self._candidate: float | None = None
        self._seen = 0

    def accept(self, reading: float | None) -> float | None:
        """Take one reading; return the total to publish."""
        if reading is None or reading <= 0:
            return self.total
        if self.total is None or reading >= self.total:
            self.total, self._candidate, self._seen = reading, None, 0
            return self.total
        if self._candidate is not None and reading >= self._candidate:
            self._seen += 1
        else:
            self._seen = 1
        self._candidate = reading
        if self._seen >= self.confirmations:
            _LOGGER.warning(
                "Total dropped from %s to %s and stayed there: accepted as a reset",
                self.total,
                reading,
            )
            self.total, self._candidate, self._seen = reading, None, 0
        return self.total


class MonotonicTotalSensor(RestoreSensor):
    """Mixin for a TOTAL_INCREASING sensor that publishes through `MonotonicTotal`.

    Call `_publish_total(reading)` whenever a reading arrives; the last published total
    is restored when the entity is added, before its first reading.
    """

    _attr_state_class = SensorStateClass.TOTAL_INCREASING
    reset_confirmations: ClassVar[int] = 10

    @property
    def _total(self) -> MonotonicTotal:
        try:
            total: MonotonicTotal = self.__dict__["_monotonic_total"]
        except KeyError:
            total = self.__dict__["_monotonic_total"] = MonotonicTotal(
                self.reset_confirmations
            )
        return total

    async def async_added_to_hass(self) -> None:
        """Restore the last published total."""
        last = await self.async_get_last_sensor_data()
        if last is not None and isinstance(last.native_value, int | float):
            self._total.total = float(last.native_value)
            self._attr_native_value = self._total.total
        await super().async_added_to_hass()

    def _publish_total(self, reading: Any) -> None:
        """Take a raw reading (anything not a number is missing) and set the state."""
        number = (
            reading
            if isinstance(reading, int | float) and not isinstance(reading, bool)
            else None
        )
        self._attr_native_value = self._total.accept(number)
