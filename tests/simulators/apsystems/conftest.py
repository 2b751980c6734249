"""Fixtures for the APsystems cloud simulator tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
import datetime as dt
from typing import Any

import aiohttp
import pytest

from simulators import TestCA
from simulators.apsystems import ApsystemsCloud, SystemConfig
from simulators.apsystems.testing import ApsystemsTestClient, DataClock
from simulators.pytest_plugin import StartSimulator

# Wednesday 18 June 2025, 12:07 in London: published up to 12:00 BST.
NOW = dt.datetime(2025, 6, 18, 11, 7, tzinfo=dt.UTC)
TODAY = dt.date(2025, 6, 18)
LONDON = dt.timezone(dt.timedelta(hours=1))

type StartCloud = Callable[..., Awaitable[ApsystemsTestClient]]


def wh(kwh: str) -> int:
    """Return a kWh string of the API as integer Wh, checking its three decimals."""
    whole, _, part = kwh.partition(".")
    assert len(part) == 3, kwh
    return int(whole) * 1000 + int(part)


@pytest.fixture(name="data_clock")
def fixture_data_clock() -> DataClock:
    return DataClock(NOW)


@pytest.fixture(name="aps")
async def fixture_aps(
    simulator: StartSimulator, data_clock: DataClock, test_ca: TestCA
) -> AsyncIterator[StartCloud]:
    """Return a factory: start a cloud (data clock `data_clock`) and a signing client."""
    async with aiohttp.ClientSession() as session:

        async def start(
            system: SystemConfig | None = None, *, tls: bool = False, **kwargs: Any
        ) -> ApsystemsTestClient:
            kwargs.setdefault("clock", data_clock)
            sim = await simulator(ApsystemsCloud(system, **kwargs), tls=tls)
            ssl = test_ca.client_context() if tls else True
            clock = kwargs.get("signature_clock")
            if clock is None:
                return ApsystemsTestClient(sim, session, ssl=ssl)
            return ApsystemsTestClient(sim, session, ssl=ssl, clock=clock)

        yield start
