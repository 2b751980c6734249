"""Actions: set the battery state for a while, cancel the override."""

from __future__ import annotations

from datetime import timedelta

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import ServiceValidationError
import homeassistant.helpers.config_validation as cv
from homeassistant.util import dt as dt_util
import voluptuous as vol

from .const import (
    ATTR_CONFIG_ENTRY_ID,
    ATTR_DURATION,
    ATTR_END_TIME,
    ATTR_STATE,
    DOMAIN,
    SERVICE_CANCEL_OVERRIDE,
    SERVICE_SET_STATE,
)
from .coordinator import PowervaultCoordinator
from .vendor.energy_api.ha.errors import raise_action_failed
from .vendor.energy_api.powervault import BatteryState

SET_STATE_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Required(ATTR_STATE): vol.In([state.value for state in BatteryState]),
        vol.Exclusive(ATTR_DURATION, "end"): vol.All(
            cv.time_period, vol.Range(min=timedelta(minutes=1), max=timedelta(days=7))
        ),
        vol.Exclusive(ATTR_END_TIME, "end"): cv.datetime,
    }
)
CANCEL_SCHEMA = vol.Schema({vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string})


def _coordinator(hass: HomeAssistant, call: ServiceCall) -> PowervaultCoordinator:
    entry = hass.config_entries.async_get_entry(call.data[ATTR_CONFIG_ENTRY_ID])
    if entry is None or entry.domain != DOMAIN:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="unknown_entry"
        )
    if entry.state is not ConfigEntryState.LOADED:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="entry_not_loaded"
        )
    coordinator: PowervaultCoordinator = entry.runtime_data
    return coordinator


@callback
def async_register_services(hass: HomeAssistant) -> None:
    """Register `powervault.set_battery_state` and `powervault.cancel_override`."""

    async def set_state(call: ServiceCall) -> None:
        coordinator = _coordinator(hass, call)
        until = call.data.get(ATTR_END_TIME)
        if until is not None:
            until = dt_util.as_utc(
                until
                if until.tzinfo
                else until.replace(tzinfo=dt_util.get_default_time_zone())
            )
            if until <= dt_util.utcnow():
                raise ServiceValidationError(
                    translation_domain=DOMAIN, translation_key="end_in_past"
                )
        with raise_action_failed(DOMAIN):
            await coordinator.async_set_state(
                BatteryState(call.data[ATTR_STATE]),
                until=until,
                duration=call.data.get(ATTR_DURATION),
            )

    async def cancel(call: ServiceCall) -> None:
        coordinator = _coordinator(hass, call)
        with raise_action_failed(DOMAIN):
            await coordinator.async_cancel_override()

    hass.services.async_register(DOMAIN, SERVICE_SET_STATE, set_state, SET_STATE_SCHEMA)
    hass.services.async_register(DOMAIN, SERVICE_CANCEL_OVERRIDE, cancel, CANCEL_SCHEMA)
