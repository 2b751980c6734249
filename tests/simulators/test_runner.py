"""Starting and stopping simulators directly."""

from __future__ import annotations

import aiohttp
from aiohttp import web
import pytest

from simulators import DemoMeter, RunningSimulator, start_simulator


async def get_status(url: str) -> int:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status


@pytest.mark.usefixtures("socket_enabled")
async def test_context_manager_starts_and_stops() -> None:
    device = DemoMeter()
    async with await start_simulator(device) as sim:
        assert sim.device is device
        assert sim.host == "127.0.0.1"
        assert sim.port > 0
        assert sim.url == f"http://127.0.0.1:{sim.port}"
        assert await get_status(sim.url + "/api/reading") == 200
    with pytest.raises(aiohttp.ClientConnectorError):
        await get_status(sim.url + "/api/reading")


@pytest.mark.usefixtures("socket_enabled")
async def test_device_can_be_served_again() -> None:
    device = DemoMeter()
    async with await start_simulator(device) as sim:
        assert await get_status(sim.url + "/api/reading") == 200
    async with await start_simulator(device) as sim:
        assert await get_status(sim.url + "/api/reading") == 200


@pytest.mark.usefixtures("socket_enabled")
async def test_busy_port_raises() -> None:
    async with await start_simulator(DemoMeter()) as sim:
        with pytest.raises(OSError, match="address already in use"):
            await start_simulator(DemoMeter(), port=sim.port)


def test_ipv6_url() -> None:
    runner = web.AppRunner(web.Application())
    sim = RunningSimulator(DemoMeter(), "::1", 8443, tls=True, _runner=runner)
    assert sim.url == "https://[::1]:8443"
