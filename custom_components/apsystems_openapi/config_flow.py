"""Set up an APsystems system from the EMA OpenAPI credentials; reauth, reconfigure, options."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import (
    ConfigEntry,
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.core import callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
from homeassistant.util import dt as dt_util
import voluptuous as vol

from .const import (
    CONF_APP_ID,
    CONF_APP_SECRET,
    CONF_BASE_URL,
    CONF_INTERVAL,
    CONF_INVERTER_DETAIL,
    CONF_PLANNING,
    CONF_QUOTA,
    CONF_RESERVE,
    CONF_SID,
    CONF_SUNRISE_OFFSET,
    CONF_SUNSET_OFFSET,
    CONF_TIMEZONE,
    DEFAULT_INTERVAL,
    DEFAULT_QUOTA,
    DEFAULT_RESERVE,
    DEFAULT_SUNRISE_OFFSET,
    DEFAULT_SUNSET_OFFSET,
    DOMAIN,
    MAX_INTERVAL,
    MAX_OFFSET,
    MIN_INTERVAL,
    PLANNING_AUTO,
    PLANNING_FIXED,
)
from .vendor.energy_api.apsystems import (
    DEFAULT_BASE_URL,
    ApsystemsClient,
    PermissionDeniedError,
    SignatureRejectedError,
    SystemDetails,
)
from .vendor.energy_api.errors import (
    AuthenticationError,
    CannotConnectError,
    EnergyApiError,
    QuotaExhaustedError,
    RateLimitedError,
)
from .vendor.energy_api.schedule.usage import month_key

CONF_FLOW_CALLS = "flow_calls"

_ERRORS: tuple[tuple[type[EnergyApiError], str], ...] = (
    (AuthenticationError, "invalid_auth"),
    (SignatureRejectedError, "signature_rejected"),
    (PermissionDeniedError, "no_permission"),
    (QuotaExhaustedError, "quota_exhausted"),
    (RateLimitedError, "rate_limited"),
    (CannotConnectError, "cannot_connect"),
)

_SECRET = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
_URL = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))


def _credentials_schema(defaults: Mapping[str, Any], *, sid: bool) -> vol.Schema:
    fields: dict[Any, Any] = {
        vol.Required(
            CONF_APP_ID, default=defaults.get(CONF_APP_ID, vol.UNDEFINED)
        ): str,
        vol.Required(CONF_APP_SECRET): _SECRET,
    }
    if sid:
        fields[
            vol.Required(CONF_SID, default=defaults.get(CONF_SID, vol.UNDEFINED))
        ] = str
    fields[
        vol.Required(
            CONF_BASE_URL, default=defaults.get(CONF_BASE_URL, DEFAULT_BASE_URL)
        )
    ] = _URL
    return vol.Schema(fields)


def _clean(user_input: Mapping[str, Any]) -> dict[str, str]:
    return {key: str(value).strip() for key, value in user_input.items()}


class ApsystemsConfigFlow(ConfigFlow, domain=DOMAIN):
    """Ask for App ID, App Secret and SID; prove them with one call."""

    VERSION = 1
    MINOR_VERSION = 1

    def __init__(self) -> None:
        """Count the calls this flow spends."""
        self._calls = 0

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> ApsystemsOptionsFlow:
        """Return the options flow."""
        return ApsystemsOptionsFlow()

    async def _async_validate(
        self, data: Mapping[str, str]
    ) -> tuple[SystemDetails | None, dict[str, str]]:
        """Read the system's details: one call proves credentials, SID and clock."""

        def count(_endpoint: str) -> None:
            self._calls += 1

        client = ApsystemsClient(
            async_get_clientsession(self.hass),
            data[CONF_APP_ID],
            data[CONF_APP_SECRET],
            base_url=data[CONF_BASE_URL],
            on_request=count,
            retry_attempts=1,
            clock=lambda: dt_util.utcnow().timestamp(),
        )
        try:
            details = await client.system_details(data[CONF_SID])
        except EnergyApiError as err:
            reason = next(
                (key for kind, key in _ERRORS if isinstance(err, kind)),
                "invalid_response",
            )
            return None, {"base": reason}
        if details is None:
            return None, {"base": "unknown_system"}
        return details, {}

    def _count_into(self, entry: ConfigEntry) -> None:
        """Add this flow's calls to a loaded entry's monthly counter."""
        if entry.state is ConfigEntryState.LOADED and self._calls:
            coordinator = entry.runtime_data
            coordinator.record_calls(self._calls)
        self._calls = 0

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the credentials and the SID."""
        errors: dict[str, str] = {}
        if user_input is not None:
            data = _clean(user_input)
            await self.async_set_unique_id(data[CONF_SID])
            self._abort_if_unique_id_configured()
            details, errors = await self._async_validate(data)
            if details is not None:
                zone = details.timezone or self.hass.config.time_zone
                # The quota's month is the system's: count these calls into it.
                month = month_key(dt_util.now(dt_util.get_time_zone(zone)))
                return self.async_create_entry(
                    title=f"APsystems {data[CONF_SID][-4:]}",
                    data={
                        **data,
                        CONF_TIMEZONE: zone,
                        CONF_FLOW_CALLS: {"month": month, "count": self._calls},
                    },
                )
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(
                _credentials_schema({}, sid=True), user_input or {}
            ),
            errors=errors,
        )

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Ask for the credentials again: the API rejected them."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for a new App Secret (and App ID) for the same SID."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {**entry.data, **_clean(user_input)}
            details, errors = await self._async_validate(data)
            self._count_into(entry)
            if details is not None:
                return self.async_update_reload_and_abort(entry, data=data)
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=self.add_suggested_values_to_schema(
                _credentials_schema(entry.data, sid=False), user_input or {}
            ),
            description_placeholders={"title": entry.title},
            errors=errors,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the API address or credentials of the same system."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {**entry.data, **_clean(user_input)}
            await self.async_set_unique_id(data[CONF_SID])
            self._abort_if_unique_id_mismatch(reason="wrong_system")
            details, errors = await self._async_validate(data)
            self._count_into(entry)
            if details is not None:
                if details.timezone:
                    data[CONF_TIMEZONE] = details.timezone
                return self.async_update_reload_and_abort(entry, data=data)
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                _credentials_schema(entry.data, sid=True), user_input or {}
            ),
            errors=errors,
        )


def _number(
    minimum: int, maximum: int, step: int, unit: str | None = None
) -> NumberSelector:
    config = NumberSelectorConfig(
        min=minimum, max=maximum, step=step, mode=NumberSelectorMode.BOX
    )
    if unit is not None:
        config["unit_of_measurement"] = unit
    return NumberSelector(config)


class ApsystemsOptionsFlow(OptionsFlow):
    """How the calls are planned."""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show and save the options; the entry reloads with them."""
        if user_input is not None:
            options = {
                key: int(value) if isinstance(value, float) else value
                for key, value in user_input.items()
            }
            return self.async_create_entry(data=options)
        schema = vol.Schema(
            {
                vol.Required(CONF_PLANNING, default=PLANNING_AUTO): SelectSelector(
                    SelectSelectorConfig(
                        options=[PLANNING_AUTO, PLANNING_FIXED],
                        translation_key=CONF_PLANNING,
                        mode=SelectSelectorMode.LIST,
                    )
                ),
                vol.Required(CONF_INTERVAL, default=DEFAULT_INTERVAL): _number(
                    MIN_INTERVAL, MAX_INTERVAL, 300, "s"
                ),
                vol.Required(
                    CONF_SUNRISE_OFFSET, default=DEFAULT_SUNRISE_OFFSET
                ): _number(0, MAX_OFFSET, 5, "min"),
                vol.Required(
                    CONF_SUNSET_OFFSET, default=DEFAULT_SUNSET_OFFSET
                ): _number(0, MAX_OFFSET, 5, "min"),
                vol.Required(CONF_QUOTA, default=DEFAULT_QUOTA): _number(
                    100, 1_000_000, 1
                ),
                vol.Required(CONF_RESERVE, default=DEFAULT_RESERVE): _number(0, 500, 1),
                vol.Required(CONF_INVERTER_DETAIL, default=True): BooleanSelector(),
            }
        )
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(
                schema, self.config_entry.options
            ),
        )
