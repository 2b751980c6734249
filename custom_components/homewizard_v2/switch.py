"""Switches: cloud connection, API v1, one-time full charge of the battery group."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from homeassistant.components.switch import (
    SwitchDeviceClass,
    SwitchEntity,
    SwitchEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import HomeWizardConfigEntry, HomeWizardCoordinator, HomeWizardData
from .entity import HomeWizardEntity
from .helpers import async_add_battery_group, async_run_action
from .vendor.energy_api.homewizard import HomeWizardClient, ProductType

PARALLEL_UPDATES = 1


class Setter(Protocol):
    """Turns a setting on or off."""

    def __call__(self, client: HomeWizardClient, *, on: bool) -> Awaitable[Any]:
        """Send the new value."""


@dataclass(frozen=True, kw_only=True)
class HomeWizardSwitchDescription(SwitchEntityDescription):
    """A switch: how to read it, whether the device has it, and how to set it."""

    is_on_fn: Callable[[HomeWizardData], bool | None]
    set_fn: Setter
    supported_fn: Callable[[HomeWizardData], bool] = lambda data: True


SWITCHES: tuple[HomeWizardSwitchDescription, ...] = (
    HomeWizardSwitchDescription(
        key="cloud_connection",
        translation_key="cloud_connection",
        entity_category=EntityCategory.CONFIG,
        # The battery's cloud connection is read-only.
        supported_fn=lambda data: data.device.product_type != ProductType.BATTERY,
        is_on_fn=lambda data: data.system.cloud_enabled if data.system else None,
        set_fn=lambda client, *, on: client.set_system(cloud_enabled=on),
    ),
    HomeWizardSwitchDescription(
        key="api_v1",
        translation_key="api_v1",
        entity_category=EntityCategory.CONFIG,
        is_on_fn=lambda data: data.system.api_v1_enabled if data.system else None,
        set_fn=lambda client, *, on: client.set_system(api_v1_enabled=on),
    ),
)

# Added once the group has batteries (API 2.3 and newer).
CHARGE_TO_FULL = HomeWizardSwitchDescription(
    key="charge_to_full",
    translation_key="charge_to_full",
    device_class=SwitchDeviceClass.SWITCH,
    is_on_fn=lambda data: data.batteries.charge_to_full if data.batteries else None,
    set_fn=lambda client, *, on: client.set_batteries(charge_to_full=on),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: HomeWizardConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the switches the device has; the battery group's once it has batteries."""
    coordinator = entry.runtime_data
    async_add_entities(
        HomeWizardSwitch(coordinator, description)
        for description in SWITCHES
        if description.supported_fn(coordinator.data)
        and description.is_on_fn(coordinator.data) is not None
    )

    @callback
    def add_battery_group() -> None:
        if CHARGE_TO_FULL.is_on_fn(coordinator.data) is not None:
            async_add_entities([HomeWizardSwitch(coordinator, CHARGE_TO_FULL)])

    async_add_battery_group(entry, add_battery_group)


class HomeWizardSwitch(HomeWizardEntity, SwitchEntity):
    """A setting of the device."""

    entity_description: HomeWizardSwitchDescription

    def __init__(
        self,
        coordinator: HomeWizardCoordinator,
        description: HomeWizardSwitchDescription,
    ) -> None:
        """Describe the switch."""
        super().__init__(coordinator, description.key)
        self.entity_description = description

    @property
    def is_on(self) -> bool | None:
        """Return the setting from the latest data."""
        return self.entity_description.is_on_fn(self.coordinator.data)

    @property
    def available(self) -> bool:
        """Return whether the device reports the setting."""
        return super().available and self.is_on is not None

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Turn the setting on."""
        await async_run_action(
            self, self.entity_description.set_fn(self.coordinator.client, on=True)
        )

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Turn the setting off."""
        await async_run_action(
            self, self.entity_description.set_fn(self.coordinator.client, on=False)
        )
