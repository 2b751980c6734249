"""Device registry helpers: stale devices and removal by hand."""

from __future__ import annotations

from collections.abc import Collection

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

type Identifier = tuple[str, str]


@callback
def async_remove_stale_devices(
    hass: HomeAssistant, entry: ConfigEntry, reported: Collection[Identifier]
) -> list[str]:
    """Detach this entry's devices the API no longer reports; return their ids.

    An empty report is treated as a glitch and removes nothing.
    """
    if not reported:
        return []
    registry = dr.async_get(hass)
    removed = []
    for device in dr.async_entries_for_config_entry(registry, entry.entry_id):
        if device.identifiers.isdisjoint(reported):
            registry.async_update_device(
                device.id, remove_config_entry_id=entry.entry_id
            )
            removed.append(device.id)
    return removed


def removal_allowed(device: dr.DeviceEntry, reported: Collection[Identifier]) -> bool:
    """Return whether a user may delete `device` by hand: only if it is not reported."""
    return device.identifiers.isdisjoint(reported)
