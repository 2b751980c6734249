"""Values that survive restarts: one HA `Store` per config entry and name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
import logging
import math
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.storage import Store

from ..schedule.usage import MonthlyUsage

_LOGGER = logging.getLogger(__name__)

# Seconds a change waits before it is written; later changes join the same write.
SAVE_DELAY = 10.0


@dataclass(frozen=True, slots=True)
class Codec[T]:
    """How a value is stored: its empty value and its JSON form.

    `from_json` may raise `KeyError`, `TypeError` or `ValueError` on damaged data.
    """

    empty: Callable[[], T]
    to_json: Callable[[T], dict[str, Any]]
    from_json: Callable[[dict[str, Any]], T]


def _totals_from_json(data: dict[str, Any]) -> dict[str, float]:
    """Keep the finite, non-negative numbers; drop anything damaged."""
    return {
        str(name): float(value)
        for name, value in data.items()
        if isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value >= 0
    }


MONTHLY_USAGE = Codec(MonthlyUsage, MonthlyUsage.as_dict, MonthlyUsage.from_dict)
"""A monthly API call counter (`energy_api.schedule.usage.MonthlyUsage`)."""

TOTALS = Codec[dict[str, float]](dict, dict, _totals_from_json)
"""Named totals, e.g. energy counters in kWh."""


class PersistedState[T]:
    """A value of one config entry kept in HA's storage.

    The key is `{domain}.{entry_id}.{name}`. Load it once at setup (`async_load`,
    which also flushes pending changes when the entry unloads); change `data`, then
    call `async_save_soon`: writes are debounced by `save_delay` seconds and flushed
    when HA stops. A missing file starts empty; so does a damaged one, logged once.
    """

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        name: str,
        codec: Codec[T],
        *,
        version: int = 1,
        save_delay: float = SAVE_DELAY,
    ) -> None:
        """Describe the value; nothing is read until `async_load`."""
        self._entry = entry
        self._codec = codec
        self._save_delay = save_delay
        self._store: Store[dict[str, Any]] = Store(
            hass, version, f"{entry.domain}.{entry.entry_id}.{name}"
        )
        self._data = codec.empty()
        self._loaded = False
        self._dirty = False

    @property
    def key(self) -> str:
        """Return the storage key."""
        return self._store.key

    @property
    def data(self) -> T:
        """Return the value (empty until loaded)."""
        return self._data

    @data.setter
    def data(self, value: T) -> None:
        self._data = value

    async def async_load(self) -> T:
        """Read the stored value once; later calls return the value in memory."""
        if self._loaded:
            return self._data
        self._loaded = True
        self._entry.async_on_unload(self.async_flush)
        try:
            self._data = self._decode(await self._store.async_load())
        except (
            HomeAssistantError,
            NotImplementedError,
            KeyError,
            TypeError,
            ValueError,
        ) as err:
            _LOGGER.warning(
                "Stored data %s is unreadable (%s: %s); starting empty",
                self.key,
                type(err).__name__,
                err,
            )
            self._data = self._codec.empty()
        return self._data

    @callback
    def async_save_soon(self) -> None:
        """Write the value after `save_delay` seconds, with any later changes."""
        self._dirty = True
        self._store.async_delay_save(self._serialise, self._save_delay)

    async def async_flush(self) -> None:
        """Write a pending change now."""
        if self._dirty:
            await self._store.async_save(self._serialise())

    async def async_remove(self) -> None:
        """Delete the stored value (when the entry is removed) and start empty."""
        self._dirty = False
        await self._store.async_remove()
        self._data = self._codec.empty()

    def _decode(self, stored: Any) -> T:
        if stored is None:
            return self._codec.empty()
        if not isinstance(stored, dict):
            raise TypeError(f"expected an object, got {type(stored).__name__}")
        return self._codec.from_json(stored)

    def _serialise(self) -> dict[str, Any]:
        self._dirty = False
        return self._codec.to_json(self._data)
