"""The demo meter's endpoints."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from simulators import DEVICES, DemoMeter, RunningSimulator
from simulators.pytest_plugin import StartSimulator


@pytest.fixture(name="session")
async def fixture_session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def test_registry_has_demo() -> None:
    assert isinstance(DEVICES["demo"](), DemoMeter)


async def test_reading_grows_with_clock(
    simulator: StartSimulator, session: aiohttp.ClientSession
) -> None:
    now = [0.0]
    sim = await simulator(DemoMeter(clock=lambda: now[0]))
    now[0] = 3600.0
    async with session.get(sim.url + "/api/reading") as response:
        reading = await response.json()
    assert set(reading) == {"power_w", "energy_import_kwh", "energy_export_kwh"}
    assert all(isinstance(value, float) for value in reading.values())
    assert reading["energy_import_kwh"] > 0


async def test_echo(
    demo_meter: RunningSimulator[DemoMeter], session: aiohttp.ClientSession
) -> None:
    payload = {"a": [1, 2], "b": None}
    async with session.post(demo_meter.url + "/api/echo", json=payload) as response:
        assert await response.json() == payload
    async with session.post(demo_meter.url + "/api/echo", data=b"{") as response:
        assert response.status == 400


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Bearer wrong"}, 401),
        ({"Authorization": "sim-token"}, 401),
        ({"Authorization": "Bearer sim-token"}, 200),
    ],
)
async def test_secure_requires_token(
    demo_meter: RunningSimulator[DemoMeter],
    session: aiohttp.ClientSession,
    headers: dict[str, str],
    status: int,
) -> None:
    async with session.get(demo_meter.url + "/api/secure", headers=headers) as response:
        assert response.status == status
        body = await response.json()
    if status == 401:
        assert body == {"error": "unauthorized"}
    else:
        assert body["ok"] is True


async def test_custom_token(
    simulator: StartSimulator, session: aiohttp.ClientSession
) -> None:
    sim = await simulator(DemoMeter(token="other"))
    headers = {"Authorization": "Bearer other"}
    async with session.get(sim.url + "/api/secure", headers=headers) as response:
        assert response.status == 200


async def test_slow(
    demo_meter: RunningSimulator[DemoMeter], session: aiohttp.ClientSession
) -> None:
    async with session.get(demo_meter.url + "/api/slow?seconds=0.05") as response:
        assert await response.json() == {"slept": 0.05}
    async with session.get(demo_meter.url + "/api/slow?seconds=x") as response:
        assert response.status == 400
    with pytest.raises(TimeoutError):
        await session.get(
            demo_meter.url + "/api/slow?seconds=2",
            timeout=aiohttp.ClientTimeout(total=0.2),
        )


async def test_flaky(
    demo_meter: RunningSimulator[DemoMeter], session: aiohttp.ClientSession
) -> None:
    device = demo_meter.device
    device.flaky_failures = 2
    statuses = []
    for _ in range(3):
        async with session.get(demo_meter.url + "/api/flaky") as response:
            statuses.append(response.status)
    assert statuses == [503, 503, 200]
    assert device.requests["/api/flaky"] == 3


async def test_limited(
    demo_meter: RunningSimulator[DemoMeter], session: aiohttp.ClientSession
) -> None:
    device = demo_meter.device
    device.limited_failures = 1
    async with session.get(demo_meter.url + "/api/limited") as response:
        assert response.status == 429
        assert response.headers["Retry-After"] == "0"
    async with session.get(demo_meter.url + "/api/limited") as response:
        assert (response.status, await response.json()) == (200, {"ok": True})


async def test_state_endpoint(
    demo_meter: RunningSimulator[DemoMeter], session: aiohttp.ClientSession
) -> None:
    device = demo_meter.device
    device.flaky_failures = 4
    async with session.get(demo_meter.url + "/_sim/state") as response:
        state = await response.json()
    assert state["flaky_failures"] == 4
    assert state["limited_failures"] == 0
    assert "energy_import_kwh" in state
