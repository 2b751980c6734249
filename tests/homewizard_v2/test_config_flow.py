"""Config flow: user, pairing with progress, discovery, reauth, reconfigure, options."""

from __future__ import annotations

from ipaddress import ip_address
import json
from pathlib import Path
import re

from homeassistant.config_entries import SOURCE_USER, SOURCE_ZEROCONF
from homeassistant.const import CONF_HOST, CONF_TOKEN
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo
import pytest

from custom_components.homewizard_v2 import config_flow
from custom_components.homewizard_v2.const import (
    CONF_IDENTITY,
    CONF_MIN_WRITE_INTERVAL,
    CONF_POLL_INTERVAL,
    CONF_UPDATE_METHOD,
    DOMAIN,
)
from simulators import DemoMeter, Fault, FaultKind
from simulators.pytest_plugin import StartSimulator

from .conftest import StartDevice, set_up


async def start_user_flow(hass: HomeAssistant, host: str) -> dict:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: host}
    )


async def finish_pairing(hass: HomeAssistant, result: dict) -> dict:
    """Wait for the pairing task; the flow then moves on to the step after it."""
    assert result["type"] is FlowResultType.SHOW_PROGRESS
    await hass.async_block_till_done()
    return await hass.config_entries.flow.async_configure(result["flow_id"])


