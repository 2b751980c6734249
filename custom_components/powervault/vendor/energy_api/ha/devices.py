"""Device registry helpers: stale devices, removal by hand, lookups."""

from __future__ import annotations

from collections.abc import Collection

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

type Identifier = tuple[str, str]


@callback
def async_get_entry_device(
    hass: HomeAssistant, entry_id: str, identifier: Identifier
) -> dr.DeviceEntry | None:
    """Return the device of config entry `entry_id` that has `identifier`.

    Works on every supported HA, unlike `DeviceRegistry.async_get_device`, which is
    deprecated from 2026.10 (identifiers are unique only within a config entry).
    """
    registry = dr.async_get(hass)
    return next(
        (
            device
            for device in dr.async_entries_for_config_entry(registry, entry_id)
            if identifier in device.identifiers
        ),
        None,
    )


@callback
def async_detach_device(
    hass: HomeAssistant, entry: ConfigEntry, device: dr.DeviceEntry
) -> None:
    """Take `device` away from `entry`, leaving it to any other config entry."""
    registry = dr.async_get(hass)
    # From HA 2026.10 a device belongs to one config entry (`config_entry_id`) and
    # `remove_config_entry_id` is deprecated (it stops working in 2027.8): remove
    # the device. Before, a device only this entry has is removed the same way.
    if getattr(
        device, "config_entry_id", None
    ) == entry.entry_id or device.config_entries == {entry.entry_id}:
        registry.async_remove_device(device.id)
    else:
        registry.async_update_device(device.id, remove_config_entry_id=entry.entry_id)


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
            async_detach_device(hass, entry, device)
            removed.append(device.id)
    return removed


def removal_allowed(device: dr.DeviceEntry, reported: Collection[Identifier]) -> bool:
    """Return whether a user may delete `device` by hand: only if it is not reported."""
    return device.identifiers.isdisjoint(reported)
