"""Config flow: set up, every error, reauth, reconfigure and options."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant import config_entries
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest

from custom_components.apsystems_openapi.const import (
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
    DOMAIN,
)
from simulators.apsystems import APP_ID, APP_SECRET, SID
from simulators.faults import Fault, FaultKind

from .conftest import LONDON, Cloud, set_up


def user_input(cloud: Cloud, **changes: str) -> dict[str, Any]:
    return {
        CONF_APP_ID: APP_ID,
        CONF_APP_SECRET: APP_SECRET,
        CONF_SID: SID,
        CONF_BASE_URL: cloud.url,
        **changes,
    }


async def test_user_creates_entry(hass: HomeAssistant, cloud: Cloud) -> None:
    """One call proves the credentials; the entry keeps the system's timezone."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**user_input(cloud), CONF_SID: f" {SID} "}
    )
    assert result.get("errors") is None
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == SID
    assert result["data"][CONF_SID] == SID
    assert result["data"][CONF_TIMEZONE] == LONDON
    assert result["data"]["flow_calls"]["count"] == 1
    await hass.async_block_till_done()
    assert result["result"].runtime_data.calls_used() == cloud.calls(), (
        "the flow's call and the setup's are counted"
    )


async def test_flow_calls_count_in_the_systems_month(
    hass: HomeAssistant, cloud: Cloud, freezer: FrozenDateTimeFactory
) -> None:
    """At 00:30 on 1 July in London (the system), HA in Los Angeles is still in June."""
    await hass.config.async_set_time_zone("America/Los_Angeles")
    freezer.move_to(datetime(2026, 6, 30, 23, 30, tzinfo=UTC))
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input(cloud)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["flow_calls"] == {"month": "2026-07", "count": 1}
    assert cloud.cloud.month_of(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == "2026-07"
    await hass.async_block_till_done()


BAD_SECRET = "wrongsecret!"


@pytest.mark.parametrize(
    ("changes", "fault", "error"),
    [
        ({CONF_APP_ID: "f" * 32}, None, "invalid_auth"),
        ({CONF_APP_SECRET: BAD_SECRET}, None, "signature_rejected"),
        (
            {},
            Fault(FaultKind.VENDOR_ERROR, body={"code": 2004, "data": None}),
            "no_permission",
        ),
        (
            {},
            Fault(FaultKind.VENDOR_ERROR, body={"code": 2005, "data": None}),
            "quota_exhausted",
        ),
        (
            {},
            Fault(FaultKind.VENDOR_ERROR, body={"code": 7002, "data": None}),
            "rate_limited",
        ),
        (
            {},
            Fault(FaultKind.VENDOR_ERROR, body={"code": 1001, "data": None}),
            "unknown_system",
        ),
        ({}, Fault(FaultKind.HTML), "invalid_response"),
        ({}, Fault(FaultKind.STATUS, status=503), "cannot_connect"),
        ({CONF_BASE_URL: "http://127.0.0.1:9"}, None, "cannot_connect"),
    ],
)
async def test_user_errors_then_recovers(
    hass: HomeAssistant,
    cloud: Cloud,
    changes: dict[str, str],
    fault: Fault | None,
    error: str,
) -> None:
    """Each failure shows its own error; correcting it creates the entry."""
    if fault is not None:
        cloud.cloud.set_fault(fault)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input(cloud, **changes)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": error}
    cloud.cloud.clear_fault()
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input(cloud)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_user_already_configured(hass: HomeAssistant, cloud: Cloud) -> None:
    """A second entry for the same SID aborts before any call."""
    cloud.entry().add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input(cloud)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert cloud.calls() == 0


async def test_reauth_with_new_secret(hass: HomeAssistant, cloud: Cloud) -> None:
    """Reauth asks for the secret again; a wrong one is refused, the right one saved."""
    entry = cloud.entry()
    await set_up(hass, entry)
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, CONF_APP_SECRET: BAD_SECRET}
    )
    result = await entry.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"
    used = entry.runtime_data.calls_used()
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_APP_ID: APP_ID, CONF_APP_SECRET: BAD_SECRET, CONF_BASE_URL: cloud.url},
    )
    assert result["errors"] == {"base": "signature_rejected"}
    assert entry.runtime_data.calls_used() == used + 1, "the flow's call is counted"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_APP_ID: APP_ID, CONF_APP_SECRET: APP_SECRET, CONF_BASE_URL: cloud.url},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data[CONF_APP_SECRET] == APP_SECRET


async def test_reconfigure(hass: HomeAssistant, cloud: Cloud) -> None:
    """Reconfigure keeps the SID: another one aborts, the same one is saved."""
    entry = cloud.entry()
    await set_up(hass, entry)
    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input(cloud, **{CONF_SID: "OTHER1234567"})
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_system"

    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input(cloud, **{CONF_APP_SECRET: BAD_SECRET})
    )
    assert result["errors"] == {"base": "signature_rejected"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input(cloud)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"


async def test_options(hass: HomeAssistant, cloud: Cloud) -> None:
    """The options are saved as whole numbers and the entry reloads with them."""
    entry = cloud.entry()
    await set_up(hass, entry)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_PLANNING: "fixed",
            CONF_INTERVAL: 1800.0,
            CONF_SUNRISE_OFFSET: 30.0,
            CONF_SUNSET_OFFSET: 0.0,
            CONF_QUOTA: 1000.0,
            CONF_RESERVE: 20.0,
            CONF_INVERTER_DETAIL: False,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.options[CONF_INTERVAL] == 1800
    assert isinstance(entry.options[CONF_INTERVAL], int)
    assert entry.runtime_data.plan.settings.fixed_interval is not None
    assert entry.runtime_data.plan.settings.inverter_detail is False
