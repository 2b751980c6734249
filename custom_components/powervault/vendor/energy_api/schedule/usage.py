"""A monthly call counter that survives restarts (the caller persists `as_dict`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


def month_key(moment: datetime) -> str:
    """Return `YYYY-MM` of `moment` in its own timezone."""
    return f"{moment.year:04d}-{moment.month:02d}"


@dataclass(slots=True)
class MonthlyUsage:
    """Calls spent in the current month of the account's timezone.

    The counter resets when a later month begins. A clock that jumps back into an
    earlier month keeps the later month's count, so a jump can never free calls.
    """

    month: str = ""
    spent: int = 0
    manual_spent: int = 0

    def _roll(self, now: datetime) -> None:
        key = month_key(now)
        if key > self.month:
            self.month, self.spent, self.manual_spent = key, 0, 0

    def spent_at(self, now: datetime) -> int:
        """Return the calls spent in the month of `now`."""
        self._roll(now)
        return self.spent

    def manual_spent_at(self, now: datetime) -> int:
        """Return the calls spent on manual actions in the month of `now`."""
        self._roll(now)
        return self.manual_spent

    def record(self, now: datetime, calls: int = 1, *, manual: bool = False) -> None:
        """Count `calls` made at `now` (failed calls count too)."""
        self._roll(now)
        self.spent += calls
        if manual:
            self.manual_spent += calls

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready form for storage."""
        return {
            "month": self.month,
            "spent": self.spent,
            "manual_spent": self.manual_spent,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> MonthlyUsage:
        """Rebuild from `as_dict` output; tolerate missing or damaged data."""
        if not isinstance(data, dict):
            return cls()
        try:
            return cls(
                month=str(data.get("month", "")),
                spent=max(0, int(data.get("spent", 0))),
                manual_spent=max(0, int(data.get("manual_spent", 0))),
            )
        except (TypeError, ValueError):
            return cls()
