"""Fixtures: a simulated EMA cloud on 127.0.0.1 whose clock is HA's (frozen) clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.apsystems_openapi.const import (
    CONF_APP_ID,
    CONF_APP_SECRET,
    CONF_BASE_URL,
    CONF_SID,
    CONF_TIMEZONE,
    DOMAIN,
)
from custom_components.apsystems_openapi.coordinator import ApsystemsCoordinator
from simulators.apsystems import APP_ID, APP_SECRET, SID, ApsystemsCloud, SystemConfig
from simulators.pytest_plugin import StartSimulator
from simulators.runner import RunningSimulator
from tests.ha_helpers import VersionedSnapshotExtension, set_up_entry

LONDON = "Europe/London"
# A summer day in London: sunrise 04:43, sunset 21:21 BST.
SUMMER_MORNING = datetime(2026, 6, 10, 9, 1, tzinfo=dt_util.UTC)


@dataclass
class Cloud:
    """A running simulated EMA cloud and what an entry needs to reach it."""

    sim: RunningSimulator[ApsystemsCloud]

    @property
    def cloud(self) -> ApsystemsCloud:
        return self.sim.device

    @property
    def url(self) -> str:
        return self.sim.url

    def entry(self, **options: Any) -> MockConfigEntry:
        return MockConfigEntry(
            domain=DOMAIN,
            title="APsystems 649A",
            unique_id=SID,
            data={
                CONF_APP_ID: APP_ID,
                CONF_APP_SECRET: APP_SECRET,
                CONF_SID: SID,
                CONF_BASE_URL: self.url,
                CONF_TIMEZONE: LONDON,
            },
            options=options,
        )

    def calls(self) -> int:
        """Return every request the cloud answered for our app id."""
        return sum(1 for call in self.cloud.calls if call[1] == APP_ID)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    recorder_mock: Any, enable_custom_integrations: None
) -> None:
    """Load our custom integrations in every test, with a recorder for the statistics."""


@pytest.fixture(autouse=True)
async def london(hass: HomeAssistant) -> None:
    """Put HA in London, where the simulated system is."""
    hass.config.latitude = 51.5
    hass.config.longitude = -0.12
    await hass.config.async_set_time_zone(LONDON)


@pytest.fixture(name="cloud")
async def fixture_cloud(
    simulator: StartSimulator, freezer: FrozenDateTimeFactory
) -> Cloud:
    """Return a started cloud serving the default system (1 ECU, 6 inverters)."""
    freezer.move_to(SUMMER_MORNING)
    return Cloud(await simulator(ApsystemsCloud(SystemConfig())))


async def set_up(hass: HomeAssistant, entry: MockConfigEntry) -> ApsystemsCoordinator:
    """Add the entry, set it up and return its coordinator."""
    coordinator: ApsystemsCoordinator = await set_up_entry(hass, entry)
    return coordinator


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Use HA's snapshot extension, with snapshots kept per HA release."""
    return snapshot.use_extension(VersionedSnapshotExtension)
