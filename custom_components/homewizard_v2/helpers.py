"""Shared by the platforms: actions, and the battery group's entities."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from homeassistant.core import callback

from .const import DOMAIN
from .coordinator import HomeWizardConfigEntry, HomeWizardData
from .entity import HomeWizardEntity
from .vendor.energy_api.ha.errors import raise_action_failed
from .vendor.energy_api.homewizard import Batteries, System


async def async_run_action(entity: HomeWizardEntity, action: Awaitable[Any]) -> None:
    """Await an action with translated errors; show the device's answer at once."""
    with raise_action_failed(DOMAIN):
        result = await action
    if isinstance(result, System | Batteries):
        entity.coordinator.async_apply_update(result)


def has_batteries(data: HomeWizardData) -> bool:
    """Return whether the meter controls at least one Plug-In Battery.

    Before API 2.2 the group does not count its batteries: a reported mode stands in.
    """
    batteries = data.batteries
    if batteries is None:
        return False
    if batteries.battery_count is None:
        return batteries.mode is not None
    return batteries.battery_count >= 1


@callback
def async_add_battery_group(
    entry: HomeWizardConfigEntry, add_entities: Callable[[], None]
) -> None:
    """Call `add_entities` once the battery group has batteries: now or when they appear."""
    coordinator = entry.runtime_data
    if has_batteries(coordinator.data):
        add_entities()
        return
    if not coordinator.has_battery_group:
        return
    added = False

    @callback
    def add_when_batteries_appear() -> None:
        nonlocal added
        if not added and has_batteries(coordinator.data):
            added = True
            add_entities()

    entry.async_on_unload(coordinator.async_add_listener(add_when_batteries_appear))
