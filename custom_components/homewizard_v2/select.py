"""Select: the battery group's charging strategy, with the modes the API version has."""

from __future__ import annotations

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import DOMAIN
from .coordinator import HomeWizardConfigEntry, HomeWizardCoordinator
from .entity import HomeWizardEntity
from .helpers import async_add_battery_group, async_run_action
from .vendor.energy_api.homewizard import Batteries, BatteryMode, Device, Permission

PARALLEL_UPDATES = 1

BOTH = frozenset({Permission.CHARGE, Permission.DISCHARGE})
# Option -> (mode, permissions to send, or None when the mode takes none).
OPTIONS: dict[str, tuple[BatteryMode, frozenset[Permission] | None]] = {
    "zero": (BatteryMode.ZERO, BOTH),
    "zero_charge_only": (BatteryMode.ZERO, frozenset({Permission.CHARGE})),
    "zero_discharge_only": (BatteryMode.ZERO, frozenset({Permission.DISCHARGE})),
    "standby": (BatteryMode.STANDBY, None),
    "to_full": (BatteryMode.TO_FULL, None),
    "predictive": (BatteryMode.PREDICTIVE, None),
}

BATTERY_GROUP_MODE = SelectEntityDescription(
    key="battery_group_mode",
    translation_key="battery_group_mode",
    entity_category=EntityCategory.CONFIG,
)


def supported_options(device: Device) -> list[str]:
    """Return the options the device's API version supports."""
    options = ["zero", "standby", "to_full"]
    if device.api_at_least("2.2.0"):
        options[1:1] = ["zero_charge_only", "zero_discharge_only"]
    if device.api_at_least("2.3.0"):
        options.append("predictive")
    return options


def current_option(batteries: Batteries) -> str | None:
    """Return the option the group is in (zero with one permission is its own option)."""
    mode = batteries.known_mode
    if mode is BatteryMode.ZERO and batteries.permissions is not None:
        if batteries.permissions == frozenset({Permission.CHARGE}):
            return "zero_charge_only"
        if batteries.permissions == frozenset({Permission.DISCHARGE}):
            return "zero_discharge_only"
        if not batteries.permissions:
            return "standby"
    return None if mode is None else str(mode)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: HomeWizardConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the mode select once the meter's battery group has batteries."""
    coordinator = entry.runtime_data
    async_add_battery_group(
        entry, lambda: async_add_entities([HomeWizardBatteryModeSelect(coordinator)])
    )


class HomeWizardBatteryModeSelect(HomeWizardEntity, SelectEntity):
    """How the battery group charges and discharges."""

    entity_description = BATTERY_GROUP_MODE

    def __init__(self, coordinator: HomeWizardCoordinator) -> None:
        """Describe the select with the device's options."""
        super().__init__(coordinator, BATTERY_GROUP_MODE.key)
        self._attr_options = supported_options(coordinator.device)

    @property
    def current_option(self) -> str | None:
        """Return the option the group is in; None for a mode this client does not know."""
        batteries = self.coordinator.data.batteries
        return None if batteries is None else current_option(batteries)

    @property
    def available(self) -> bool:
        """Return whether the device reports the group."""
        return super().available and self.coordinator.data.batteries is not None

    async def async_select_option(self, option: str) -> None:
        """Change the strategy."""
        if option not in self._attr_options:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="unsupported_mode",
                translation_placeholders={"mode": option},
            )
        mode, permissions = OPTIONS[option]
        client = self.coordinator.client
        if mode is BatteryMode.TO_FULL and self.coordinator.device.api_at_least(
            "2.3.0"
        ):
            action = client.set_batteries(charge_to_full=True)
        else:
            action = client.set_batteries(mode=mode, permissions=permissions)
        await async_run_action(self, action)
