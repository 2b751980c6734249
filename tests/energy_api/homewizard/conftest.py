"""Our HomeWizard client against the simulated devices, over real HTTPS sockets."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

from energy_api.homewizard import HomeWizardClient, SslContexts, connect
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


@pytest.fixture(name="ca_pem")
def fixture_ca_pem(test_ca: TestCA) -> str:
    return test_ca.ca_pem.decode()


@pytest.fixture(name="contexts")
def fixture_contexts(ca_pem: str) -> SslContexts:
    return SslContexts.from_ca(ca_pem)


@pytest.fixture(name="connect")
def fixture_connect(
    simulator: StartSimulator, session: aiohttp.ClientSession, contexts: SslContexts
) -> Connect:
    """Start a device and return `connect()`'s verified client, holding a token."""

    async def start(
        model: str = "p1_3phase", *, token: bool = True, **kwargs: Any
    ) -> Connected:
        device = HomeWizardDevice(model, **kwargs)
        sim = await simulator(device, tls=True)
        client = await connect(
            session,
            f"127.0.0.1:{sim.port}",
            contexts,
            token=device.add_token() if token else None,
            identity=device.identity,
        )
        return Connected(sim, client)

    return start
