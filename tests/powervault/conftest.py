"""Fixtures: the simulated Powervault cloud and a local P3 on 127.0.0.1, on HA's clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.powervault.const import (
    CONF_API_KEY,
    CONF_CONNECTION,
    CONF_HOST,
    CONF_PLATFORM,
    CONF_UNIT_ID,
    CONNECTION_CLOUD,
    CONNECTION_LOCAL,
    DEVELOPMENT_CLOUD_URL_ENV,
    DOMAIN,
)
from custom_components.powervault.coordinator import PowervaultCoordinator
from simulators.powervault import (
    DEFAULT_API_KEY,
    DEFAULT_UNIT_ID,
    PowervaultCloudSim,
    PowervaultLocalSim,
)
from simulators.pytest_plugin import StartSimulator
from simulators.runner import RunningSimulator
from tests.ha_helpers import VersionedSnapshotExtension, set_up_entry

START = datetime(2026, 6, 10, 0, 2, tzinfo=UTC)
CLOUD_UNIT = "PV-1001"


@dataclass
class Cloud:
    """The running simulated cloud."""

    sim: RunningSimulator[PowervaultCloudSim]

    def entry(self, **options: Any) -> MockConfigEntry:
        return MockConfigEntry(
            domain=DOMAIN,
            title="Powervault P4",
            unique_id=CLOUD_UNIT,
            data={
                CONF_CONNECTION: CONNECTION_CLOUD,
                CONF_API_KEY: DEFAULT_API_KEY,
                CONF_UNIT_ID: CLOUD_UNIT,
            },
            options=options,
        )


@dataclass
class Local:
    """A running simulated P3/P3X."""

    sim: RunningSimulator[PowervaultLocalSim]
    platform: str

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.sim.port}"

    def entry(self, **options: Any) -> MockConfigEntry:
        return MockConfigEntry(
            domain=DOMAIN,
            title=f"Powervault {self.platform.upper()}",
            unique_id=DEFAULT_UNIT_ID,
            data={
                CONF_CONNECTION: CONNECTION_LOCAL,
                CONF_HOST: self.host,
                CONF_UNIT_ID: DEFAULT_UNIT_ID,
                CONF_PLATFORM: self.platform,
            },
            options=options,
        )


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Load our custom integrations in every test."""


@pytest.fixture(name="cloud", params=[17], ids=["drops"])
async def fixture_cloud(
    request: pytest.FixtureRequest,
    simulator: StartSimulator,
    freezer: FrozenDateTimeFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> Cloud:
    """Return the simulated cloud, reached through the developer setting."""
    freezer.move_to(START)
    sim = await simulator(PowervaultCloudSim(drop_every=request.param))
    monkeypatch.setenv(DEVELOPMENT_CLOUD_URL_ENV, sim.url)
    return Cloud(sim)


@pytest.fixture(name="local")
async def fixture_local(
    simulator: StartSimulator, freezer: FrozenDateTimeFactory
) -> Local:
    """Return a simulated P3."""
    freezer.move_to(START)
    return Local(await simulator(PowervaultLocalSim("p3")), "p3")


async def set_up(hass: HomeAssistant, entry: MockConfigEntry) -> PowervaultCoordinator:
    """Add the entry, set it up and return its coordinator."""
    coordinator: PowervaultCoordinator = await set_up_entry(hass, entry)
    return coordinator


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Use HA's snapshot extension, with snapshots kept per HA release."""
    return snapshot.use_extension(VersionedSnapshotExtension)
