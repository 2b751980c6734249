"""HomeWizard Energy devices over the local API v2, with websocket push."""

from __future__ import annotations

from homeassistant.const import CONF_HOST, CONF_TOKEN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr

from .connection import async_connect
from .const import CONF_IDENTITY, DOMAIN, LOGGER, PLATFORMS
from .coordinator import HomeWizardConfigEntry, HomeWizardCoordinator
from .sensor import external_identifier
from .vendor.energy_api.errors import EnergyApiError
from .vendor.energy_api.ha.devices import removal_allowed
from .vendor.energy_api.ha.entry import SETUP_DONE, async_unload_platforms
from .vendor.energy_api.ha.errors import raise_setup_failed


async def async_setup_entry(
    hass: HomeAssistant, entry: HomeWizardConfigEntry
) -> bool | None:
    """Connect, read everything once, add the entities, then open the push connection."""
    with raise_setup_failed(DOMAIN):
        client = await async_connect(
            hass,
            entry.data[CONF_HOST],
            entry.data[CONF_TOKEN],
            entry.data[CONF_IDENTITY],
        )
        device = await client.device()
    coordinator = HomeWizardCoordinator(hass, entry, client, device)
    await coordinator.async_config_entry_first_refresh()
    entry.runtime_data = coordinator
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    coordinator.async_start_push()
    return SETUP_DONE


async def async_unload_entry(
    hass: HomeAssistant, entry: HomeWizardConfigEntry
) -> bool | None:
    """Unload the platforms; the push connection closes with the entry."""
    return await async_unload_platforms(hass, entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: HomeWizardConfigEntry) -> None:
    """Delete our token from the device, so it no longer grants access."""
    try:
        client = await async_connect(
            hass,
            entry.data[CONF_HOST],
            entry.data[CONF_TOKEN],
            entry.data[CONF_IDENTITY],
        )
        await client.delete_user()
    except EnergyApiError as err:
        LOGGER.warning(
            "Could not delete the token from %s (%s); remove the user 'local/...' in the HomeWizard app",
            entry.title,
            type(err).__name__,
        )


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: HomeWizardConfigEntry, device: dr.DeviceEntry
) -> bool:
    """Allow deleting only external meters the P1 meter no longer reports."""
    coordinator: HomeWizardCoordinator = entry.runtime_data
    reported = {(DOMAIN, coordinator.device.serial)} | {
        (DOMAIN, external_identifier(meter))
        for meter in coordinator.data.measurement.external or ()
    }
    return removal_allowed(device, reported)
