"""The bare `SimulatedDevice`."""

from __future__ import annotations

import aiohttp

from simulators import Fault, FaultKind, SimulatedDevice
from simulators.pytest_plugin import StartSimulator


async def test_bare_device(simulator: StartSimulator) -> None:
    device = SimulatedDevice()
    sim = await simulator(device)
    async with aiohttp.ClientSession() as session:
        async with session.get(sim.url + "/_sim/state") as response:
            assert await response.json() == {}
        async with session.get(sim.url + "/anything") as response:
            assert response.status == 404
        device.set_fault(Fault(FaultKind.VENDOR_ERROR))
        async with session.get(sim.url + "/anything") as response:
            assert await response.json() == {
                "error": {"code": "SIM_ERROR", "message": "simulated vendor error"}
            }
