"""Set up a Powervault unit over the cloud (API key) or the local API of a P3/P3X."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import (
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.core import callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import voluptuous as vol

from .connection import cloud_client, local_client
from .const import (
    CONF_API_KEY,
    CONF_CONNECTION,
    CONF_HOST,
    CONF_PLATFORM,
    CONF_POLL_INTERVAL,
    CONF_UNIT_ID,
    CONFIG_VERSION,
    CONNECTION_CLOUD,
    CONNECTION_LOCAL,
    DEFAULT_POLL_INTERVAL,
    DOMAIN,
    MAX_POLL_INTERVAL,
    MIN_POLL_INTERVAL,
)
from .vendor.energy_api.errors import (
    AuthenticationError,
    CannotConnectError,
    EnergyApiError,
    RateLimitedError,
)
from .vendor.energy_api.powervault import Unit

_KEY = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))


def _error(err: EnergyApiError, *, local: bool) -> str:
    """Return the form error for `err`: a local host that answers oddly is no Powervault."""
    if isinstance(err, AuthenticationError):
        return "invalid_auth"
    if isinstance(err, CannotConnectError):
        return "cannot_connect"
    if isinstance(err, RateLimitedError):
        return "rate_limited"
    return "not_powervault" if local else "cloud_error"


class PowervaultConfigFlow(ConfigFlow, domain=DOMAIN):
    """Cloud: API key, then the unit. Local: the unit's address."""

    VERSION = CONFIG_VERSION
    MINOR_VERSION = 1

    def __init__(self) -> None:
        """Start without a key or units."""
        self._api_key = ""
        self._units: list[Unit] = []

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> PowervaultOptionsFlow:
        """Return the options flow."""
        return PowervaultOptionsFlow()

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask how the unit is reached."""
        return self.async_show_menu(
            step_id="user", menu_options=[CONNECTION_CLOUD, CONNECTION_LOCAL]
        )

    async def _async_units(self, api_key: str) -> tuple[list[Unit], str | None]:
        if not api_key:
            return [], "invalid_auth"
        cloud = cloud_client(async_get_clientsession(self.hass), api_key)
        try:
            account = await cloud.account()
            units = await cloud.units(account.id)
        except EnergyApiError as err:
            return [], _error(err, local=False)
        return units, None if units else "no_units"

    async def async_step_cloud(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the API key; list the account's units."""
        errors: dict[str, str] = {}
        if user_input is not None:
            self._api_key = user_input[CONF_API_KEY].strip()
            self._units, error = await self._async_units(self._api_key)
            if error is None:
                if len(self._units) == 1:
                    return await self._async_create_cloud(self._units[0])
                return await self.async_step_pick_unit()
            errors["base"] = error
        return self.async_show_form(
            step_id="cloud",
            data_schema=vol.Schema({vol.Required(CONF_API_KEY): _KEY}),
            errors=errors,
        )

    async def async_step_pick_unit(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Pick one of the account's units."""
        if user_input is not None:
            unit = next(u for u in self._units if u.id == user_input[CONF_UNIT_ID])
            return await self._async_create_cloud(unit)
        options = [
            SelectOptionDict(value=u.id, label=f"{u.id} ({u.model or 'Powervault'})")
            for u in self._units
        ]
        return self.async_show_form(
            step_id="pick_unit",
            data_schema=vol.Schema(
                {
                    vol.Required(CONF_UNIT_ID): SelectSelector(
                        SelectSelectorConfig(options=options)
                    )
                }
            ),
        )

    async def _async_create_cloud(self, unit: Unit) -> ConfigFlowResult:
        await self.async_set_unique_id(unit.id)
        self._abort_if_unique_id_configured(updates={CONF_API_KEY: self._api_key})
        return self.async_create_entry(
            title=f"Powervault {unit.model or unit.id}",
            data={
                CONF_CONNECTION: CONNECTION_CLOUD,
                CONF_API_KEY: self._api_key,
                CONF_UNIT_ID: unit.id,
            },
        )

    async def _async_local(self, host: str) -> dict[str, str] | str:
        """Return the unit id and platform at `host`, or the form error."""
        try:
            local = local_client(async_get_clientsession(self.hass), host)
        except ValueError:
            return "invalid_host"
        try:
            if not await local.health():
                return "not_powervault"
            unit_id = await local.unit_id()
            platform = await local.platform()
        except EnergyApiError as err:
            return _error(err, local=True)
        return {CONF_UNIT_ID: unit_id, CONF_PLATFORM: platform}

    async def async_step_local(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the P3's address; check it is a Powervault."""
        errors: dict[str, str] = {}
        if user_input is not None:
            host = user_input[CONF_HOST].strip()
            found = await self._async_local(host)
            if isinstance(found, str):
                errors["base"] = found
            else:
                await self.async_set_unique_id(found[CONF_UNIT_ID])
                self._abort_if_unique_id_configured(updates={CONF_HOST: host})
                return self.async_create_entry(
                    title=f"Powervault {found[CONF_PLATFORM].upper()}",
                    data={CONF_CONNECTION: CONNECTION_LOCAL, CONF_HOST: host, **found},
                )
        return self.async_show_form(
            step_id="local",
            data_schema=vol.Schema({vol.Required(CONF_HOST): str}),
            errors=errors,
        )

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Ask for a new API key: the cloud rejected the old one."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Check the new key still reaches this entry's unit."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            key = user_input[CONF_API_KEY].strip()
            units, error = await self._async_units(key)
            if error is None and all(u.id != entry.unique_id for u in units):
                error = "wrong_unit"
            if error is None:
                return self.async_update_reload_and_abort(
                    entry, data_updates={CONF_API_KEY: key}
                )
            errors["base"] = error
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=vol.Schema({vol.Required(CONF_API_KEY): _KEY}),
            description_placeholders={"title": entry.title},
            errors=errors,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the API key (cloud) or the address (local) of the same unit."""
        entry = self._get_reconfigure_entry()
        local = entry.data[CONF_CONNECTION] == CONNECTION_LOCAL
        errors: dict[str, str] = {}
        if user_input is not None:
            if local:
                host = user_input[CONF_HOST].strip()
                found = await self._async_local(host)
                if isinstance(found, str):
                    errors["base"] = found
                elif found[CONF_UNIT_ID] != entry.unique_id:
                    errors["base"] = "wrong_unit"
                else:
                    return self.async_update_reload_and_abort(
                        entry, data_updates={CONF_HOST: host}
                    )
            else:
                key = user_input[CONF_API_KEY].strip()
                units, error = await self._async_units(key)
                if error is None and all(u.id != entry.unique_id for u in units):
                    error = "wrong_unit"
                if error is None:
                    return self.async_update_reload_and_abort(
                        entry, data_updates={CONF_API_KEY: key}
                    )
                errors["base"] = error
        field = (
            {vol.Required(CONF_HOST, default=entry.data[CONF_HOST]): str}
            if local
            else {vol.Required(CONF_API_KEY): _KEY}
        )
        return self.async_show_form(
            step_id="reconfigure", data_schema=vol.Schema(field), errors=errors
        )


class PowervaultOptionsFlow(OptionsFlow):
    """The local poll interval."""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show and save the interval; the entry reloads with it."""
        if user_input is not None:
            return self.async_create_entry(
                data={CONF_POLL_INTERVAL: int(user_input[CONF_POLL_INTERVAL])}
            )
        schema = vol.Schema(
            {
                vol.Required(
                    CONF_POLL_INTERVAL,
                    default=self.config_entry.options.get(
                        CONF_POLL_INTERVAL, DEFAULT_POLL_INTERVAL
                    ),
                ): NumberSelector(
                    NumberSelectorConfig(
                        min=MIN_POLL_INTERVAL,
                        max=MAX_POLL_INTERVAL,
                        step=1,
                        unit_of_measurement="s",
                        mode=NumberSelectorMode.SLIDER,
                    )
                )
            }
        )
        return self.async_show_form(step_id="init", data_schema=schema)
