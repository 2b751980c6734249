"""Diagnostics: the plan, the budget and the latest data, without credentials or ids."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant

from .const import CONF_APP_ID, CONF_APP_SECRET, CONF_SID
from .coordinator import ApsystemsConfigEntry
from .state import state_to_json
from .vendor.energy_api.redact import redact_data, redact_values

TO_REDACT = {CONF_APP_ID, CONF_APP_SECRET, CONF_SID, "eid", "uid", "title"}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: ApsystemsConfigEntry
) -> dict[str, Any]:
    """Return settings, the call budget and the state, redacted."""
    coordinator = entry.runtime_data
    state = state_to_json(coordinator.state)
    ids = [
        entry.data[CONF_APP_ID],
        entry.data[CONF_APP_SECRET],
        entry.data[CONF_SID],
        *(ecu.eid for ecu in coordinator.state.ecus),
        *(inv.uid for ecu in coordinator.state.ecus for inv in ecu.inverters),
    ]
    # Readings keyed by ECU or inverter id: list them without the keys.
    state["inverters"] = list(state["inverters"].values())
    for per_ecu in ("ecu_today_kwh", "ecu_power_w"):
        state["production"][per_ecu] = list(state["production"][per_ecu].values())
    report = {
        "entry": {
            "title": entry.title,
            "data": dict(entry.data),
            "options": dict(entry.options),
        },
        "plan": {
            "quota": coordinator.plan.settings.quota,
            "calls_used": coordinator.calls_used(),
            "manual_allowance": coordinator.plan.manual_allowance(coordinator.now()),
            "next_poll": coordinator.next_poll(),
            "in_window": coordinator.plan.in_window(coordinator.now()),
        },
        "state": state,
    }
    redacted: dict[str, Any] = redact_values(redact_data(report, TO_REDACT), ids)
    return redacted
