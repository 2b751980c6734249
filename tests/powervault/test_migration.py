"""Entries of the community integration of the same domain, and our own older ones."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.powervault.const import (
    CONF_API_KEY,
    CONF_CONNECTION,
    CONF_HOST,
    CONF_PLATFORM,
    CONF_UNIT_ID,
    CONFIG_VERSION,
    CONNECTION_CLOUD,
    CONNECTION_LOCAL,
    DOMAIN,
)
from simulators.powervault import DEFAULT_API_KEY, DEFAULT_UNIT_ID

from .conftest import CLOUD_UNIT, Cloud, Local

# The community integration's unique id prefix: the unit id's characters joined by "_".
PREFIX = "_".join(CLOUD_UNIT)


def community_entry(
    hass: HomeAssistant, version: int, data: dict[str, Any]
) -> MockConfigEntry:
    """Add a community entry with its select, SoC, a daily total and its device."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Powervault - Home",
        version=version,
        data=data,
        options={"poll_interval": 15, "enable_detailed_battery_telemetry": True},
    )
    entry.add_to_hass(hass)
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={(DOMAIN, PREFIX)}
    )
    entities = er.async_get(hass)
    for platform, suffix, object_id in (
        ("select", "charge_status", "powervault_charge_status"),
        ("sensor", "charge", "powervault_charge"),
        ("sensor", "totalsolarGenerated", "powervault_total_solar_generated"),
    ):
        entities.async_get_or_create(
            platform,
            DOMAIN,
            f"{PREFIX}_{suffix}",
            config_entry=entry,
            device_id=device.id,
            suggested_object_id=object_id,
        )
    return entry


async def set_up(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Set the entry up (its migration first)."""
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def test_community_cloud_entry_is_taken_over(
    hass: HomeAssistant, cloud: Cloud
) -> None:
    """Its select and SoC keep their entity ids (automations go on); the rest goes."""
    entry = community_entry(
        hass, 3, {"model": "newer", "api_key": DEFAULT_API_KEY, "unit_id": CLOUD_UNIT}
    )
    await set_up(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    assert (entry.version, entry.unique_id) == (CONFIG_VERSION, CLOUD_UNIT)
    assert entry.data == {
        CONF_CONNECTION: CONNECTION_CLOUD,
        CONF_API_KEY: DEFAULT_API_KEY,
        CONF_UNIT_ID: CLOUD_UNIT,
    }
    assert entry.options == {}  # the poll interval is for local units only
    entities = er.async_get(hass)
    select = entities.async_get("select.powervault_charge_status")
    soc = entities.async_get("sensor.powervault_charge")
    assert select is not None
    assert soc is not None
    assert (select.unique_id, soc.unique_id) == (
        f"{CLOUD_UNIT}_battery_state",
        f"{CLOUD_UNIT}_state_of_charge",
    )
    # 01:02 in London: the default schedule force-charges from 00:30.
    assert hass.states.get("select.powervault_charge_status").state == "force-charge"
    assert float(hass.states.get("sensor.powervault_charge").state) > 0
    assert entities.async_get("sensor.powervault_total_solar_generated") is None
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    assert [d.identifiers for d in devices] == [{(DOMAIN, CLOUD_UNIT)}]
    assert select.device_id == devices[0].id


async def test_community_version_1_entry(hass: HomeAssistant, cloud: Cloud) -> None:
    """Its first version had only the key and the unit."""
    entry = community_entry(
        hass, 1, {"api_key": DEFAULT_API_KEY, "unit_id": CLOUD_UNIT}
    )
    await set_up(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    assert entry.data[CONF_CONNECTION] == CONNECTION_CLOUD


async def test_community_p3_entry_reads_its_unit_id(
    hass: HomeAssistant, local: Local
) -> None:
    """A P3 entry had no unit id: it is read from the unit; the interval is kept."""
    entry = community_entry(
        hass, 3, {"model": "legacy_p3", "ip_address": local.host, "platform": "P3"}
    )
    await set_up(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    assert entry.unique_id == DEFAULT_UNIT_ID
    assert entry.data == {
        CONF_CONNECTION: CONNECTION_LOCAL,
        CONF_HOST: local.host,
        CONF_UNIT_ID: DEFAULT_UNIT_ID,
        CONF_PLATFORM: "p3",
    }
    assert entry.options == {"poll_interval": 15}


async def test_unreachable_p3_waits_for_the_next_start(
    hass: HomeAssistant, local: Local
) -> None:
    """Without its unit id the entry is left as it was, to be tried again."""
    await local.sim.stop()
    data = {"model": "legacy_p3", "ip_address": local.host, "platform": "P3"}
    entry = community_entry(hass, 3, data)
    await set_up(hass, entry)
    assert entry.state is ConfigEntryState.MIGRATION_ERROR
    assert (entry.version, dict(entry.data)) == (3, data)
    assert er.async_get(hass).async_get("select.powervault_charge_status") is not None


async def test_unknown_shapes_and_newer_entries_are_left(
    hass: HomeAssistant, cloud: Cloud
) -> None:
    """An entry we cannot read is not touched: one of unknown shape, or a newer one."""
    unknown = community_entry(hass, 3, {"model": "newer"})
    newer = cloud.entry()
    newer.add_to_hass(hass)
    hass.config_entries.async_update_entry(newer, version=CONFIG_VERSION + 1)
    await set_up(hass, unknown)  # sets up every entry of the domain
    assert unknown.state is ConfigEntryState.MIGRATION_ERROR
    assert newer.state is ConfigEntryState.MIGRATION_ERROR


async def test_second_entry_of_the_same_unit_is_left(
    hass: HomeAssistant, cloud: Cloud
) -> None:
    """The community flow allowed two entries of one unit; only one is taken over."""
    first = community_entry(
        hass, 1, {"api_key": DEFAULT_API_KEY, "unit_id": CLOUD_UNIT}
    )
    second = MockConfigEntry(
        domain=DOMAIN,
        version=1,
        data={"api_key": DEFAULT_API_KEY, "unit_id": CLOUD_UNIT},
    )
    second.add_to_hass(hass)
    await set_up(hass, first)  # sets up every entry of the domain
    assert first.state is ConfigEntryState.LOADED
    assert second.state is ConfigEntryState.MIGRATION_ERROR


async def test_our_version_1_entry_is_only_restamped(
    hass: HomeAssistant, cloud: Cloud
) -> None:
    """Entries of our own first version keep their data."""
    entry = cloud.entry()
    entry.add_to_hass(hass)
    data = dict(entry.data)
    await set_up(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    assert (entry.version, dict(entry.data)) == (CONFIG_VERSION, data)
