"""The battery state: shows the effective one, sets an override for 24 hours."""

from __future__ import annotations

from homeassistant.components.select import SelectEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import PowervaultConfigEntry, PowervaultCoordinator
from .entity import PowervaultEntity
from .vendor.energy_api.ha.errors import raise_action_failed
from .vendor.energy_api.powervault import BatteryState

PARALLEL_UPDATES = 1


async def async_setup_entry(
    hass: HomeAssistant,
    entry: PowervaultConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the battery state select."""
    async_add_entities([BatteryStateSelect(entry.runtime_data)])


class BatteryStateSelect(PowervaultEntity, SelectEntity):
    """The effective battery state (override, else schedule); choosing one overrides for 24 h."""

    _attr_translation_key = "battery_state"

    def __init__(self, coordinator: PowervaultCoordinator) -> None:
        """Attach to the unit."""
        super().__init__(coordinator, "battery_state")
        self._attr_options = [state.value for state in BatteryState]

    @property
    def current_option(self) -> str | None:
        """Return the effective state; None in a gap of the schedule."""
        state = self.coordinator.unit.state
        if state is None or state.state is None:
            return None
        return str(state.state)

    async def async_select_option(self, option: str) -> None:
        """Override the schedule with `option` for 24 hours."""
        with raise_action_failed(self.coordinator.config_entry.domain):
            await self.coordinator.async_set_state(
                BatteryState(option), until=None, duration=None
            )
