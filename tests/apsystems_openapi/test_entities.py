"""Every entity of a system with two ECUs, 2- and 4-channel inverters, after a day's first detail."""

from __future__ import annotations

from datetime import timedelta
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import snapshot_platform
from syrupy.assertion import SnapshotAssertion

from .conftest import SUMMER_MORNING, Cloud, run_until, set_up


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
