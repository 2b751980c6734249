"""Calls per App Id and month (the quota), recent calls (the burst limit), kept on disk."""

from __future__ import annotations

from collections import deque
import json
from pathlib import Path
from typing import Any

from simulators.state import write_atomically

STATE_KIND = "apsystems"


class CallBook:
    """Count every call of a known App Id per month; optionally keep counts in a file."""

    def __init__(self) -> None:
        """Start with no calls."""
        self.months: dict[str, dict[str, int]] = {}
        self._recent: dict[str, deque[float]] = {}
        self._path: Path | None = None

    def count(self, app_id: str, month: str, at: float) -> int:
        """Count a call of `app_id` in `month` ("YYYY-MM") at `at` seconds; return the month's calls."""
        months = self.months.setdefault(app_id, {})
        months[month] = calls = months.get(month, 0) + 1
        self._recent.setdefault(app_id, deque()).append(at)
        if self._path is not None:
            write_atomically(self._path, json.dumps(self.snapshot(), indent=2))
        return calls

    def in_month(self, app_id: str, month: str) -> int:
        """Return the calls of `app_id` in `month`."""
        return self.months.get(app_id, {}).get(month, 0)

    def recent(self, app_id: str, now: float, window: float) -> int:
        """Return the calls of `app_id` in the last `window` seconds before `now`."""
        calls = self._recent.setdefault(app_id, deque())
        while calls and calls[0] <= now - window:
            calls.popleft()
        return len(calls)

    def snapshot(self) -> dict[str, Any]:
        """Return what the state file holds."""
        return {"device": STATE_KIND, "calls": self.months}

    def keep_in(self, path: Path) -> None:
        """Continue from the counts saved in `path`, if any, and save them there.

        Raise ValueError if `path` holds another device's state.
        """
        if path.exists():
            saved = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(saved, dict) or saved.get("device") != STATE_KIND:
                raise ValueError(
                    f"{path} does not hold the state of an APsystems cloud"
                )
            self.months = {
                str(app_id): {str(month): int(n) for month, n in months.items()}
                for app_id, months in saved.get("calls", {}).items()
            }
        self._path = path
