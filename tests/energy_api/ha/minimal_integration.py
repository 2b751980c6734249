"""A minimal integration built on `energy_api.ha`, reading the demo simulator."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
import logging
from typing import Any

from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.config_entries import ConfigEntry, ConfigFlow, ConfigFlowResult
from homeassistant.const import UnitOfEnergy
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockModule,
    MockPlatform,
    mock_config_flow,
    mock_integration,
    mock_platform,
)

from energy_api.errors import EnergyApiError
from energy_api.ha.coordinator import ScheduledCoordinator
from energy_api.ha.devices import (
    Identifier,
    async_remove_stale_devices,
    removal_allowed,
)
from energy_api.ha.errors import raise_update_failed
from energy_api.ha.sensor import MonotonicTotalSensor
from energy_api.schedule.policy import SchedulePolicy
from energy_api.schedule.usage import MonthlyUsage
from energy_api.transport import NO_RETRY, JsonTransport

DOMAIN = "energy_test"
METER: Identifier = (DOMAIN, "meter")
_LOGGER = logging.getLogger(__name__)


@dataclass
class Settings:
    """What a test changes about the integration."""

    url: str
    policy: SchedulePolicy
    usage: MonthlyUsage = field(default_factory=MonthlyUsage)
    fail_with: EnergyApiError | None = None
    reported: set[Identifier] = field(default_factory=lambda: {METER})


class DemoCoordinator(ScheduledCoordinator[dict[str, Any]]):
    """Reads the demo meter; counts every call in the monthly usage."""

    def __init__(
        self, hass: HomeAssistant, entry: ConfigEntry, settings: Settings
    ) -> None:
        """Create the coordinator for the entry."""
        super().__init__(
            hass, _LOGGER, config_entry=entry, name=DOMAIN, policy=settings.policy
        )
        self.settings = settings
        self.transport = JsonTransport(
            async_get_clientsession(hass), settings.url, retry=NO_RETRY
        )

    async def async_fetch(self) -> dict[str, Any]:
        self.settings.usage.record(dt_util.utcnow())
        with raise_update_failed(DOMAIN):
            if self.settings.fail_with is not None:
                raise self.settings.fail_with
            data: dict[str, Any] = await self.transport.request("GET", "/api/reading")
        async_remove_stale_devices(self.hass, self.config_entry, self.settings.reported)
        return data


class EnergyImport(CoordinatorEntity[DemoCoordinator], MonotonicTotalSensor):
    """Imported energy, a total for the Energy dashboard."""

    _attr_has_entity_name = True
    _attr_name = "Energy import"
    _attr_device_class = SensorDeviceClass.ENERGY
    _attr_native_unit_of_measurement = UnitOfEnergy.KILO_WATT_HOUR

    def __init__(self, coordinator: DemoCoordinator) -> None:
        """Attach to the meter device."""
        super().__init__(coordinator)
        self._attr_unique_id = "meter_energy_import"
        self._attr_device_info = DeviceInfo(identifiers={METER}, name="Demo meter")

    async def async_added_to_hass(self) -> None:
        """Publish the current reading once restored."""
        await super().async_added_to_hass()
        self._publish_total(self.coordinator.data.get("energy_import_kwh"))

    @callback
    def _handle_coordinator_update(self) -> None:
        self._publish_total(self.coordinator.data.get("energy_import_kwh"))
        super()._handle_coordinator_update()


class ReauthFlow(ConfigFlow):
    """Only what reauthentication needs."""

    VERSION = 1

    async def async_step_reauth(self, entry_data: dict[str, Any]) -> ConfigFlowResult:
        """Ask the user to confirm."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the confirmation form."""
        return self.async_show_form(step_id="reauth_confirm")


@contextmanager
def registered(hass: HomeAssistant, settings: Settings) -> Iterator[None]:
    """Register the integration, its sensor platform and its config flow."""

    async def setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
        coordinator = DemoCoordinator(hass, entry, settings)
        await coordinator.async_config_entry_first_refresh()
        entry.runtime_data = coordinator
        await hass.config_entries.async_forward_entry_setups(entry, ["sensor"])
        return True

    async def unload_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
        return await hass.config_entries.async_unload_platforms(entry, ["sensor"])

    async def remove_device(
        hass: HomeAssistant, entry: ConfigEntry, device: dr.DeviceEntry
    ) -> bool:
        return removal_allowed(device, settings.reported)

    async def setup_sensors(
        hass: HomeAssistant, entry: ConfigEntry, add: AddConfigEntryEntitiesCallback
    ) -> None:
        add([EnergyImport(entry.runtime_data)])

    mock_integration(
        hass,
        MockModule(
            DOMAIN,
            async_setup_entry=setup_entry,
            async_unload_entry=unload_entry,
            async_remove_config_entry_device=remove_device,
        ),
    )
    mock_platform(
        hass, f"{DOMAIN}.sensor", MockPlatform(async_setup_entry=setup_sensors)
    )
    mock_platform(hass, f"{DOMAIN}.config_flow", None)
    with mock_config_flow(DOMAIN, ReauthFlow):
        yield


@asynccontextmanager
async def running(
    hass: HomeAssistant, settings: Settings
) -> AsyncIterator[MockConfigEntry]:
    """Register the integration, set up one entry, and unload it afterwards."""
    with registered(hass, settings):
        entry = MockConfigEntry(domain=DOMAIN, title="Demo")
        entry.add_to_hass(hass)
        await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        yield entry
        await hass.config_entries.async_unload(entry.entry_id)
