# ruff: noqa: INP001  (imported from benchmarks/ on sys.path, not a package)
"""What the benchmarks' HA runs (`benchmarks/*_ha/`) share: plan, trace and HA's clock.

A benchmark script runs its HA side as a pytest test, with the plan's JSON in one
environment variable and the trace's path in another. The test modules put
`benchmarks/` first on `sys.path` to import this module.
"""

from __future__ import annotations

from datetime import UTC, datetime
import json
import os
from pathlib import Path
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped]
    async_fire_time_changed,
)

# Refreshes planned for the same instant more often than this mean a stuck plan.
MAX_SAME_INSTANT = 5


def iso(moment: datetime | None) -> str | None:
    """Return `moment` in ISO format (UTC), None stays None."""
    return None if moment is None else moment.astimezone(UTC).isoformat()


def plan_json(plan_env: str, trace_env: str, script: str) -> str:
    """Return the plan's JSON; skip the test unless `benchmarks/<script>` runs it."""
    if plan_env not in os.environ or trace_env not in os.environ:
        pytest.skip(f"run by benchmarks/{script} ({plan_env}, {trace_env})")
    return os.environ[plan_env]


async def write_trace(
    hass: HomeAssistant, trace_env: str, trace: dict[str, Any]
) -> None:
    """Write `trace` as JSON to the path in `trace_env`."""
    output = Path(os.environ[trace_env])
    await hass.async_add_executor_job(output.write_text, json.dumps(trace), "utf-8")


class ClockedRun:
    """Moves HA's frozen clock from planned refresh to planned refresh.

    A subclass says when the integration refreshes next and records each refresh.
    """

    def __init__(self, hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
        """Drive `hass`, whose clock `freezer` holds."""
        self.hass = hass
        self.freezer = freezer

    def next_refresh(self) -> datetime | None:
        """Return when the integration refreshes next (None: not planned)."""
        raise NotImplementedError

    def refreshed(self) -> None:
        """Record what the integration holds after a refresh."""
        raise NotImplementedError

    async def settle(self, moment: datetime) -> None:
        """Move HA's time to `moment` and let everything due run."""
        self.freezer.move_to(moment)
        async_fire_time_changed(self.hass, moment)
        await self.hass.async_block_till_done(wait_background_tasks=True)

    async def run_until(self, end: datetime) -> None:
        """Refresh by refresh up to `end`, as the tests' `run_until`, recording each."""
        last: datetime | None = None
        same = 0
        while (due := self.next_refresh()) is not None and due <= end:
            same = same + 1 if due == last else 0
            if same > MAX_SAME_INSTANT:
                raise RuntimeError(f"refresh planned again and again for {due}")
            last = due
            await self.settle(due)
            self.refreshed()
        await self.settle(end)
