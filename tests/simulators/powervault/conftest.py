"""Fixtures for the Powervault simulator tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
import datetime as dt
from typing import Any

import aiohttp
import pytest

from simulators.powervault import PowervaultCloudSim, PowervaultLocalSim
from simulators.powervault.testing import DataClock, PowervaultTestClient
from simulators.pytest_plugin import StartSimulator

# Wednesday 18 June 2025, 12:07 in London (BST).
NOW = dt.datetime(2025, 6, 18, 11, 7, tzinfo=dt.UTC)

type StartClient = Callable[..., Awaitable[PowervaultTestClient]]


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> dt.datetime:
    """Return an aware UTC datetime."""
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)


@pytest.fixture(name="data_clock")
def fixture_data_clock() -> DataClock:
    return DataClock(NOW)


@pytest.fixture(name="session")
async def fixture_session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture(name="cloud")
def fixture_cloud(
    simulator: StartSimulator, data_clock: DataClock, session: aiohttp.ClientSession
) -> StartClient:
    """Return a factory: start a cloud on `data_clock` and a client with the key."""

    async def start(**kwargs: Any) -> PowervaultTestClient:
        kwargs.setdefault("clock", data_clock)
        sim = await simulator(PowervaultCloudSim(**kwargs))
        return PowervaultTestClient(sim, session)

    return start


@pytest.fixture(name="local")
def fixture_local(
    simulator: StartSimulator, data_clock: DataClock, session: aiohttp.ClientSession
) -> StartClient:
    """Return a factory: start a local unit ("p3" or "p3x") on `data_clock`."""

    async def start(platform: str = "p3", **kwargs: Any) -> PowervaultTestClient:
        kwargs.setdefault("clock", data_clock)
        sim = await simulator(PowervaultLocalSim(platform, **kwargs))  # type: ignore[arg-type]
        return PowervaultTestClient(sim, session, api_key=None)

    return start
