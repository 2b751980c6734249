"""Every entity per model (cloud P4, local P3, local P3X); diagnostics without secrets."""

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

from custom_components.powervault.diagnostics import async_get_config_entry_diagnostics
from simulators.powervault import DEFAULT_API_KEY, DEFAULT_UNIT_ID, PowervaultLocalSim
from simulators.pytest_plugin import StartSimulator
from tests.ha_helpers import run_until

from .conftest import CLOUD_UNIT, START, Cloud, Local, set_up


@pytest.mark.parametrize("platform", [Platform.SENSOR, Platform.SELECT])
async def test_cloud_p4(
    hass: HomeAssistant,
    cloud: Cloud,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    platform: Platform,
) -> None:
    entry = cloud.entry()
    with patch("custom_components.powervault.PLATFORMS", [platform]):
        coordinator = await set_up(hass, entry)
        await run_until(hass, freezer, coordinator, START + timedelta(hours=2))
        await snapshot_platform(hass, entity_registry, snapshot, entry.entry_id)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("model", ["p3", "p3x"])
async def test_local_models(
    hass: HomeAssistant,
    simulator: StartSimulator,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    model: str,
) -> None:
    freezer.move_to(START)
    local = Local(await simulator(PowervaultLocalSim(model)), model)  # type: ignore[arg-type]
    entry = local.entry()
    with patch("custom_components.powervault.PLATFORMS", [Platform.SENSOR]):
        coordinator = await set_up(hass, entry)
        await run_until(hass, freezer, coordinator, START + timedelta(minutes=10))
        await snapshot_platform(hass, entity_registry, snapshot, entry.entry_id)


async def test_diagnostics_hide_key_and_ids(
    hass: HomeAssistant, cloud: Cloud, local: Local
) -> None:
    for entry in (cloud.entry(), local.entry()):
        await set_up(hass, entry)
        text = str(await async_get_config_entry_diagnostics(hass, entry))
        for secret in (DEFAULT_API_KEY, CLOUD_UNIT, DEFAULT_UNIT_ID, local.host):
            assert secret not in text
        assert "totals_kwh" in text
