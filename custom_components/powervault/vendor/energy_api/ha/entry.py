"""Config entry setup and unload results, as each supported HA release expects them.

HA 2026.11 wants `None` from `async_setup_entry`/`async_unload_entry` (a bool is
reported) and unloads platforms with `async_unload_platforms_or_raise`; older releases
want a bool. The capability, not the version number, decides.
"""

from __future__ import annotations

from collections.abc import Iterable

from homeassistant.config_entries import ConfigEntries, ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant

_UNLOAD_OR_RAISE = getattr(ConfigEntries, "async_unload_platforms_or_raise", None)

# What `async_setup_entry` returns once it succeeded.
SETUP_DONE: bool | None = None if _UNLOAD_OR_RAISE is not None else True


async def async_unload_platforms(
    hass: HomeAssistant, entry: ConfigEntry, platforms: Iterable[Platform]
) -> bool | None:
    """Unload `platforms`; return what `async_unload_entry` should return."""
    if _UNLOAD_OR_RAISE is not None:
        await _UNLOAD_OR_RAISE(hass.config_entries, entry, platforms)
        return None
    return await hass.config_entries.async_unload_platforms(entry, platforms)
