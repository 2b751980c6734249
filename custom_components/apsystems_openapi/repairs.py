"""Fix flow: a fixed interval that would exceed the quota goes back to automatic planning."""

from __future__ import annotations

from typing import Any

from homeassistant import data_entry_flow
from homeassistant.components.repairs import ConfirmRepairFlow, RepairsFlow
from homeassistant.core import HomeAssistant

from .const import CONF_PLANNING, DOMAIN, ISSUE_INTERVAL_OVER_QUOTA, PLANNING_AUTO


class AutomaticPlanningFix(RepairsFlow):
    """Confirm, then switch the entry to automatic planning (it reloads)."""

    def __init__(self, entry_id: str) -> None:
        """Remember the entry."""
        self._entry_id = entry_id

    async def async_step_init(
        self, user_input: dict[str, str] | None = None
    ) -> data_entry_flow.FlowResult:
        """Start with the confirmation."""
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, str] | None = None
    ) -> data_entry_flow.FlowResult:
        """Change the option once the user confirms."""
        entry = self.hass.config_entries.async_get_entry(self._entry_id)
        if entry is None:
            return self.async_abort(reason="entry_removed")
        if user_input is None:
            return self.async_show_form(
                step_id="confirm", description_placeholders={"title": entry.title}
            )
        self.hass.config_entries.async_update_entry(
            entry, options={**entry.options, CONF_PLANNING: PLANNING_AUTO}
        )
        return self.async_create_entry(data={})


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, Any] | None
) -> RepairsFlow:
    """Return the fix flow of an issue raised by this integration."""
    entry_id = data.get("entry_id") if data else None
    if issue_id.startswith(ISSUE_INTERVAL_OVER_QUOTA) and isinstance(entry_id, str):
        entry = hass.config_entries.async_get_entry(entry_id)
        if entry is not None and entry.domain == DOMAIN:
            return AutomaticPlanningFix(entry_id)
    return ConfirmRepairFlow()
