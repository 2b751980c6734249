"""Buttons: identify (blink the LED) and restart, where the device allows them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from homeassistant.components.button import (
    ButtonDeviceClass,
    ButtonEntity,
    ButtonEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import HomeWizardConfigEntry, HomeWizardCoordinator
from .entity import HomeWizardEntity
from .helpers import async_run_action
from .vendor.energy_api.homewizard import HomeWizardClient, ProductType

PARALLEL_UPDATES = 1
KWH_METERS = {
    ProductType.KWH_METER_1_PHASE,
    ProductType.KWH_METER_3_PHASE,
    ProductType.KWH_METER_SDM230,
    ProductType.KWH_METER_SDM630,
}


@dataclass(frozen=True, kw_only=True)
class HomeWizardButtonDescription(ButtonEntityDescription):
    """A button, the products that have it and what it does."""

    products: frozenset[str]
    press_fn: Callable[[HomeWizardClient], Awaitable[None]]


BUTTONS: tuple[HomeWizardButtonDescription, ...] = (
    HomeWizardButtonDescription(
        key="identify",
        device_class=ButtonDeviceClass.IDENTIFY,
        entity_category=EntityCategory.DIAGNOSTIC,
        products=frozenset({ProductType.P1_METER, ProductType.BATTERY}),
        press_fn=lambda client: client.identify(),
    ),
    HomeWizardButtonDescription(
        key="reboot",
        device_class=ButtonDeviceClass.RESTART,
        entity_category=EntityCategory.CONFIG,
        # The battery refuses remote restarts, for safety.
        products=frozenset({ProductType.P1_METER, *KWH_METERS}),
        press_fn=lambda client: client.reboot(),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: HomeWizardConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the buttons this product has."""
    coordinator = entry.runtime_data
    async_add_entities(
        HomeWizardButton(coordinator, description)
        for description in BUTTONS
        if coordinator.device.product_type in description.products
    )


class HomeWizardButton(HomeWizardEntity, ButtonEntity):
    """A one-shot action on the device."""

    entity_description: HomeWizardButtonDescription

    def __init__(
        self,
        coordinator: HomeWizardCoordinator,
        description: HomeWizardButtonDescription,
    ) -> None:
        """Describe the button."""
        super().__init__(coordinator, description.key)
        self.entity_description = description

    async def async_press(self) -> None:
        """Send the action."""
        await async_run_action(
            self, self.entity_description.press_fn(self.coordinator.client)
        )
