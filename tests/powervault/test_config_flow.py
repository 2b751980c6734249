"""Config flow: cloud (key, unit), local (address), errors, reauth, reconfigure, options."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
import socket
from typing import Any

from aiohttp import web
from homeassistant import config_entries
from homeassistant.config_entries import ConfigFlowResult
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.powervault.const import (
    CONF_API_KEY,
    CONF_CONNECTION,
    CONF_HOST,
    CONF_PLATFORM,
    CONF_POLL_INTERVAL,
    CONF_UNIT_ID,
    CONNECTION_CLOUD,
    CONNECTION_LOCAL,
    DEFAULT_POLL_INTERVAL,
    DEVELOPMENT_CLOUD_URL_ENV,
    DOMAIN,
    MAX_POLL_INTERVAL,
    MIN_POLL_INTERVAL,
)
from simulators.faults import Fault, FaultKind
from simulators.powervault import (
    DEFAULT_API_KEY,
    DEFAULT_UNIT_ID,
    DEFAULT_UNITS,
    PowervaultCloudSim,
    PowervaultLocalSim,
    UnitConfig,
)
from simulators.pytest_plugin import StartSimulator
from simulators.runner import RunningSimulator

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


# Helpers for the tests below


OTHER_KEY = "other-account-key"
OTHER_UNIT = UnitConfig("PV-2001", "P5", "5.0.3")
OTHER_LOCAL_UNIT = "00ffee11"


def closed_port() -> int:
    """Return a loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def serve_account(
    simulator: StartSimulator,
    monkeypatch: pytest.MonkeyPatch,
    units: Sequence[UnitConfig],
    api_key: str = DEFAULT_API_KEY,
) -> RunningSimulator[PowervaultCloudSim]:
    """Start a cloud holding `units` for `api_key`; the integration talks to it."""
    sim = await simulator(PowervaultCloudSim(units, api_key=api_key))
    monkeypatch.setenv(DEVELOPMENT_CLOUD_URL_ENV, sim.url)
    return sim


def field_names(result: ConfigFlowResult) -> list[str]:
    """Return the names of the form's fields."""
    schema = result["data_schema"]
    assert schema is not None
    return [str(key) for key in schema.schema]


def field_default(result: ConfigFlowResult, name: str) -> Any:
    """Return the default of the form's field `name`."""
    schema = result["data_schema"]
    assert schema is not None
    key = next(key for key in schema.schema if str(key) == name)
    return key.default()


@dataclass
class Foreign:
    """An HTTP server that is not a Powervault: canned answers per path, else 404.

    A text answer is served as an HTML page, anything else as JSON.
    """

    answers: dict[str, object]
    port: int = 0

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def handle(self, request: web.Request) -> web.Response:
        if request.path not in self.answers:
            return web.Response(status=404, text="<h1>Not Found</h1>")
        answer = self.answers[request.path]
        if isinstance(answer, str):
            return web.Response(text=answer, content_type="text/html")
        return web.json_response(answer)


@pytest.fixture(name="foreign")
async def fixture_foreign(socket_enabled: None) -> AsyncIterator[Foreign]:
    """Serve a `Foreign` server on 127.0.0.1 until the test ends."""
    server = Foreign({})
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", server.handle)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    server.port = runner.addresses[0][1]
    yield server
    await runner.cleanup()


# Menu


async def test_user_step_is_a_menu(hass: HomeAssistant) -> None:
    """The first step offers the cloud and the local API."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "user"
    assert result["menu_options"] == [CONNECTION_CLOUD, CONNECTION_LOCAL]


# Cloud


async def test_cloud_form_asks_for_the_key(hass: HomeAssistant, cloud: Cloud) -> None:
    """The cloud step is a form with the API key only, without errors."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": CONNECTION_CLOUD}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {}
    assert field_names(result) == [CONF_API_KEY]


