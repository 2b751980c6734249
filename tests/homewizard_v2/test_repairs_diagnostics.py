"""Repair issues with their fixes, and redacted diagnostics."""

from __future__ import annotations

import json

from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.homewizard_v2.const import (
    CONF_UPDATE_METHOD,
    DOMAIN,
    UPDATE_POLL,
)
from custom_components.homewizard_v2.diagnostics import (
    async_get_config_entry_diagnostics,
)
from custom_components.homewizard_v2.repairs import async_create_fix_flow
from simulators import Fault, FaultKind

from .conftest import StartDevice, set_up

POLL = {CONF_UPDATE_METHOD: UPDATE_POLL}


async def run_fix(
    hass: HomeAssistant, client: ClientSessionGenerator, issue_id: str
) -> dict:
    http = await client()
    response = await http.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue_id}
    )
    flow = await response.json()
    assert flow["step_id"] == "confirm"
    response = await http.post(f"/api/repairs/issues/fix/{flow['flow_id']}", json={})
    return await response.json()


async def test_api_v1_enabled_is_fixed_by_turning_it_off(
    hass: HomeAssistant, start_device: StartDevice, hass_client: ClientSessionGenerator
) -> None:
    assert await async_setup_component(hass, "repairs", {})
    p1 = await start_device("p1_3phase")
    p1.device.api_v1_enabled = True
    entry = await set_up(hass, p1.entry(**POLL))
    issue_id = f"api_v1_enabled_{entry.entry_id}"
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is not None
    result = await run_fix(hass, hass_client, issue_id)
    assert result["type"] == "create_entry"
    assert p1.device.api_v1_enabled is False
    await hass.async_block_till_done()
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
    await hass.config_entries.async_unload(entry.entry_id)


async def test_predictive_without_cloud(
    hass: HomeAssistant, start_device: StartDevice, hass_client: ClientSessionGenerator
) -> None:
    assert await async_setup_component(hass, "repairs", {})
    p1 = await start_device("p1_3phase")
    p1.device.cloud_enabled = False
    p1.device.update_batteries({"mode": "predictive"})
    entry = await set_up(hass, p1.entry(**POLL))
    issue_id = f"predictive_without_cloud_{entry.entry_id}"
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is not None
    # The device cannot be reached: the fix says so and changes nothing.
    p1.device.set_fault(Fault(FaultKind.DROP, path_prefix="/api/system", count=5))
    result = await run_fix(hass, hass_client, issue_id)
    assert result["type"] == "abort"
    assert result["reason"] == "cannot_connect"
    p1.device.clear_fault()
    result = await run_fix(hass, hass_client, issue_id)
    assert result["type"] == "create_entry"
    assert p1.device.cloud_enabled is True
    await hass.async_block_till_done()
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
    await hass.config_entries.async_unload(entry.entry_id)


async def test_fix_flow_of_an_unloaded_entry_only_confirms(hass: HomeAssistant) -> None:
    flow = await async_create_fix_flow(
        hass, "api_v1_enabled_missing", {"entry_id": "missing"}
    )
    assert type(flow).__name__ == "ConfirmRepairFlow"
    flow = await async_create_fix_flow(hass, "api_v1_enabled_missing", None)
    assert type(flow).__name__ == "ConfirmRepairFlow"


async def test_rejected_token_raises_only_the_reauth_flow(
    hass: HomeAssistant, start_device: StartDevice
) -> None:
    """HA's re-authentication is the one place that says so: no issue of ours repeats it."""
    p1 = await start_device("battery")
    p1.device.revoke_all_tokens()
    entry = await set_up(hass, p1.entry(**POLL))
    assert any(entry.async_get_active_flows(hass, {SOURCE_REAUTH}))
    ours = [
        issue_id for (domain, issue_id) in ir.async_get(hass).issues if domain == DOMAIN
    ]
    assert ours == []


async def test_diagnostics_are_redacted(
    hass: HomeAssistant, start_device: StartDevice
) -> None:
    p1 = await start_device("p1_3phase")
    entry = await set_up(hass, p1.entry(**POLL))
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    text = json.dumps(diagnostics, default=str)
    for secret in (p1.token, p1.device.serial, p1.host, "My Wi-Fi", p1.device.identity):
        assert secret not in text
    for meter in diagnostics["measurement"]["external"]:
        assert meter["unique_id"] == "**REDACTED**"
    assert diagnostics["measurement"]["unique_id"] == "**REDACTED**"
    assert diagnostics["measurement"]["power_w"] is not None
    await hass.config_entries.async_unload(entry.entry_id)
