"""Set up a device: find it, press its button, keep the token."""

from __future__ import annotations

import asyncio
from ipaddress import IPv4Address
from typing import Any

from homeassistant.config_entries import (
    SOURCE_REAUTH,
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlowWithReload,
)
from homeassistant.const import CONF_HOST, CONF_TOKEN
from homeassistant.core import callback
from homeassistant.helpers import instance_id
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo
import voluptuous as vol

from .connection import async_connect, async_probe
from .const import (
    CONF_IDENTITY,
    CONF_MIN_WRITE_INTERVAL,
    CONF_POLL_INTERVAL,
    CONF_UPDATE_METHOD,
    DEFAULT_MIN_WRITE_INTERVAL,
    DEFAULT_POLL_INTERVAL,
    DOMAIN,
    PAIRING_INTERVAL,
    PAIRING_SECONDS,
    UPDATE_POLL,
    UPDATE_PUSH,
)
from .vendor.energy_api.errors import (
    AuthenticationError,
    CannotConnectError,
    CertificateError,
    EnergyApiError,
    VendorApiError,
)
from .vendor.energy_api.homewizard import PairingNotEnabledError, Probe, V1OnlyError

HOST_SCHEMA = vol.Schema({vol.Required(CONF_HOST): str})
# Where the pairing button is, by the type part of the device's identity.
BUTTON_HINTS = {
    "p1dongle": "press_button_p1",
    "energymeter": "press_button_kwh",
    "battery": "press_button_battery",
}


def probe_error(err: EnergyApiError) -> str:
    """Return the form error for a failed probe."""
    if isinstance(err, V1OnlyError):
        return "v1_only"
    if isinstance(err, CertificateError):
        return "invalid_certificate"
    if isinstance(err, CannotConnectError):
        return "cannot_connect"
    return "not_v2"


def pairing_error(err: EnergyApiError) -> str:
    """Return the form error for a failed pairing: unreachable, or refused with a reason."""
    if isinstance(err, CannotConnectError):
        return "cannot_connect"
    if isinstance(err, AuthenticationError | VendorApiError):
        return "pairing_refused"
    return "invalid_answer"


def serial_of(identity: str) -> str:
    """Return the serial part of `appliance/<type>/<serial>`."""
    return identity.rsplit("/", 1)[-1]


class HomeWizardConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add a HomeWizard device by address or discovery, then pair by button."""

    VERSION = 1

    def __init__(self) -> None:
        """Start empty."""
        self._host = ""
        self._probe: Probe | None = None
        self._token: str | None = None
        self._pairing: asyncio.Task[str] | None = None
        self._pairing_failure: EnergyApiError | None = None

    async def _async_probe(self, host: str, errors: dict[str, str]) -> Probe | None:
        try:
            return await async_probe(self.hass, host)
        except EnergyApiError as err:
            errors["base"] = probe_error(err)
            return None

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the device's address."""
        errors: dict[str, str] = {}
        if user_input is not None:
            host = user_input[CONF_HOST].strip()
            if probe := await self._async_probe(host, errors):
                await self.async_set_unique_id(serial_of(probe.identity))
                self._abort_if_unique_id_configured(updates={CONF_HOST: host})
                self._host, self._probe = host, probe
                return await self.async_step_pair()
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(HOST_SCHEMA, user_input),
            errors=errors,
        )

    async def async_step_zeroconf(
        self, discovery_info: ZeroconfServiceInfo
    ) -> ConfigFlowResult:
        """Handle a device announcing `_homewizard._tcp`."""
        identity = discovery_info.properties.get("id")
        serial = discovery_info.properties.get("serial")
        if not identity or not serial or serial_of(identity).lower() != serial.lower():
            return self.async_abort(reason="invalid_discovery_info")
        ipv4 = [ip for ip in discovery_info.ip_addresses if isinstance(ip, IPv4Address)]
        host = str(ipv4[0]) if ipv4 else discovery_info.host
        await self.async_set_unique_id(serial.lower())
        self._abort_if_unique_id_configured(updates={CONF_HOST: host})
        errors: dict[str, str] = {}
        probe = await self._async_probe(host, errors)
        if probe is None:
            return self.async_abort(reason=errors["base"])
        if probe.identity != identity.lower():
            return self.async_abort(reason="invalid_certificate")
        self._host, self._probe = host, probe
        name = discovery_info.properties.get("product_name") or "HomeWizard"
        self.context["title_placeholders"] = {"name": name}
        return await self.async_step_discovery_confirm()

    async def async_step_discovery_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask whether to add the discovered device."""
        if user_input is not None:
            return await self.async_step_pair()
        return self.async_show_form(
            step_id="discovery_confirm",
            description_placeholders={
                "name": self.context["title_placeholders"]["name"],
                "host": self._host,
            },
        )

    async def async_step_pair(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for a token about once a second while the user presses the button."""
        if self._token is not None:
            # Paired already: a late look at the flow must not pair a second time.
            return self.async_show_progress_done(next_step_id="finish")
        if self._pairing is None:
            self._pairing = self.hass.async_create_task(self._async_pair())
        if not self._pairing.done():
            assert self._probe is not None
            kind = self._probe.identity.split("/")[1]
            return self.async_show_progress(
                step_id="pair",
                progress_action=BUTTON_HINTS.get(kind, "press_button"),
                progress_task=self._pairing,
            )
        pairing, self._pairing = self._pairing, None
        try:
            self._token = pairing.result()
        except PairingNotEnabledError:
            return self.async_show_progress_done(next_step_id="pair_timeout")
        except EnergyApiError as err:
            self._pairing_failure = err
            return self.async_show_progress_done(next_step_id="pair_failed")
        return self.async_show_progress_done(next_step_id="finish")

    async def _async_pair(self) -> str:
        """Pair through the library's loop, showing how much of the minute is left."""
        assert self._probe is not None
        client = await async_connect(self.hass, self._host, None, self._probe.identity)
        name = f"{DOMAIN}#{(await instance_id.async_get(self.hass))[:6]}"
        return await client.pair(
            name,
            patience=PAIRING_SECONDS,
            interval=PAIRING_INTERVAL,
            waiting=lambda left: self.async_update_progress(
                min(1.0, 1 - left / PAIRING_SECONDS)
            ),
        )

    async def async_step_pair_timeout(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Offer to try again when nobody pressed the button in time."""
        if user_input is not None:
            return await self.async_step_pair()
        return self.async_show_form(
            step_id="pair_timeout", errors={"base": "button_not_pressed"}
        )

    async def async_step_pair_failed(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Offer to try again after the device stopped answering or refused to pair."""
        if user_input is not None:
            return await self.async_step_pair()
        failure = self._pairing_failure or CannotConnectError("no answer")
        return self.async_show_form(
            step_id="pair_failed",
            errors={"base": pairing_error(failure)},
            description_placeholders={"reason": str(failure)},
        )

    async def async_step_finish(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Read the device with the new token and store the entry."""
        assert self._probe is not None
        assert self._token is not None
        try:
            client = await async_connect(
                self.hass, self._host, self._token, self._probe.identity
            )
            device = await client.device()
        except EnergyApiError as err:
            self._pairing_failure, self._token = err, None
            return await self.async_step_pair_failed()
        data = {
            CONF_HOST: self._host,
            CONF_TOKEN: self._token,
            CONF_IDENTITY: self._probe.identity,
        }
        if self.source == SOURCE_REAUTH:
            return self.async_update_reload_and_abort(
                self._get_reauth_entry(), data_updates=data
            )
        return self.async_create_entry(title=device.product_name, data=data)

    async def async_step_reauth(self, entry_data: dict[str, Any]) -> ConfigFlowResult:
        """Pair again, because the device rejected the token."""
        self._host = entry_data[CONF_HOST]
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Confirm, then pair with the same device."""
        errors: dict[str, str] = {}
        if user_input is not None and (
            probe := await self._async_probe(self._host, errors)
        ):
            entry = self._get_reauth_entry()
            if probe.identity != entry.data[CONF_IDENTITY]:
                return self.async_abort(reason="wrong_device")
            self._probe = probe
            return await self.async_step_pair()
        return self.async_show_form(
            step_id="reauth_confirm",
            description_placeholders={"title": self._get_reauth_entry().title},
            errors=errors,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the address of the same device."""
        errors: dict[str, str] = {}
        entry = self._get_reconfigure_entry()
        if user_input is not None:
            host = user_input[CONF_HOST].strip()
            if probe := await self._async_probe(host, errors):
                await self.async_set_unique_id(serial_of(probe.identity))
                self._abort_if_unique_id_mismatch(reason="wrong_device")
                return self.async_update_reload_and_abort(
                    entry, data_updates={CONF_HOST: host}
                )
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                HOST_SCHEMA, user_input or {CONF_HOST: entry.data[CONF_HOST]}
            ),
            errors=errors,
        )

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> HomeWizardOptionsFlow:
        """Return the options flow."""
        return HomeWizardOptionsFlow()


class HomeWizardOptionsFlow(OptionsFlowWithReload):
    """Push or polling, polling interval, and how often fast values are written."""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the options; the entry reloads when they change."""
        if user_input is not None:
            return self.async_create_entry(data=user_input)
        schema = vol.Schema(
            {
                vol.Required(CONF_UPDATE_METHOD, default=UPDATE_PUSH): SelectSelector(
                    SelectSelectorConfig(
                        options=[UPDATE_PUSH, UPDATE_POLL],
                        translation_key=CONF_UPDATE_METHOD,
                        mode=SelectSelectorMode.LIST,
                    )
                ),
                vol.Required(
                    CONF_POLL_INTERVAL, default=DEFAULT_POLL_INTERVAL
                ): NumberSelector(
                    NumberSelectorConfig(
                        min=1,
                        max=3600,
                        step=1,
                        unit_of_measurement="s",
                        mode=NumberSelectorMode.BOX,
                    )
                ),
                vol.Required(
                    CONF_MIN_WRITE_INTERVAL, default=DEFAULT_MIN_WRITE_INTERVAL
                ): NumberSelector(
                    NumberSelectorConfig(
                        min=0,
                        max=300,
                        step=0.5,
                        unit_of_measurement="s",
                        mode=NumberSelectorMode.BOX,
                    )
                ),
            }
        )
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(
                schema, self.config_entry.options
            ),
        )
