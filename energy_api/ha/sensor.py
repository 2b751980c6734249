"""An energy total that never goes backwards on a glitch and survives restarts."""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from homeassistant.components.sensor import RestoreSensor, SensorStateClass
from homeassistant.core import callback
from homeassistant.helpers.update_coordinator import (
    CoordinatorEntity,
    DataUpdateCoordinator,
)

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


class MonotonicTotalSensor[CoordinatorT: DataUpdateCoordinator[Any]](
    CoordinatorEntity[CoordinatorT], RestoreSensor
):
    """A TOTAL_INCREASING coordinator sensor that publishes through `MonotonicTotal`.

    Subclasses implement `reading()`, the raw value from the coordinator's data.
    """

    _attr_state_class = SensorStateClass.TOTAL_INCREASING
    reset_confirmations: ClassVar[int] = 10

    def __init__(self, coordinator: CoordinatorT) -> None:
        """Attach to the coordinator."""
        super().__init__(coordinator)
        self._total = MonotonicTotal(self.reset_confirmations)

    def reading(self) -> float | None:
        """Return the raw total from the coordinator's data."""
        raise NotImplementedError

    async def async_added_to_hass(self) -> None:
        """Restore the last published total, then apply the current reading."""
        await super().async_added_to_hass()
        last = await self.async_get_last_sensor_data()
        if last is not None and isinstance(last.native_value, int | float):
            self._total.total = float(last.native_value)
        self._apply()

    @callback
    def _handle_coordinator_update(self) -> None:
        self._apply()
        super()._handle_coordinator_update()

    def _apply(self) -> None:
        reading = self.reading() if self.coordinator.data is not None else None
        self._attr_native_value = self._total.accept(reading)
