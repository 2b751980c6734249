"""Pytest fixtures: `test_ca`, `simulator` and `demo_meter`.

Load with `pytest_plugins = ["simulators.pytest_plugin"]`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Protocol

import pytest

from .base import SimulatedDevice
from .demo import DemoMeter
from .runner import RunningSimulator, start_simulator
from .tls import TestCA


class StartSimulator(Protocol):
    """Type of the `simulator` fixture."""

    async def __call__[DeviceT: SimulatedDevice](
        self, device: DeviceT, *, tls: bool = False
    ) -> RunningSimulator[DeviceT]:
        """Start `device` on 127.0.0.1, over HTTPS signed by `test_ca` if `tls`.

        The certificate is the device's `server_certificate(test_ca, "127.0.0.1")`.
        """


@pytest.fixture(name="test_ca", scope="session")
def fixture_test_ca() -> TestCA:
    """Return a CA shared by the test session."""
    return TestCA.create()


@pytest.fixture(name="simulator")
async def fixture_simulator(
    socket_enabled: None,  # lets the test open loopback sockets
    test_ca: TestCA,
) -> AsyncIterator[StartSimulator]:
    """Return a factory starting devices on free loopback ports; stop them after."""
    stops: list[Callable[[], Awaitable[None]]] = []

    async def start[DeviceT: SimulatedDevice](
        device: DeviceT, *, tls: bool = False
    ) -> RunningSimulator[DeviceT]:
        context = None
        if tls:
            cert = device.server_certificate(test_ca, "127.0.0.1")
            context = test_ca.server_context(cert)
        sim = await start_simulator(device, ssl_context=context)
        stops.append(sim.stop)
        return sim

    yield start
    for stop in reversed(stops):
        await stop()


@pytest.fixture(name="demo_meter")
async def fixture_demo_meter(
    simulator: StartSimulator,
) -> RunningSimulator[DemoMeter]:
    """Return a started `DemoMeter` over plain HTTP."""
    return await simulator(DemoMeter())
