"""A fast clock for demonstrations: simulated devices and their integration share it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True, slots=True)
class TimeWarp:
    """From the real moment `epoch` on, the clock shows `start` and runs `speed` times as fast."""

    epoch: datetime
    start: datetime
    speed: float

    def __post_init__(self) -> None:
        """Reject a clock that stands still or runs backwards."""
        if not self.speed > 0:
            raise ValueError(f"speed must be positive, not {self.speed}")

    def warped(self, real: datetime) -> datetime:
        """Return the warped time at the real time `real`."""
        return self.start + (real - self.epoch) * self.speed

    def real(self, warped: datetime) -> datetime:
        """Return the real time at which the clock shows `warped`."""
        return self.epoch + (warped - self.start) / self.speed

    @classmethod
    def parse(cls, text: str) -> TimeWarp:
        """Read `EPOCH,START,SPEED` (Unix seconds, Unix seconds, factor); raise ValueError."""
        try:
            epoch, start, speed = (float(part) for part in text.split(","))
        except ValueError as err:
            raise ValueError(f"expected EPOCH,START,SPEED, not {text!r}") from err
        return cls(
            datetime.fromtimestamp(epoch, UTC),
            datetime.fromtimestamp(start, UTC),
            speed,
        )

    def __str__(self) -> str:
        """Return the form `parse` reads."""
        return (
            f"{self.epoch.timestamp():.0f},{self.start.timestamp():.0f},{self.speed:g}"
        )
