"""Config entries of earlier versions, and of the community integration of the same domain.

The community integration (adammcdonagh/home-assistant-powervault) stored
`{api_key, unit_id}` (its version 1) or `{model, api_key, unit_id}` and
`{model: "legacy_p3", ip_address, platform}` (its version 3), with no unique id.
Its entities that mean what ours mean keep their entity ids (and so automations
and history); the others (daily totals, the flows) are removed, as is its device.
"""

from __future__ import annotations

from typing import Any, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .connection import local_client
from .const import (
    CONF_API_KEY,
    CONF_CONNECTION,
    CONF_HOST,
    CONF_PLATFORM,
    CONF_POLL_INTERVAL,
    CONF_UNIT_ID,
    CONFIG_VERSION,
    CONNECTION_CLOUD,
    CONNECTION_LOCAL,
    DOMAIN,
    LOGGER,
    MAX_POLL_INTERVAL,
    MIN_POLL_INTERVAL,
)
from .vendor.energy_api.errors import EnergyApiError
from .vendor.energy_api.ha.devices import async_detach_device

COMMUNITY_LOCAL: Final = "legacy_p3"
# The community's unique id suffix -> our entity key, for entities that mean the same.
COMMUNITY_KEYS: Final = {
    "charge": "state_of_charge",
    "charge_status": "battery_state",
    "instant_grid": "grid_power",
    "instant_battery": "battery_power",
    "instant_solar": "solar_power",
}


async def async_migrate_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Bring `entry` to this version; False leaves it for the next start (logged)."""
    if entry.version > CONFIG_VERSION:
        return False  # written by a newer release: it cannot be read back
    data: dict[str, Any] = dict(entry.data)
    options: dict[str, Any] = dict(entry.options)
    community = CONF_CONNECTION not in data
    if community:
        found = await _async_from_community(hass, data)
        if found is None:
            return False
        data = found
        local = data[CONF_CONNECTION] == CONNECTION_LOCAL
        options = _community_options(options) if local else {}
    unit_id = data[CONF_UNIT_ID]
    others = hass.config_entries.async_entries(DOMAIN)
    if any(e.unique_id == unit_id for e in others if e.entry_id != entry.entry_id):
        LOGGER.warning(
            "Entry %s reaches a unit another entry already has; delete one of them",
            entry.title,
        )
        return False
    if community:
        _async_take_over_entities(hass, entry, unit_id)
    hass.config_entries.async_update_entry(
        entry, data=data, options=options, unique_id=unit_id, version=CONFIG_VERSION
    )
    return True


async def _async_from_community(
    hass: HomeAssistant, data: dict[str, Any]
) -> dict[str, Any] | None:
    """Return our data for a community entry's, None if it cannot be known now."""
    if data.get("api_key") and data.get("unit_id"):
        return {
            CONF_CONNECTION: CONNECTION_CLOUD,
            CONF_API_KEY: data["api_key"],
            CONF_UNIT_ID: data["unit_id"],
        }
    if data.get("model") == COMMUNITY_LOCAL and data.get("ip_address"):
        host = str(data["ip_address"]).strip()
        try:
            local = local_client(async_get_clientsession(hass), host)
            unit_id = await local.unit_id()
            platform = data.get("platform") or await local.platform()
        except (ValueError, EnergyApiError) as err:
            LOGGER.warning(
                "Cannot take over the P3 entry yet (its unit id is read from the "
                "unit): %s; it is tried again at the next start",
                err,
            )
            return None
        return {
            CONF_CONNECTION: CONNECTION_LOCAL,
            CONF_HOST: host,
            CONF_UNIT_ID: unit_id,
            CONF_PLATFORM: str(platform).lower(),
        }
    LOGGER.error(
        "An entry of an unknown shape cannot be taken over; add the unit again"
    )
    return None


def _community_options(options: dict[str, Any]) -> dict[str, Any]:
    """Keep the local polling interval when it is one we accept."""
    interval = options.get(CONF_POLL_INTERVAL)
    if isinstance(interval, int | float) and (
        MIN_POLL_INTERVAL <= interval <= MAX_POLL_INTERVAL
    ):
        return {CONF_POLL_INTERVAL: int(interval)}
    return {}


@callback
def _async_take_over_entities(
    hass: HomeAssistant, entry: ConfigEntry, unit_id: str
) -> None:
    """Give the community entities that mean what ours mean our unique ids; drop the rest."""
    entities = er.async_get(hass)
    for entity in er.async_entries_for_config_entry(entities, entry.entry_id):
        key = next(
            (
                ours
                for suffix, ours in COMMUNITY_KEYS.items()
                if entity.unique_id.endswith(f"_{suffix}")
            ),
            None,
        )
        new_id = f"{unit_id}_{key}"
        if key is None or entities.async_get_entity_id(entity.domain, DOMAIN, new_id):
            entities.async_remove(entity.entity_id)
        else:
            entities.async_update_entity(entity.entity_id, new_unique_id=new_id)
    devices = dr.async_get(hass)
    for device in dr.async_entries_for_config_entry(devices, entry.entry_id):
        if (DOMAIN, unit_id) not in device.identifiers:
            async_detach_device(hass, entry, device)
