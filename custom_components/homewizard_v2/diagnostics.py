"""Diagnostics: what the device reports, without secrets or identifiers."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.const import CONF_HOST, CONF_TOKEN
from homeassistant.core import HomeAssistant

from .const import CONF_IDENTITY
from .coordinator import HomeWizardConfigEntry
from .vendor.energy_api.redact import redact_data, redact_values

TO_REDACT = {
    CONF_HOST,
    CONF_TOKEN,
    CONF_IDENTITY,
    "serial",
    "unique_id",
    "wifi_ssid",
    "tls_name",
}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: HomeWizardConfigEntry
) -> dict[str, Any]:
    """Return entry settings and the latest data, redacted."""
    coordinator = entry.runtime_data
    data = coordinator.data
    secrets = [entry.data[CONF_TOKEN], coordinator.device.serial, entry.data[CONF_HOST]]
    report = {
        "entry": {"data": dict(entry.data), "options": dict(entry.options)},
        "push": {
            "enabled": coordinator.push_enabled,
            "next_poll": coordinator.next_refresh,
        },
        "device": asdict(data.device),
        "measurement": asdict(data.measurement),
        "system": None if data.system is None else asdict(data.system),
        "batteries": None if data.batteries is None else asdict(data.batteries),
    }
    redacted: dict[str, Any] = redact_values(redact_data(report, TO_REDACT), secrets)
    return redacted
