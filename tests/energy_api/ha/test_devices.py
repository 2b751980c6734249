"""Stale devices, removal by hand and device lookups, on every supported HA."""

from collections.abc import Awaitable, Callable, Iterator
import inspect
from typing import Any, cast

from homeassistant.config_entries import ConfigEntry, ConfigFlow
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockModule,
    mock_config_flow,
    mock_integration,
    mock_platform,
)
from pytest_homeassistant_custom_component.typing import (
    MockHAClientWebSocket,
    WebSocketGenerator,
)

from energy_api.ha.devices import (
    Identifier,
    async_get_entry_device,
    async_remove_stale_devices,
    removal_allowed,
)

DOMAIN = "devices_test"
OTHER = "other_test"
METER: Identifier = (DOMAIN, "meter")
GAS: Identifier = (DOMAIN, "gas")
WATER: Identifier = (DOMAIN, "water")


class DevicesFlow(ConfigFlow):
    """The test integrations' (unused) config flow."""

    VERSION = 1


@pytest.fixture
def reported() -> set[Identifier]:
    """Return what the test integration's API reports (tests change it)."""
    return {METER, GAS, WATER}


@pytest.fixture
def integration(hass: HomeAssistant, reported: set[Identifier]) -> Iterator[None]:
    """Register an integration that lets users delete only unreported devices."""

    async def setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
        return True

    async def remove_device(
        hass: HomeAssistant, entry: ConfigEntry, device: dr.DeviceEntry
    ) -> bool:
        return removal_allowed(device, reported)

    for domain in (DOMAIN, OTHER):
        mock_integration(
            hass,
            MockModule(
                domain,
                async_setup_entry=setup_entry,
                async_remove_config_entry_device=remove_device,
            ),
        )
        mock_platform(hass, f"{domain}.config_flow", None)
    with (
        mock_config_flow(DOMAIN, DevicesFlow),
        mock_config_flow(OTHER, DevicesFlow),
    ):
        yield


async def set_up(hass: HomeAssistant, domain: str = DOMAIN) -> MockConfigEntry:
    entry = MockConfigEntry(domain=domain, title=domain)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


def add_device(
    hass: HomeAssistant, entry: ConfigEntry, identifier: Identifier
) -> dr.DeviceEntry:
    return dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={identifier}
    )


async def remove_by_hand(
    client: MockHAClientWebSocket, device_id: str, entry_id: str
) -> dict[str, Any]:
    """Ask HA to delete a device, as the UI does (PHACC's helper differs by HA)."""
    remove = cast("Callable[..., Awaitable[dict[str, Any]]]", client.remove_device)
    if len(inspect.signature(remove).parameters) == 2:
        return await remove(device_id, entry_id)
    return await remove(device_id)


@pytest.mark.usefixtures("integration")
async def test_stale_devices_are_removed_and_empty_reports_ignored(
    hass: HomeAssistant, reported: set[Identifier]
) -> None:
    entry = await set_up(hass)
    meter, gas = add_device(hass, entry, METER), add_device(hass, entry, GAS)
    registry = dr.async_get(hass)
    assert async_remove_stale_devices(hass, entry, {METER, GAS}) == []
    assert async_remove_stale_devices(hass, entry, {METER}) == [gas.id]
    assert registry.async_get(gas.id) is None
    assert async_get_entry_device(hass, entry.entry_id, GAS) is None
    # An empty report is a glitch, not "every device is gone".
    assert async_remove_stale_devices(hass, entry, set()) == []
    assert async_get_entry_device(hass, entry.entry_id, METER) == registry.async_get(
        meter.id
    )


@pytest.mark.usefixtures("integration")
async def test_a_device_another_entry_shares_stays_with_it(
    hass: HomeAssistant,
) -> None:
    ours, theirs = await set_up(hass), await set_up(hass, OTHER)
    add_device(hass, ours, METER)
    add_device(hass, ours, GAS)
    # Another integration's entry knows the same gas meter. Before HA 2026.10 both
    # entries share one device; from 2026.10 each entry has its own.
    add_device(hass, theirs, GAS)
    [removed] = async_remove_stale_devices(hass, ours, {METER})
    assert async_get_entry_device(hass, ours.entry_id, GAS) is None
    kept = async_get_entry_device(hass, theirs.entry_id, GAS)
    assert kept is not None
    assert dr.async_entries_for_config_entry(dr.async_get(hass), theirs.entry_id) == [
        kept
    ]
    assert async_get_entry_device(hass, ours.entry_id, METER) is not None
    assert dr.async_get(hass).async_get(removed) in (None, kept)


@pytest.mark.usefixtures("integration")
async def test_only_unreported_devices_may_be_deleted_by_hand(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, reported: set[Identifier]
) -> None:
    assert await async_setup_component(hass, "config", {})
    entry = await set_up(hass)
    gas, water = add_device(hass, entry, GAS), add_device(hass, entry, WATER)
    reported.discard(WATER)
    client = await hass_ws_client(hass)
    response = await remove_by_hand(client, gas.id, entry.entry_id)
    assert not response["success"]
    assert async_get_entry_device(hass, entry.entry_id, GAS) is not None
    response = await remove_by_hand(client, water.id, entry.entry_id)
    assert response["success"]
    assert async_get_entry_device(hass, entry.entry_id, WATER) is None


async def test_lookup_is_per_entry(hass: HomeAssistant) -> None:
    one, two = MockConfigEntry(domain=DOMAIN), MockConfigEntry(domain=DOMAIN)
    one.add_to_hass(hass)
    two.add_to_hass(hass)
    device = add_device(hass, one, METER)
    assert async_get_entry_device(hass, one.entry_id, METER) == device
    assert async_get_entry_device(hass, two.entry_id, METER) is None
    assert async_get_entry_device(hass, one.entry_id, GAS) is None
