"""Repairs: a fixed interval over the quota, fixed by switching to automatic planning."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.apsystems_openapi.const import CONF_PLANNING, DOMAIN

from .conftest import Cloud, set_up


async def test_fixed_interval_over_quota_is_fixed(
    hass: HomeAssistant, cloud: Cloud, hass_client: ClientSessionGenerator
) -> None:
    """Every 30 min would exceed 1000 calls in June: the repair switches to automatic."""
    entry = cloud.entry(planning="fixed", scan_interval=1800)
    await set_up(hass, entry)
    issue_id = f"interval_over_quota_{entry.entry_id}"
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert int(issue.translation_placeholders["estimate"]) > 1000

    assert await async_setup_component(hass, "repairs", {})
    client = await hass_client()
    response = await client.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue_id}
    )
    flow = await response.json()
    assert flow["step_id"] == "confirm"
    response = await client.post(f"/api/repairs/issues/fix/{flow['flow_id']}", json={})
    assert (await response.json())["type"] == "create_entry"
    await hass.async_block_till_done()
    assert entry.options[CONF_PLANNING] == "auto"
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None


async def test_slow_fixed_interval_raises_nothing(
    hass: HomeAssistant, cloud: Cloud
) -> None:
    """Every 2 h fits in the quota: no repair."""
    entry = cloud.entry(planning="fixed", scan_interval=7200)
    await set_up(hass, entry)
    assert (
        ir.async_get(hass).async_get_issue(
            DOMAIN, f"interval_over_quota_{entry.entry_id}"
        )
        is None
    )
