"""Our HomeWizard client against the simulated devices, over real HTTPS sockets."""

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

from energy_api.homewizard import HomeWizardClient, create_ssl_context
from simulators import HomeWizardDevice, RunningSimulator
from simulators.pytest_plugin import StartSimulator
from simulators.tls import TestCA


@dataclass
class Connected:
    """A simulated device and our client for it."""

    sim: RunningSimulator[HomeWizardDevice]
    client: HomeWizardClient

    @property
    def device(self) -> HomeWizardDevice:
        return self.sim.device

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.sim.port}"


type Connect = Callable[..., Awaitable[Connected]]


@pytest.fixture(name="session")
async def fixture_session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture(name="ca_pem")
def fixture_ca_pem(test_ca: TestCA) -> str:
    return test_ca.ca_pem.decode()


@pytest.fixture(name="connect")
def fixture_connect(
    simulator: StartSimulator, session: aiohttp.ClientSession, ca_pem: str
) -> Connect:
    """Start a device, probe it, and return a verified client holding a token."""

    async def connect(
        model: str = "p1_3phase", *, token: bool = True, **kwargs: Any
    ) -> Connected:
        device = HomeWizardDevice(model, **kwargs)
        sim = await simulator(device, tls=True)
        host = f"127.0.0.1:{sim.port}"
        probe = await HomeWizardClient(
            session, host, ssl_context=create_ssl_context(ca_pem, check_hostname=False)
        ).probe()
        client = HomeWizardClient(
            session,
            host,
            ssl_context=create_ssl_context(ca_pem),
            tls_name=probe.tls_name,
            token=device.add_token() if token else None,
        )
        return Connected(sim, client)

    return connect
