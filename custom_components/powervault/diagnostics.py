"""Diagnostics: the unit's data and energy ledger, without the API key or ids."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.core import HomeAssistant

from .const import CONF_API_KEY, CONF_HOST, CONF_UNIT_ID
from .coordinator import PowervaultConfigEntry
from .vendor.energy_api.redact import redact_data, redact_values

TO_REDACT = {CONF_API_KEY, CONF_UNIT_ID, CONF_HOST, "unit_id", "title"}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: PowervaultConfigEntry
) -> dict[str, Any]:
    """Return settings, the latest data and the energy totals, redacted."""
    coordinator = entry.runtime_data
    unit = asdict(coordinator.unit)
    unit.pop("telemetry", None)
    telemetry = coordinator.unit.telemetry
    report = {
        "entry": {
            "title": entry.title,
            "data": dict(entry.data),
            "options": dict(entry.options),
        },
        "unit": unit,
        "telemetry": None if telemetry is None else telemetry.values,
        "energy": coordinator.ledger.data.as_dict(),
        "next_refresh": coordinator.next_refresh,
    }
    secrets = [
        entry.data.get(CONF_API_KEY),
        entry.data.get(CONF_HOST),
        coordinator.unit.unit_id,
    ]
    redacted: dict[str, Any] = redact_values(redact_data(report, TO_REDACT), secrets)
    return redacted
