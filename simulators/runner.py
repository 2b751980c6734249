"""Run a simulated device on a real socket."""

from __future__ import annotations

from dataclasses import dataclass
import ssl
from types import TracebackType
from typing import Self

from aiohttp import web

from .base import SimulatedDevice

SHUTDOWN_TIMEOUT = 0.5


@dataclass(slots=True)
class RunningSimulator[DeviceT: SimulatedDevice]:
    """A device being served; stop it with `stop()` or `async with`."""

    device: DeviceT
    host: str
    port: int
    tls: bool
    _runner: web.AppRunner

    @property
    def url(self) -> str:
        """Return the base URL, e.g. `http://127.0.0.1:8080`."""
        scheme = "https" if self.tls else "http"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{scheme}://{host}:{self.port}"

    async def stop(self) -> None:
        """Close the socket and cancel in-flight requests."""
        await self._runner.cleanup()

    async def __aenter__(self) -> Self:
        """Return the running simulator."""
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop the simulator."""
        await self.stop()


async def start_simulator[DeviceT: SimulatedDevice](
    device: DeviceT,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    ssl_context: ssl.SSLContext | None = None,
) -> RunningSimulator[DeviceT]:
    """Serve `device` on `host`:`port` (0 picks a free port), over TLS if given a context."""
    runner = web.AppRunner(
        device.app,
        access_log=None,
        handler_cancellation=True,
        shutdown_timeout=SHUTDOWN_TIMEOUT,
    )
    await runner.setup()
    site = web.TCPSite(runner, host, port, ssl_context=ssl_context)
    try:
        await site.start()
    except BaseException:
        await runner.cleanup()
        raise
    real_port: int = runner.addresses[0][1]
    return RunningSimulator(device, host, real_port, ssl_context is not None, runner)