@pytest.fixture(autouse=True)
def fast_pairing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ask for a token every 10 ms and give up after a second."""
    monkeypatch.setattr(config_flow, "PAIRING_INTERVAL", 0.01)
    monkeypatch.setattr(config_flow, "PAIRING_SECONDS", 1.0)


async def test_user_pairs_with_the_button(
    hass: HomeAssistant, start_device: StartDevice
) -> None:
    p1 = await start_device("p1_3phase")
    p1.device.press_button()
    result = await start_user_flow(hass, p1.host)
    assert result["progress_action"] == "press_button_p1"
    result = await finish_pairing(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "P1 meter"
    assert result["result"].unique_id == p1.device.serial
    data = result["data"]
    assert data[CONF_HOST] == p1.host
    assert data[CONF_IDENTITY] == p1.device.identity
    assert p1.device.token_valid(data[CONF_TOKEN])
    # The same device again: aborted, with its address updated.
    again = await start_user_flow(hass, p1.host)
    assert again["type"] is FlowResultType.ABORT
    assert again["reason"] == "already_configured"


@pytest.mark.parametrize(
    ("model", "hint"),
    [("kwh1", "press_button_kwh"), ("battery", "press_button_battery")],
)
async def test_button_hint_per_model(
    hass: HomeAssistant, start_device: StartDevice, model: str, hint: str
) -> None:
    device = await start_device(model)
    result = await start_user_flow(hass, device.host)
    assert result["progress_action"] == hint
    result = await finish_pairing(hass, result)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "pair_timeout"
    assert result["errors"] == {"base": "button_not_pressed"}
    # Try again, pressing this time.
    device.device.press_button()
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    result = await finish_pairing(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_pairing_interrupted(
    hass: HomeAssistant, start_device: StartDevice
) -> None:
    p1 = await start_device("p1_1phase")
    result = await start_user_flow(hass, p1.host)
    p1.device.set_fault(Fault(FaultKind.DROP, path_prefix="/api/user"))
    result = await finish_pairing(hass, result)
    assert result["step_id"] == "pair_failed"
    assert result["errors"] == {"base": "cannot_connect"}
    p1.device.clear_fault()
    p1.device.press_button()
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    result = await finish_pairing(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (400, {"error": "user:name-invalid"}, "user:name-invalid"),
        (401, {"error": "user:unauthorized"}, "user:unauthorized"),
    ],
)
async def test_pairing_refused_shows_the_device_reason(
    hass: HomeAssistant,
    start_device: StartDevice,
    status: int,
    body: dict[str, str],
    reason: str,
) -> None:
    p1 = await start_device("p1_1phase")
    result = await start_user_flow(hass, p1.host)
    p1.device.set_fault(
        Fault(FaultKind.STATUS, status=status, body=body, path_prefix="/api/user")
    )
    result = await finish_pairing(hass, result)
    assert result["step_id"] == "pair_failed"
    assert result["errors"] == {"base": "pairing_refused"}
    assert reason in result["description_placeholders"]["reason"]
    p1.device.clear_fault()
    p1.device.press_button()
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    result = await finish_pairing(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_device_stops_answering_after_pairing(
    hass: HomeAssistant, start_device: StartDevice
) -> None:
    p1 = await start_device("p1_1phase")
    p1.device.press_button()
    result = await start_user_flow(hass, p1.host)
    await hass.async_block_till_done()
    # The token arrived; then the device answers garbage before we read it.
    p1.device.set_fault(Fault(FaultKind.HTML, path_prefix="/api"))
    result = await hass.config_entries.flow.async_configure(result["flow_id"])
    assert result["step_id"] == "pair_failed"


async def test_user_errors(
    hass: HomeAssistant, simulator: StartSimulator, start_device: StartDevice
) -> None:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    flow_id = result["flow_id"]
    # Nothing listens there.
    demo = await simulator(DemoMeter())
    await demo.stop()
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_HOST: f"127.0.0.1:{demo.port}"}
    )
    assert result["errors"] == {"base": "cannot_connect"}
    # HTTPS with a certificate from another CA than the trusted one.
    other = await simulator(DemoMeter())
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_HOST: f"127.0.0.1:{other.port}"}
    )
    assert result["errors"] == {"base": "cannot_connect"}
    # HTTPS, trusted, but not a HomeWizard appliance certificate.
    tls_demo = await simulator(DemoMeter(), tls=True)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_HOST: f"127.0.0.1:{tls_demo.port}"}
    )
    assert result["errors"] == {"base": "invalid_certificate"}
    # A HomeWizard device that answers /api without asking for a token.
    p1 = await start_device("p1_3phase")
    p1.device.set_fault(
        Fault(FaultKind.STATUS, status=200, body={}, path_prefix="/api")
    )
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_HOST: p1.host}
    )
    assert result["errors"] == {"base": "not_v2"}
    p1.device.clear_fault()
    p1.device.press_button()
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_HOST: p1.host}
    )
    result = await finish_pairing(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_v1_only_device(hass: HomeAssistant, simulator: StartSimulator) -> None:
    from aiohttp import web  # noqa: PLC0415

    class V1Device(DemoMeter):
        def routes(self) -> list[web.RouteDef]:
            async def api(request: web.Request) -> web.Response:
                return web.json_response({"api_version": "v1"})

            return [web.get("/api", api)]

    v1 = await simulator(V1Device())
    result = await start_user_flow(hass, f"127.0.0.1:{v1.port}")
    assert result["errors"] == {"base": "v1_only"}


def zeroconf(host: str, identity: str, serial: str) -> ZeroconfServiceInfo:
    address, _, port = host.partition(":")
    return ZeroconfServiceInfo(
        ip_address=ip_address(address),
        ip_addresses=[ip_address("fe80::1"), ip_address(address)],
        hostname="p1meter-aabbcc.local.",
        name="p1meter-aabbcc._homewizard._tcp.local.",
        port=int(port),
        type="_homewizard._tcp.local.",
        properties={
            "id": identity,
            "serial": serial,
            "product_name": "P1 meter",
            "product_type": "HWE-P1",
            "api_version": "2.0.0",
        },
    )


async def test_zeroconf_discovery(
    hass: HomeAssistant, start_device: StartDevice, monkeypatch: pytest.MonkeyPatch
) -> None:
    p1 = await start_device("p1_3phase")
    info = zeroconf(p1.host, p1.device.identity, p1.device.serial)
    # Discovery carries no port; the simulator needs one.
    monkeypatch.setattr(ZeroconfServiceInfo, "host", property(lambda self: p1.host))
    monkeypatch.setattr(config_flow, "IPv4Address", type(None))
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=info
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "discovery_confirm"
    p1.device.press_button()
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    result = await finish_pairing(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    # Seen again at a new address: the entry follows it.
    entry = result["result"]
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, CONF_HOST: "192.0.2.1"}
    )
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=info
    )
    assert result["reason"] == "already_configured"
    assert entry.data[CONF_HOST] == p1.host


async def test_zeroconf_rejections(
    hass: HomeAssistant, start_device: StartDevice, monkeypatch: pytest.MonkeyPatch
) -> None:
    p1 = await start_device("p1_3phase")
    bad = zeroconf(p1.host, "appliance/p1dongle/other", p1.device.serial)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=bad
    )
    assert result["reason"] == "invalid_discovery_info"
    monkeypatch.setattr(ZeroconfServiceInfo, "host", property(lambda self: p1.host))
    monkeypatch.setattr(config_flow, "IPv4Address", type(None))
    battery = await start_device("battery")
    liar = zeroconf(p1.host, battery.device.identity, battery.device.serial)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=liar
    )
    assert result["reason"] == "invalid_certificate"
    p1.device.set_fault(Fault(FaultKind.DROP))
    info = zeroconf(p1.host, p1.device.identity, p1.device.serial)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=info
    )
    assert result["reason"] == "cannot_connect"


async def test_zeroconf_prefers_ipv4(
    hass: HomeAssistant, start_device: StartDevice
) -> None:
    p1 = await start_device("p1_3phase")
    info = zeroconf("127.0.0.1:1", p1.device.identity, p1.device.serial)
    info.ip_addresses.reverse()
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=info
    )
    # Port 443 on 127.0.0.1 answers nothing here: the IPv4 address was the one tried.
    assert result["reason"] == "cannot_connect"


async def test_reauth_pairs_again(
    hass: HomeAssistant, start_device: StartDevice
) -> None:
    p1 = await start_device("p1_3phase")
    entry = await set_up(hass, p1.entry())
    p1.device.revoke_all_tokens()
    result = await entry.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"
    p1.device.set_fault(Fault(FaultKind.DROP))
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["errors"] == {"base": "cannot_connect"}
    p1.device.clear_fault()
    p1.device.press_button()
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    result = await finish_pairing(hass, result)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert p1.device.token_valid(entry.data[CONF_TOKEN])
    await hass.async_block_till_done()
    await hass.config_entries.async_unload(entry.entry_id)


async def test_reauth_refuses_another_device(
    hass: HomeAssistant, start_device: StartDevice
) -> None:
    p1 = await start_device("p1_3phase")
    battery = await start_device("battery")
    entry = p1.entry()
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, CONF_HOST: battery.host}
    )
    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["reason"] == "wrong_device"


async def test_reconfigure(hass: HomeAssistant, start_device: StartDevice) -> None:
    p1 = await start_device("p1_3phase")
    moved = await start_device("p1_3phase")
    battery = await start_device("battery")
    entry = await set_up(hass, p1.entry())
    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "127.0.0.1:1"}
    )
    assert result["errors"] == {"base": "cannot_connect"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: battery.host}
    )
    assert result["reason"] == "wrong_device"
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: moved.host}
    )
    assert result["reason"] == "reconfigure_successful"
    assert entry.data[CONF_HOST] == moved.host
    await hass.async_block_till_done()
    await hass.config_entries.async_unload(entry.entry_id)


async def test_options(hass: HomeAssistant, start_device: StartDevice) -> None:
    p1 = await start_device("p1_3phase")
    entry = await set_up(hass, p1.entry())
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["step_id"] == "init"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_UPDATE_METHOD: "poll",
            CONF_POLL_INTERVAL: 10,
            CONF_MIN_WRITE_INTERVAL: 2,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.options[CONF_UPDATE_METHOD] == "poll"
    assert not entry.runtime_data.push_enabled
    await hass.config_entries.async_unload(entry.entry_id)


def test_cannot_connect_names_no_port() -> None:
    """The user may have typed any port: the text must not claim one."""
    strings = json.loads(
        (Path(config_flow.__file__).parent / "translations" / "en.json").read_text()
    )["config"]
    for text in (
        strings["error"]["cannot_connect"],
        strings["abort"]["cannot_connect"],
    ):
        assert not re.search(r"port \d+|:\d+", text)
