"""Buttons: scan for inverters and refresh their detail, paid from the manual reserve."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import DOMAIN
from .coordinator import ApsystemsConfigEntry, ApsystemsCoordinator, ReserveSpentError
from .entity import ApsystemsEntity, system_device
from .vendor.energy_api.ha.errors import raise_action_failed

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class ApsystemsButtonDescription(ButtonEntityDescription):
    """A button and what it does."""

    press_fn: Callable[[ApsystemsCoordinator], Awaitable[None]]


BUTTONS: tuple[ApsystemsButtonDescription, ...] = (
    ApsystemsButtonDescription(
        key="scan_inverters",
        translation_key="scan_inverters",
        entity_category=EntityCategory.CONFIG,
        press_fn=lambda coordinator: coordinator.async_scan_inverters(),
    ),
    ApsystemsButtonDescription(
        key="refresh_inverters",
        translation_key="refresh_inverters",
        press_fn=lambda coordinator: coordinator.async_refresh_inverters(),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: ApsystemsConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the system's buttons."""
    coordinator = entry.runtime_data
    async_add_entities(
        ApsystemsButton(coordinator, description) for description in BUTTONS
    )


class ApsystemsButton(ApsystemsEntity, ButtonEntity):
    """A button that spends calls from the manual reserve."""

    entity_description: ApsystemsButtonDescription

    def __init__(
        self, coordinator: ApsystemsCoordinator, description: ApsystemsButtonDescription
    ) -> None:
        """Attach to the system device."""
        super().__init__(
            coordinator, system_device(coordinator), description.key, coordinator.sid
        )
        self.entity_description = description

    async def async_press(self) -> None:
        """Spend from the reserve; refuse clearly when it is spent."""
        try:
            with raise_action_failed(DOMAIN):
                await self.entity_description.press_fn(self.coordinator)
        except ReserveSpentError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="reserve_spent",
                translation_placeholders={
                    "needed": str(err.needed),
                    "allowed": str(err.allowed),
                },
            ) from err

    @property
    def available(self) -> bool:
        """Stay pressable while polls fail: a press may be what proves the API is back."""
        return True
