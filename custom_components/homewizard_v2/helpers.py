"""Shared by the platforms that change the device."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from .const import DOMAIN
from .entity import HomeWizardEntity
from .vendor.energy_api.ha.errors import raise_action_failed
from .vendor.energy_api.homewizard import Batteries, System


async def async_run_action(entity: HomeWizardEntity, action: Awaitable[Any]) -> None:
    """Await an action with translated errors; show the device's answer at once."""
    with raise_action_failed(DOMAIN):
        result = await action
    if isinstance(result, System | Batteries):
        entity.coordinator.async_apply_update(result)
