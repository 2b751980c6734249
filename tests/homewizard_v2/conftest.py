"""Fixtures: simulated HomeWizard devices over HTTPS, trusted through the development CA."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from homeassistant.const import CONF_HOST, CONF_TOKEN
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from custom_components.homewizard_v2.const import (
    CONF_IDENTITY,
    DEVELOPMENT_CA_ENV,
    DOMAIN,
)
from simulators import HomeWizardDevice, RunningSimulator
from simulators.pytest_plugin import StartSimulator
from simulators.tls import TestCA
from tests.ha_helpers import VersionedSnapshotExtension


class FixedClock:
    """A device clock that moves only when told, so values are reproducible."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Device:
    """A running simulated device and what an entry needs to reach it."""

    sim: RunningSimulator[HomeWizardDevice]
    token: str
    clock: FixedClock

    @property
    def device(self) -> HomeWizardDevice:
        return self.sim.device

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.sim.port}"

    def entry(self, **options: Any) -> MockConfigEntry:
        return MockConfigEntry(
            domain=DOMAIN,
            title=self.device.model.product_name,
            unique_id=self.device.serial,
            data={
                CONF_HOST: self.host,
                CONF_TOKEN: self.token,
                CONF_IDENTITY: self.device.identity,
            },
            options=options,
        )


type StartDevice = Callable[..., Awaitable[Device]]


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Load our custom integrations in every test."""


@pytest.fixture(autouse=True)
def development_ca(
    monkeypatch: pytest.MonkeyPatch, test_ca: TestCA, tmp_path: Path
) -> None:
    """Trust the simulators' CA, as scripts/develop does."""
    path = tmp_path / "ca.pem"
    path.write_bytes(test_ca.ca_pem)
    monkeypatch.setenv(DEVELOPMENT_CA_ENV, str(path))


@pytest.fixture(name="start_device")
def fixture_start_device(simulator: StartSimulator) -> StartDevice:
    """Return a factory starting a simulated device with a token for us."""

    async def start(model: str = "p1_3phase", **kwargs: Any) -> Device:
        clock = FixedClock()
        kwargs.setdefault("clock", clock)
        device = HomeWizardDevice(model, **kwargs)
        token = device.add_token(name="local/homewizard_v2#tests")
        sim = await simulator(device, tls=True)
        return Device(sim, token, clock)

    return start


async def set_up(hass: HomeAssistant, entry: MockConfigEntry) -> MockConfigEntry:
    """Add the entry and set it up."""
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Use HA's snapshot extension, with snapshots kept per HA release."""
    return snapshot.use_extension(VersionedSnapshotExtension)
