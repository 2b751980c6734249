"""Every entity of a system with two ECUs, 2- and 4-channel inverters, after a day's first detail."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import snapshot_platform
from syrupy.assertion import SnapshotAssertion

from custom_components.apsystems_openapi.const import DOMAIN
from simulators.apsystems import ApsystemsCloud, SystemConfig
from simulators.pytest_plugin import StartSimulator
from tests.ha_helpers import icons_used, run_until

from .conftest import SUMMER_MORNING, Cloud, set_up


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_meter_and_battery(
    hass: HomeAssistant,
    simulator: StartSimulator,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
) -> None:
    """A system with a meter and a battery gets their devices and values."""
    freezer.move_to(SUMMER_MORNING)
    cloud = Cloud(
        await simulator(ApsystemsCloud(SystemConfig(meter=True, storage=True)))
    )
    entry = cloud.entry()
    with patch("custom_components.apsystems_openapi.PLATFORMS", [Platform.SENSOR]):
        coordinator = await set_up(hass, entry)
        await run_until(hass, freezer, coordinator, SUMMER_MORNING + timedelta(hours=5))
    assert coordinator.state.meters, "meter totals read in the afternoon"
    assert coordinator.state.storages, "battery state read"
    states = {
        state.attributes.get("friendly_name"): state.state
        for e in er.async_entries_for_config_entry(entity_registry, entry.entry_id)
        if (state := hass.states.get(e.entity_id)) is not None
    }
    meter = [name for name in states if name.startswith("Meter ")]
    battery = [name for name in states if name.startswith("Battery ")]
    assert len(meter) == 4
    assert all(float(states[name]) > 0 for name in meter), states
    assert len(battery) == 4
    soc = next(name for name in battery if name.endswith("Battery"))
    assert 0 <= float(states[soc]) <= 100
    mode = next(name for name in battery if name.endswith("Mode"))
    assert states[mode] in {"backup", "self_consumption", "advanced", "peak_shaving"}


INTEGRATION = Path(__file__).parents[2] / "custom_components" / DOMAIN
# Every icon icons.json may use, each checked to exist in @mdi/js 7.4.47 (from the npm
# registry): a name not in MDI shows as a blank icon. Check a new one there first.
VERIFIED_ICONS = frozenset(
    {
        "mdi:battery-arrow-down",
        "mdi:battery-arrow-up",
        "mdi:battery-sync",
        "mdi:chart-bell-curve-cumulative",
        "mdi:clock-outline",
        "mdi:cloud-clock",
        "mdi:counter",
        "mdi:home-lightning-bolt",
        "mdi:magnify-scan",
        "mdi:solar-panel",
        "mdi:solar-power",
        "mdi:solar-power-variant",
        "mdi:transmission-tower-export",
        "mdi:transmission-tower-import",
    }
)


def test_icons_exist_and_are_translated() -> None:
    """Every icon is a verified MDI name, for an entity that has a translation."""
    used = icons_used(INTEGRATION)
    assert used <= VERIFIED_ICONS, used - VERIFIED_ICONS


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("platform", [Platform.SENSOR, Platform.BUTTON])
async def test_entities(
    hass: HomeAssistant,
    platform: Platform,
    cloud: Cloud,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Names, units, classes, categories and values of every entity."""
    entry = cloud.entry()
    with patch("custom_components.apsystems_openapi.PLATFORMS", [platform]):
        coordinator = await set_up(hass, entry)
        await run_until(hass, freezer, coordinator, SUMMER_MORNING + timedelta(hours=5))
        await snapshot_platform(hass, entity_registry, snapshot, entry.entry_id)