async def test_cloud_single_unit_creates_entry_at_once(
    hass: HomeAssistant, simulator: StartSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An account with one unit skips the choice: the entry is that unit."""
    await serve_account(simulator, monkeypatch, [DEFAULT_UNITS[1]])
    flow = await start(hass, CONNECTION_CLOUD)
    result = await hass.config_entries.flow.async_configure(
        flow, {CONF_API_KEY: DEFAULT_API_KEY}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Powervault P5"
    assert result["result"].unique_id == "PV-1002"
    assert result["data"] == {
        CONF_CONNECTION: CONNECTION_CLOUD,
        CONF_API_KEY: DEFAULT_API_KEY,
        CONF_UNIT_ID: "PV-1002",
    }


async def test_cloud_account_without_units(
    hass: HomeAssistant, simulator: StartSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key whose account has no units is refused with `no_units`."""
    await serve_account(simulator, monkeypatch, [])
    flow = await start(hass, CONNECTION_CLOUD)
    result = await hass.config_entries.flow.async_configure(
        flow, {CONF_API_KEY: DEFAULT_API_KEY}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == CONNECTION_CLOUD
    assert result["errors"] == {"base": "no_units"}
    assert not hass.config_entries.async_entries(DOMAIN)


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault(FaultKind.STATUS, status=503), "cannot_connect"),
        (Fault(FaultKind.DROP), "cannot_connect"),
        (Fault(FaultKind.STATUS, status=403, path_prefix="/unit"), "invalid_auth"),
        (Fault(FaultKind.STATUS, status=429), "rate_limited"),
        (Fault(FaultKind.HTML), "cloud_error"),
        (Fault(FaultKind.MALFORMED, path_prefix="/unit"), "cloud_error"),
        (Fault(FaultKind.STATUS, status=404, path_prefix="/unit"), "cloud_error"),
    ],
    ids=lambda value: str(value.kind) if isinstance(value, Fault) else None,
)
async def test_cloud_errors_then_recovers(
    hass: HomeAssistant, cloud: Cloud, fault: Fault, error: str
) -> None:
    """A failing account or unit list shows its error; once it works, units are listed."""
    cloud.sim.device.set_fault(fault)
    flow = await start(hass, CONNECTION_CLOUD)
    result = await hass.config_entries.flow.async_configure(
        flow, {CONF_API_KEY: DEFAULT_API_KEY}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == CONNECTION_CLOUD
    assert result["errors"] == {"base": error}
    cloud.sim.device.clear_fault()
    result = await hass.config_entries.flow.async_configure(
        flow, {CONF_API_KEY: DEFAULT_API_KEY}
    )
    assert result["step_id"] == "pick_unit"


async def test_pick_unit_labels_and_choice(
    hass: HomeAssistant, simulator: StartSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Units are labelled with their model (or "Powervault"); only listed ids are taken."""
    nameless = UnitConfig("PV-3003", "", "1.0.0")
    await serve_account(simulator, monkeypatch, [DEFAULT_UNITS[0], nameless])
    flow = await start(hass, CONNECTION_CLOUD)
    result = await hass.config_entries.flow.async_configure(
        flow, {CONF_API_KEY: DEFAULT_API_KEY}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "pick_unit"
    schema = result["data_schema"]
    assert schema is not None
    assert schema.schema[CONF_UNIT_ID].config["options"] == [
        {"value": "PV-1001", "label": "PV-1001 (P4)"},
        {"value": "PV-3003", "label": "PV-3003 (Powervault)"},
    ]
    with pytest.raises(InvalidData):
        await hass.config_entries.flow.async_configure(flow, {CONF_UNIT_ID: "PV-9999"})
    result = await hass.config_entries.flow.async_configure(
        flow, {CONF_UNIT_ID: "PV-3003"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Powervault PV-3003"
    assert result["data"][CONF_UNIT_ID] == "PV-3003"


async def test_cloud_already_configured_updates_key(
    hass: HomeAssistant, cloud: Cloud
) -> None:
    """Adding a unit again aborts and saves the key just entered on its entry."""
    entry = cloud.entry()
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, CONF_API_KEY: "old-key"}
    )
    flow = await start(hass, CONNECTION_CLOUD)
    result = await hass.config_entries.flow.async_configure(
        flow, {CONF_API_KEY: DEFAULT_API_KEY}
    )
    result = await hass.config_entries.flow.async_configure(
        flow, {CONF_UNIT_ID: CLOUD_UNIT}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data[CONF_API_KEY] == DEFAULT_API_KEY
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1


async def test_cloud_other_unit_of_configured_account(
    hass: HomeAssistant, cloud: Cloud
) -> None:
    """The account's second unit becomes a second entry."""
    cloud.entry().add_to_hass(hass)
    flow = await start(hass, CONNECTION_CLOUD)
    await hass.config_entries.flow.async_configure(
        flow, {CONF_API_KEY: DEFAULT_API_KEY}
    )
    result = await hass.config_entries.flow.async_configure(
        flow, {CONF_UNIT_ID: "PV-1002"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Powervault P5"
    assert len(hass.config_entries.async_entries(DOMAIN)) == 2


# Local


async def test_local_form_asks_for_the_host(hass: HomeAssistant) -> None:
    """The local step is a form with the host only, without errors."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": CONNECTION_LOCAL}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {}
    assert field_names(result) == [CONF_HOST]


async def test_local_closed_port(hass: HomeAssistant, local: Local) -> None:
    """Nothing listening at the address: `cannot_connect`, and no entry."""
    flow = await start(hass, CONNECTION_LOCAL)
    result = await hass.config_entries.flow.async_configure(
        flow, {CONF_HOST: f"127.0.0.1:{closed_port()}"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}
    assert not hass.config_entries.async_entries(DOMAIN)


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault(FaultKind.STATUS, status=503), "cannot_connect"),
        (Fault(FaultKind.DROP, path_prefix="/api/unit-id"), "cannot_connect"),
        (Fault(FaultKind.VENDOR_ERROR, path_prefix="/api/health"), "not_powervault"),
        (Fault(FaultKind.MALFORMED, path_prefix="/api/platform"), "not_powervault"),
        (Fault(FaultKind.EMPTY, path_prefix="/api/unit-id"), "not_powervault"),
    ],
    ids=lambda value: str(value.kind) if isinstance(value, Fault) else None,
)
async def test_local_errors_then_recovers(
    hass: HomeAssistant, local: Local, fault: Fault, error: str
) -> None:
    """A failing health, unit id or platform shows its error; once it works, the entry."""
    local.sim.device.set_fault(fault)
    flow = await start(hass, CONNECTION_LOCAL)
    result = await hass.config_entries.flow.async_configure(
        flow, {CONF_HOST: local.host}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": error}
    local.sim.device.clear_fault()
    result = await hass.config_entries.flow.async_configure(
        flow, {CONF_HOST: local.host}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_UNIT_ID] == DEFAULT_UNIT_ID


@pytest.mark.parametrize(
    "answers",
    [
        pytest.param(
            {"/api/health": "<html>Router login</html>"},
            id="html",
        ),
        pytest.param(
            {"/api/health": {"status": "degraded"}},
            id="unhealthy",
        ),
        pytest.param(
            {"/api/health": ["ok"]},
            id="not-an-object",
        ),
        pytest.param(
            {
                "/api/health": {"status": "ok"},
                "/api/unit-id": {"serial": "x"},
            },
            id="no-uid",
        ),
        pytest.param(
            {
                "/api/health": {"status": "ok"},
                "/api/unit-id": {"uid": "abc"},
            },
            id="no-platform",
        ),
        pytest.param({}, id="not-found"),
    ],
)
async def test_local_not_a_powervault(
    hass: HomeAssistant, foreign: Foreign, answers: dict[str, object]
) -> None:
    """Another HTTP server at the address is `not_powervault`, and no entry is made."""
    foreign.answers = answers
    flow = await start(hass, CONNECTION_LOCAL)
    result = await hass.config_entries.flow.async_configure(
        flow, {CONF_HOST: foreign.host}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "not_powervault"}
    assert not hass.config_entries.async_entries(DOMAIN)


async def test_local_p3x_title_and_data(
    hass: HomeAssistant, simulator: StartSimulator
) -> None:
    """A P3X (upper-case platform name) makes "Powervault P3X" with its data."""
    sim = await simulator(PowervaultLocalSim("p3x", unit_id=OTHER_LOCAL_UNIT))
    host = f"127.0.0.1:{sim.port}"
    flow = await start(hass, CONNECTION_LOCAL)
    result = await hass.config_entries.flow.async_configure(
        flow, {CONF_HOST: f"  {host} "}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Powervault P3X"
    assert result["data"] == {
        CONF_CONNECTION: CONNECTION_LOCAL,
        CONF_HOST: host,
        CONF_UNIT_ID: OTHER_LOCAL_UNIT,
        CONF_PLATFORM: "p3x",
    }


# Reauth and reconfigure of a cloud entry: both ask for the key of the same unit

KEY_FLOWS = pytest.mark.parametrize(
    ("source", "reason"),
    [("reauth", "reauth_successful"), ("reconfigure", "reconfigure_successful")],
)


async def start_key_flow(
    hass: HomeAssistant, entry: MockConfigEntry, source: str
) -> ConfigFlowResult:
    """Start a reauth or reconfigure flow of `entry`."""
    if source == "reauth":
        return await entry.start_reauth_flow(hass)
    return await entry.start_reconfigure_flow(hass)


@KEY_FLOWS
async def test_new_key_is_saved(
    hass: HomeAssistant, cloud: Cloud, source: str, reason: str
) -> None:
    """After a key change at Powervault a rejected key is refused, the new one saved."""
    entry = cloud.entry()
    entry.add_to_hass(hass)
    cloud.sim.device.api_key = "rotated-key"
    result = await start_key_flow(hass, entry, source)
    assert result["type"] is FlowResultType.FORM
    assert field_names(result) == [CONF_API_KEY]
    if source == "reauth":
        assert result["step_id"] == "reauth_confirm"
        placeholders = result["description_placeholders"]
        assert placeholders is not None
        assert placeholders["title"] == "Powervault P4"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: DEFAULT_API_KEY}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    assert entry.data[CONF_API_KEY] == DEFAULT_API_KEY
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: " rotated-key "}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == reason
    assert entry.data[CONF_API_KEY] == "rotated-key"
    await hass.async_block_till_done()


@KEY_FLOWS
async def test_key_of_another_account(
    hass: HomeAssistant,
    cloud: Cloud,
    simulator: StartSimulator,
    monkeypatch: pytest.MonkeyPatch,
    source: str,
    reason: str,
) -> None:
    """A key that works but does not reach this entry's unit is `wrong_unit`."""
    entry = cloud.entry()
    entry.add_to_hass(hass)
    await serve_account(simulator, monkeypatch, [OTHER_UNIT], api_key=OTHER_KEY)
    result = await start_key_flow(hass, entry, source)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: OTHER_KEY}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "wrong_unit"}
    assert entry.data[CONF_API_KEY] == DEFAULT_API_KEY


async def test_reauth_cloud_unreachable(
    hass: HomeAssistant, cloud: Cloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unreachable cloud during reauth is `cannot_connect`; the key is kept."""
    entry = cloud.entry()
    entry.add_to_hass(hass)
    monkeypatch.setenv(DEVELOPMENT_CLOUD_URL_ENV, f"http://127.0.0.1:{closed_port()}")
    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: "new-key"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}
    assert entry.data[CONF_API_KEY] == DEFAULT_API_KEY


# Reconfigure


async def test_reconfigure_local_new_address(hass: HomeAssistant, local: Local) -> None:
    """The form shows the old address; bad or dead ones are refused, the new one saved."""
    entry = local.entry()
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, CONF_HOST: "10.0.0.9"}
    )
    result = await entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert field_names(result) == [CONF_HOST]
    assert field_default(result, CONF_HOST) == "10.0.0.9"
    flow = result["flow_id"]
    result = await hass.config_entries.flow.async_configure(
        flow, {CONF_HOST: "bad host/x"}
    )
    assert result["errors"] == {"base": "invalid_host"}
    result = await hass.config_entries.flow.async_configure(
        flow, {CONF_HOST: f"127.0.0.1:{closed_port()}"}
    )
    assert result["errors"] == {"base": "cannot_connect"}
    assert entry.data[CONF_HOST] == "10.0.0.9"
    result = await hass.config_entries.flow.async_configure(
        flow, {CONF_HOST: f" {local.host} "}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data[CONF_HOST] == local.host
    await hass.async_block_till_done()


async def test_reconfigure_local_not_a_powervault(
    hass: HomeAssistant, local: Local, foreign: Foreign
) -> None:
    """Another HTTP server at the new address is `not_powervault`; the host is kept."""
    entry = local.entry()
    entry.add_to_hass(hass)
    foreign.answers = {"/api/health": "<html>NAS</html>"}
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: foreign.host}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "not_powervault"}
    assert entry.data[CONF_HOST] == local.host


async def test_reconfigure_local_other_unit(
    hass: HomeAssistant, local: Local, simulator: StartSimulator
) -> None:
    """An address answering for another unit is `wrong_unit`; the host is kept."""
    entry = local.entry()
    entry.add_to_hass(hass)
    other = await simulator(PowervaultLocalSim("p3", unit_id=OTHER_LOCAL_UNIT))
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: f"127.0.0.1:{other.port}"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "wrong_unit"}
    assert entry.data[CONF_HOST] == local.host
    assert entry.unique_id == DEFAULT_UNIT_ID


# Options


@pytest.mark.parametrize(
    ("options", "shown"),
    [({}, DEFAULT_POLL_INTERVAL), ({CONF_POLL_INTERVAL: 45}, 45)],
    ids=["default", "saved"],
)
async def test_options_form_shows_interval(
    hass: HomeAssistant, local: Local, options: dict[str, int], shown: int
) -> None:
    """The form shows the saved interval, else the default."""
    entry = local.entry(**options)
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "init"
    assert field_default(result, CONF_POLL_INTERVAL) == shown


@pytest.mark.parametrize("seconds", [MIN_POLL_INTERVAL, MAX_POLL_INTERVAL])
async def test_options_accepts_bounds(
    hass: HomeAssistant, local: Local, seconds: int
) -> None:
    """Both ends of the range are saved, as whole seconds."""
    entry = local.entry()
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_POLL_INTERVAL: float(seconds)}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {CONF_POLL_INTERVAL: seconds}
    assert isinstance(entry.options[CONF_POLL_INTERVAL], int)


@pytest.mark.parametrize("seconds", [MIN_POLL_INTERVAL - 1, MAX_POLL_INTERVAL + 1])
async def test_options_rejects_out_of_range(
    hass: HomeAssistant, local: Local, seconds: int
) -> None:
    """An interval outside the range is refused and nothing is saved."""
    entry = local.entry(**{CONF_POLL_INTERVAL: 20})
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    with pytest.raises(InvalidData):
        await hass.config_entries.options.async_configure(
            result["flow_id"], {CONF_POLL_INTERVAL: seconds}
        )
    assert entry.options == {CONF_POLL_INTERVAL: 20}


async def test_blank_key_is_rejected_without_a_call(
    hass: HomeAssistant, cloud: Cloud
) -> None:
    """A key of spaces is `invalid_auth` at once, in set-up, reauth and reconfigure."""
    flow = await start(hass, CONNECTION_CLOUD)
    result = await hass.config_entries.flow.async_configure(flow, {CONF_API_KEY: "  "})
    assert result["errors"] == {"base": "invalid_auth"}
    entry = cloud.entry()
    entry.add_to_hass(hass)
    for start_flow in (entry.start_reauth_flow, entry.start_reconfigure_flow):
        result = await start_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_API_KEY: " "}
        )
        assert result["errors"] == {"base": "invalid_auth"}
    assert entry.data[CONF_API_KEY] == DEFAULT_API_KEY
    assert cloud.sim.device.requests == {}
