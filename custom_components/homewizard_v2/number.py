"""Number: brightness of the status LED."""

from __future__ import annotations

from homeassistant.components.number import (
    NumberEntity,
    NumberEntityDescription,
    NumberMode,
)
from homeassistant.const import PERCENTAGE, EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import HomeWizardConfigEntry, HomeWizardCoordinator
from .entity import HomeWizardEntity
from .helpers import async_run_action

PARALLEL_UPDATES = 1

LED_BRIGHTNESS = NumberEntityDescription(
    key="status_light_brightness",
    translation_key="status_light_brightness",
    entity_category=EntityCategory.CONFIG,
    native_min_value=0,
    native_max_value=100,
    native_step=1,
    native_unit_of_measurement=PERCENTAGE,
    mode=NumberMode.SLIDER,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: HomeWizardConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the LED brightness where the device has one."""
    coordinator = entry.runtime_data
    system = coordinator.data.system
    if system is not None and system.status_led_brightness_pct is not None:
        async_add_entities([HomeWizardLedBrightness(coordinator)])


class HomeWizardLedBrightness(HomeWizardEntity, NumberEntity):
    """Brightness of the status LED, in percent."""

    entity_description = LED_BRIGHTNESS

    def __init__(self, coordinator: HomeWizardCoordinator) -> None:
        """Describe the number."""
        super().__init__(coordinator, LED_BRIGHTNESS.key)

    @property
    def native_value(self) -> float | None:
        """Return the brightness from the latest data."""
        system = self.coordinator.data.system
        return None if system is None else system.status_led_brightness_pct

    @property
    def available(self) -> bool:
        """Return whether the device reports the brightness."""
        return super().available and self.native_value is not None

    async def async_set_native_value(self, value: float) -> None:
        """Set the brightness."""
        await async_run_action(
            self,
            self.coordinator.client.set_system(status_led_brightness_pct=round(value)),
        )
