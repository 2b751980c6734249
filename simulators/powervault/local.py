"""`PowervaultLocalSim`: the local HTTP API (port 5000) of a legacy P3 or P3X."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiohttp import web

from .clocks import STEP_S, Clock, as_utc, now_utc, parse_iso_z
from .controls import Override, Schedule
from .device import PowervaultDevice
from .physics import BatteryConfig, PowervaultModel
from .telemetry import Platform, chart_sample, records
from .wire import ApiError, answer, guarded, read_json

DEFAULT_UNIT_ID = "008a2564"
LOCAL_PORT = 5000
PLATFORM_NAMES: dict[Platform, str] = {"p3": "p3", "p3x": "P3X"}
MAX_CHART_SPAN = dt.timedelta(days=7)


class PowervaultLocalSim(PowervaultDevice):
    """A legacy unit: health, unit id, platform, telemetry, schedule, override, chart data.

    The override is a single object (UTC); a POST replaces it, and GET answers
    `{}` when there is none or it has ended. chart-data answers one sample per
    complete 30-s step starting within [start, end) (see `chart_sample`).
    """

    def __init__(
        self,
        platform: Platform = "p3",
        *,
        unit_id: str = DEFAULT_UNIT_ID,
        clock: Clock = now_utc,
        battery: BatteryConfig | None = None,
        schedule: Schedule | None = None,
    ) -> None:
        """Serve one `platform` unit ("p3" or "p3x")."""
        if platform not in PLATFORM_NAMES:
            raise ValueError(f"unknown platform {platform!r}")
        super().__init__(clock=clock)
        self.platform: Platform = platform
        self.unit_id = unit_id
        self.model = self.models[unit_id] = PowervaultModel(
            battery or BatteryConfig(seed=unit_id),
            schedule=schedule,
            clock=self.model_clock,
        )

    # What the API serves (also truth for tests)

    def telemetry(self, now: dt.datetime | None = None) -> list[dict[str, Any]]:
        """Return the latest-telemetry records at `now` (default: the clock)."""
        return records(self.model, self.platform, self.now() if now is None else now)

    def chart(
        self, start: dt.datetime, end: dt.datetime, now: dt.datetime | None = None
    ) -> list[dict[str, Any]]:
        """Return the chart-data samples of [`start`, `end`) known at `now`."""
        now = self.now() if now is None else as_utc(now)
        last = min(as_utc(end), now - dt.timedelta(seconds=STEP_S - 1e-6))
        return [chart_sample(step) for step in self.model.steps(start, last)]

    # Framework hooks

    def routes(self) -> list[web.RouteDef]:
        """Return the `/api/...` routes."""
        table = [
            ("GET", "/api/health", self._health),
            ("GET", "/api/unit-id", self._uid),
            ("GET", "/api/platform", self._platform),
            ("GET", "/api/latest-telemetry", self._telemetry),
            ("GET", "/api/schedule", self._schedule),
            ("GET", "/api/state-override", self._get_override),
            ("POST", "/api/state-override", self._post_override),
            ("GET", "/api/chart-data", self._chart),
        ]
        return [web.route(m, path, guarded(handler)) for m, path, handler in table]

    def vendor_error_body(self) -> dict[str, Any]:
        """Return the local API's error body."""
        return {"status": "error", "message": "internal error"}

    # Endpoints

    async def _health(self, request: web.Request) -> web.Response:
        return answer({"status": "ok"})

    async def _uid(self, request: web.Request) -> web.Response:
        return answer({"uid": self.unit_id})

    async def _platform(self, request: web.Request) -> web.Response:
        return answer({"platform": PLATFORM_NAMES[self.platform]})

    async def _telemetry(self, request: web.Request) -> web.Response:
        return answer(self.telemetry())

    async def _schedule(self, request: web.Request) -> web.Response:
        return answer(self.model.controls.schedule.to_json())

    async def _get_override(self, request: web.Request) -> web.Response:
        now = self.now()
        for override in self.model.controls.overrides:
            if override.end > now:
                return answer(override.to_json())
        return answer({})

    async def _post_override(self, request: web.Request) -> web.Response:
        body = await read_json(request)
        try:
            override = Override.from_json(body)
        except ValueError as err:
            raise ApiError(400, str(err), local=True) from None
        self.model.set_overrides([override], self.now())
        return answer({"status": "ok"})

    async def _chart(self, request: web.Request) -> web.Response:
        try:
            start = parse_iso_z(request.query["start"])
            end = parse_iso_z(request.query["end"])
        except (KeyError, ValueError):
            raise ApiError(400, "start and end must be ISO times", local=True) from None
        if end - start > MAX_CHART_SPAN:
            raise ApiError(400, "at most 7 days", local=True)
        return answer(self.chart(start, end))
