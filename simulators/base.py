"""Base class for simulated devices: an aiohttp app with fault injection."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from functools import cached_property
import time
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from .faults import CONTROL_PREFIX, Fault, FaultInjector
from .tls import ServerCert, TestCA, host_certificate


class SimulatedDevice:
    """A device speaking its vendor protocol; subclasses add routes and state."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        """Create the device; `clock` returns seconds and drives evolving state."""
        self.clock = clock
        self.faults = FaultInjector(self.vendor_error_body)
        self.requests: Counter[str] = Counter()

    @cached_property
    def app(self) -> web.Application:
        """Return the aiohttp application serving this device."""
        app = web.Application(middlewares=[self._count, self.faults.middleware])
        app.add_routes(self.routes())
        app.add_routes(
            [
                web.post(f"{CONTROL_PREFIX}fault", self._post_fault),
                web.delete(f"{CONTROL_PREFIX}fault", self._delete_fault),
                web.get(f"{CONTROL_PREFIX}state", self._get_state),
            ]
        )
        self.setup_app(app)
        return app

    def setup_app(self, app: web.Application) -> None:
        """Add middlewares or signals to the new app; override in subclasses.

        Middlewares appended here run after fault injection.
        """

    def server_certificate(self, ca: TestCA, host: str) -> ServerCert:
        """Return the certificate to serve HTTPS on `host`; override for vendor names."""
        return host_certificate(ca, host)

    def configure(self, options: Mapping[str, str]) -> None:
        """Apply command-line options (`--serial`, `--token`); override to accept some.

        Raise ValueError for options the device does not support.
        """
        if options:
            raise ValueError(
                f"{type(self).__name__} does not support --{', --'.join(sorted(options))}"
            )

    def routes(self) -> list[web.RouteDef]:
        """Return the vendor routes; override in subclasses."""
        return []

    def state(self) -> dict[str, Any]:
        """Return a JSON-able snapshot of the device state; override in subclasses."""
        return {}

    def vendor_error_body(self) -> dict[str, Any]:
        """Return the body of a `vendor_error` fault; override for the vendor's shape."""
        return {"error": {"code": "SIM_ERROR", "message": "simulated vendor error"}}

    def set_fault(self, fault: Fault) -> None:
        """Inject `fault` into subsequent requests."""
        self.faults.set(fault)

    def clear_fault(self) -> None:
        """Stop injecting faults."""
        self.faults.clear()

    @web.middleware
    async def _count(
        self, request: web.Request, handler: Handler
    ) -> web.StreamResponse:
        if not request.path.startswith(CONTROL_PREFIX):
            self.requests[request.path] += 1
        return await handler(request)

    async def _post_fault(self, request: web.Request) -> web.Response:
        try:
            data = await request.json()
            self.set_fault(Fault.from_json(data))
        except ValueError as err:
            return web.json_response({"ok": False, "error": str(err)}, status=400)
        return web.json_response({"ok": True})

    async def _delete_fault(self, request: web.Request) -> web.Response:
        self.clear_fault()
        return web.json_response({"ok": True})

    async def _get_state(self, request: web.Request) -> web.Response:
        return web.json_response(self.state())
