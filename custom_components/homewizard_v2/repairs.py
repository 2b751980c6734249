"""Fix flows: turn the cloud on for predictive charging, turn API v1 off."""

from __future__ import annotations

from typing import Any

from homeassistant import data_entry_flow
from homeassistant.components.repairs import ConfirmRepairFlow, RepairsFlow
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant

from .const import DOMAIN, ISSUE_API_V1_ENABLED, ISSUE_PREDICTIVE_WITHOUT_CLOUD
from .coordinator import HomeWizardConfigEntry
from .vendor.energy_api.errors import EnergyApiError


class SystemSettingFix(RepairsFlow):
    """Confirm, then change one system setting of the device."""

    def __init__(self, entry: HomeWizardConfigEntry, setting: dict[str, bool]) -> None:
        """Remember the entry and the setting to send."""
        self._entry = entry
        self._setting = setting

    async def async_step_init(
        self, user_input: dict[str, str] | None = None
    ) -> data_entry_flow.FlowResult:
        """Start with the confirmation."""
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, str] | None = None
    ) -> data_entry_flow.FlowResult:
        """Change the setting once the user confirms."""
        if user_input is None:
            return self.async_show_form(
                step_id="confirm", description_placeholders={"title": self._entry.title}
            )
        coordinator = self._entry.runtime_data
        try:
            system = await coordinator.client.set_system(**self._setting)
        except EnergyApiError:
            return self.async_abort(reason="cannot_connect")
        coordinator.async_apply_update(system)
        return self.async_create_entry(data={})


FIXES: dict[str, dict[str, bool]] = {
    ISSUE_PREDICTIVE_WITHOUT_CLOUD: {"cloud_enabled": True},
    ISSUE_API_V1_ENABLED: {"api_v1_enabled": False},
}


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, Any] | None
) -> RepairsFlow:
    """Return the fix flow of an issue raised by this integration."""
    entry_id = data.get("entry_id") if data else None
    entry = (
        hass.config_entries.async_get_entry(entry_id)
        if isinstance(entry_id, str)
        else None
    )
    kind = next((kind for kind in FIXES if issue_id.startswith(kind)), None)
    if (
        entry is None
        or entry.domain != DOMAIN
        or kind is None
        or entry.state is not ConfigEntryState.LOADED
    ):
        return ConfirmRepairFlow()
    return SystemSettingFix(entry, FIXES[kind])
