"""Repairs of this integration are notes, not fixes: an active override, a silent unit.

A rejected API key goes through Home Assistant's re-authentication instead.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.repairs import ConfirmRepairFlow, RepairsFlow
from homeassistant.core import HomeAssistant


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, Any] | None
) -> RepairsFlow:
    """Return a confirmation: the issues clear themselves when the cause ends."""
    return ConfirmRepairFlow()
