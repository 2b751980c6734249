"""Fixtures for the HomeWizard simulator tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
import ssl
from typing import Any

import aiohttp
import pytest

from simulators import HomeWizardDevice, TestCA
from simulators.homewizard.testing import (
    FakeClock,
    HomeWizardClient,
    client_ssl_context,
)
from simulators.pytest_plugin import StartSimulator

type StartHomeWizard = Callable[..., Awaitable[HomeWizardClient]]


@pytest.fixture(name="fake_clock")
def fixture_fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(name="client_ssl")
def fixture_client_ssl(test_ca: TestCA) -> ssl.SSLContext:
    return client_ssl_context(test_ca)


@pytest.fixture(name="homewizard")
async def fixture_homewizard(
    simulator: StartSimulator, fake_clock: FakeClock, client_ssl: ssl.SSLContext
) -> AsyncIterator[StartHomeWizard]:
    """Return a factory: start a device (fake clock) over HTTPS with a token."""
    async with aiohttp.ClientSession() as session:

        async def start(model: str = "p1_3phase", **kwargs: Any) -> HomeWizardClient:
            kwargs.setdefault("clock", fake_clock)
            device = HomeWizardDevice(model, **kwargs)
            token = device.add_token()
            sim = await simulator(device, tls=True)
            return HomeWizardClient(sim, session, client_ssl, token)

        yield start
