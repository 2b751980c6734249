"""Config flow: cloud (key, unit), local (address), errors, reauth, reconfigure, options."""

from __future__ import annotations

from homeassistant import config_entries
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest

from custom_components.powervault.const import (
    CONF_API_KEY,
    CONF_HOST,
    CONF_POLL_INTERVAL,
    CONF_UNIT_ID,
    DOMAIN,
)
from simulators.powervault import DEFAULT_API_KEY, DEFAULT_UNIT_ID

from .conftest import CLOUD_UNIT, Cloud, Local, set_up


async def start(hass: HomeAssistant, choice: str) -> str:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    assert result["type"] is FlowResultType.MENU
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": choice}
    )
    assert result["step_id"] == choice
    flow_id: str = result["flow_id"]
    return flow_id


async def test_cloud_picks_a_unit(hass: HomeAssistant, cloud: Cloud) -> None:
    """A wrong key is refused; the right one lists two units; the chosen one is the entry."""
    flow = await start(hass, "cloud")
    result = await hass.config_entries.flow.async_configure(
        flow, {CONF_API_KEY: "wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        flow, {CONF_API_KEY: f" {DEFAULT_API_KEY} "}
    )
    assert result["step_id"] == "pick_unit"
    result = await hass.config_entries.flow.async_configure(
        flow, {CONF_UNIT_ID: CLOUD_UNIT}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == CLOUD_UNIT
    assert result["data"][CONF_API_KEY] == DEFAULT_API_KEY


async def test_cloud_unreachable(
    hass: HomeAssistant, cloud: Cloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unreachable cloud says so."""
    monkeypatch.setenv("POWERVAULT_DEVELOPMENT_CLOUD_URL", "http://127.0.0.1:9")
    flow = await start(hass, "cloud")
    result = await hass.config_entries.flow.async_configure(
        flow, {CONF_API_KEY: DEFAULT_API_KEY}
    )
    assert result["errors"] == {"base": "cannot_connect"}


async def test_local_unit(hass: HomeAssistant, local: Local) -> None:
    """A P3's address: health, unit id and platform make the entry; a bad address is refused."""
    flow = await start(hass, "local")
    result = await hass.config_entries.flow.async_configure(
        flow, {CONF_HOST: "bad host/x"}
    )
    assert result["errors"] == {"base": "invalid_host"}
    result = await hass.config_entries.flow.async_configure(
        flow, {CONF_HOST: "127.0.0.1:9"}
    )
    assert result["errors"] == {"base": "cannot_connect"}
    result = await hass.config_entries.flow.async_configure(
        flow, {CONF_HOST: local.host}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == DEFAULT_UNIT_ID
    assert result["title"] == "Powervault P3"


async def test_local_already_configured_updates_host(
    hass: HomeAssistant, local: Local
) -> None:
    """The same unit at a new address updates the entry."""
    entry = local.entry()
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, CONF_HOST: "10.0.0.9"}
    )
    flow = await start(hass, "local")
    result = await hass.config_entries.flow.async_configure(
        flow, {CONF_HOST: local.host}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data[CONF_HOST] == local.host


async def test_reauth_and_reconfigure_cloud(hass: HomeAssistant, cloud: Cloud) -> None:
    """A new key must reach the same unit."""
    entry = cloud.entry()
    await set_up(hass, entry)
    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: "wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: DEFAULT_API_KEY}
    )
    assert result["reason"] == "reauth_successful"
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: DEFAULT_API_KEY}
    )
    assert result["reason"] == "reconfigure_successful"


async def test_reconfigure_local_and_options(hass: HomeAssistant, local: Local) -> None:
    """A new address of the same unit is saved; the poll interval is an option."""
    entry = local.entry()
    await set_up(hass, entry)
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: local.host}
    )
    assert result["reason"] == "reconfigure_successful"
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_POLL_INTERVAL: 15.0}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options[CONF_POLL_INTERVAL] == 15
