"""Powervault home batteries: the cloud API (P4/P5) or the local API of a P3/P3X."""

from __future__ import annotations

from datetime import timedelta

from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
import homeassistant.helpers.config_validation as cv
from homeassistant.helpers.typing import ConfigType

from .connection import cloud_client, local_client
from .const import (
    CONF_API_KEY,
    CONF_CONNECTION,
    CONF_HOST,
    CONF_POLL_INTERVAL,
    CONF_UNIT_ID,
    CONNECTION_CLOUD,
    DEFAULT_POLL_INTERVAL,
    DOMAIN,
    PLATFORMS,
)
from .coordinator import (
    LEDGER,
    PowervaultConfigEntry,
    PowervaultCoordinator,
    PowervaultData,
)
from .migration import async_migrate_entry
from .services import async_register_services
from .vendor.energy_api.ha.entry import SETUP_DONE, async_unload_platforms
from .vendor.energy_api.ha.errors import raise_setup_failed
from .vendor.energy_api.ha.store import PersistedState
from .vendor.energy_api.powervault import PowervaultCloud, PowervaultLocal

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)
__all__ = ["async_migrate_entry"]


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions (they act on a config entry)."""
    async_register_services(hass)
    return True


async def async_setup_entry(
    hass: HomeAssistant, entry: PowervaultConfigEntry
) -> bool | None:
    """Connect, read the unit once, then add the entities."""
    session = async_get_clientsession(hass)
    api: PowervaultCloud | PowervaultLocal
    unit = PowervaultData(unit_id=entry.data[CONF_UNIT_ID])
    with raise_setup_failed(DOMAIN):
        if entry.data[CONF_CONNECTION] == CONNECTION_CLOUD:
            api = cloud_client(session, entry.data[CONF_API_KEY])
            details = await api.unit(unit.unit_id)
            unit.model, unit.firmware = details.model, details.firmware
        else:
            api = local_client(session, entry.data[CONF_HOST])
            unit.model = f"Powervault {(await api.platform()).upper()}"
    ledger = PersistedState(hass, entry, "energy", LEDGER)
    await ledger.async_load()
    interval = timedelta(
        seconds=entry.options.get(CONF_POLL_INTERVAL, DEFAULT_POLL_INTERVAL)
    )
    coordinator = PowervaultCoordinator(hass, entry, api, unit, ledger, interval)
    await coordinator.async_config_entry_first_refresh()
    entry.runtime_data = coordinator
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    entry.async_on_unload(entry.add_update_listener(_async_options_updated))
    return SETUP_DONE


async def _async_options_updated(
    hass: HomeAssistant, entry: PowervaultConfigEntry
) -> None:
    await hass.config_entries.async_reload(entry.entry_id)


async def async_unload_entry(
    hass: HomeAssistant, entry: PowervaultConfigEntry
) -> bool | None:
    """Unload the platforms; the energy totals are flushed to storage."""
    return await async_unload_platforms(hass, entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: PowervaultConfigEntry) -> None:
    """Delete the stored energy totals of a removed unit."""
    await PersistedState(hass, entry, "energy", LEDGER).async_remove()
