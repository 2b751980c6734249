"""A generic demo meter for testing the shared transport."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import time
from typing import Any

from aiohttp import web

from .base import SimulatedDevice
from .state import EnergyMeter


class DemoMeter(SimulatedDevice):
    """JSON meter with auth, echo, slow, flaky and rate-limited endpoints.

    `flaky_failures` and `limited_failures` count down: that many calls fail
    (503, or 429 with Retry-After 0) before the endpoint succeeds.
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        seed: int = 0,
        token: str = "sim-token",  # noqa: S107 - a test credential
    ) -> None:
        """Create the meter; `token` is the bearer token `/api/secure` accepts."""
        super().__init__(clock=clock)
        self.meter = EnergyMeter(self.clock, seed=seed)
        self.token = token
        self.flaky_failures = 0
        self.limited_failures = 0

    def routes(self) -> list[web.RouteDef]:
        """Return the demo API routes."""
        return [
            web.get("/api/reading", self._reading),
            web.post("/api/echo", self._echo),
            web.get("/api/secure", self._secure),
            web.get("/api/slow", self._slow),
            web.get("/api/flaky", self._flaky),
            web.get("/api/limited", self._limited),
        ]

    def state(self) -> dict[str, Any]:
        """Return the meter reading and pending failure counts."""
        return {
            **self.meter.snapshot(),
            "flaky_failures": self.flaky_failures,
            "limited_failures": self.limited_failures,
        }

    async def _reading(self, request: web.Request) -> web.Response:
        return web.json_response(self.meter.snapshot())

    async def _echo(self, request: web.Request) -> web.Response:
        try:
            data = await request.json()
        except ValueError:
            return web.json_response({"error": "invalid json"}, status=400)
        return web.json_response(data)

    async def _secure(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return web.json_response({"error": "unauthorized"}, status=401)
        return web.json_response({"ok": True, **self.meter.snapshot()})

    async def _slow(self, request: web.Request) -> web.Response:
        try:
            seconds = float(request.query.get("seconds", "1"))
        except ValueError:
            return web.json_response({"error": "invalid seconds"}, status=400)
        await asyncio.sleep(seconds)
        return web.json_response({"slept": seconds})

    async def _flaky(self, request: web.Request) -> web.Response:
        if self.flaky_failures > 0:
            self.flaky_failures -= 1
            return web.json_response({"error": "unavailable"}, status=503)
        return web.json_response({"ok": True})

    async def _limited(self, request: web.Request) -> web.Response:
        if self.limited_failures > 0:
            self.limited_failures -= 1
            return web.json_response(
                {"error": "rate limited"}, status=429, headers={"Retry-After": "0"}
            )
        return web.json_response({"ok": True})
