"""The HomeWizard simulator's WebSocket `/api/ws`."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest

from simulators import Fault, FaultKind
from simulators.homewizard.testing import FakeClock, HomeWizardClient

type StartHomeWizard = Callable[..., Awaitable[HomeWizardClient]]

TIMEOUT = 2.0
QUIET = 0.15


async def receive(ws: aiohttp.ClientWebSocketResponse) -> Any:
    return await ws.receive_json(timeout=TIMEOUT)


async def assert_quiet(ws: aiohttp.ClientWebSocketResponse) -> None:
    with pytest.raises(TimeoutError):
        await ws.receive(timeout=QUIET)


async def assert_closed(ws: aiohttp.ClientWebSocketResponse) -> None:
    msg = await ws.receive(timeout=TIMEOUT)
    assert msg.type in {aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED}


async def wait_for_connections(client: HomeWizardClient, count: int) -> None:
    for _ in range(int(TIMEOUT / 0.01)):
        if client.device.ws_connections == count:
            return
        await asyncio.sleep(0.01)
    assert client.device.ws_connections == count


async def test_handshake(homewizard: StartHomeWizard) -> None:
    client = await homewizard()
    ws = await client.ws()
    assert await receive(ws) == {
        "type": "authorization_requested",
        "data": {"api_version": "2.3.0"},
    }
    await ws.send_json({"type": "authorization", "data": client.token})
    assert await receive(ws) == {"type": "authorized"}
    await ws.send_json({"type": "authorization", "data": client.token})
    assert await receive(ws) == {"type": "authorized"}
    assert client.device.ws_connections == 1
    await ws.close()
    await wait_for_connections(client, 0)


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "authorization", "data": "WRONG"},
        {"type": "authorization", "data": 5},
        {"type": "subscribe", "data": "*"},
        "not json",
        b"binary",
    ],
)
async def test_bad_authorization_closes(
    homewizard: StartHomeWizard, frame: dict[str, Any] | str | bytes
) -> None:
    client = await homewizard()
    ws = await client.ws()
    await receive(ws)
    if isinstance(frame, dict):
        await ws.send_json(frame)
    elif isinstance(frame, str):
        await ws.send_str(frame)
    else:
        await ws.send_bytes(frame)
    assert await receive(ws) == {
        "type": "error",
        "data": {"message": "user:unauthorized"},
    }
    await assert_closed(ws)
    assert ws.close_code == aiohttp.WSCloseCode.POLICY_VIOLATION
    await wait_for_connections(client, 0)


async def test_authorization_timeout(homewizard: StartHomeWizard) -> None:
    client = await homewizard(ws_auth_timeout=0.05)
    ws = await client.ws()
    await receive(ws)
    await assert_closed(ws)
    await wait_for_connections(client, 0)


async def test_client_leaves_before_authorizing(homewizard: StartHomeWizard) -> None:
    client = await homewizard()
    ws = await client.ws()
    await receive(ws)
    await ws.close()
    await wait_for_connections(client, 0)


async def test_subscribe_push_unsubscribe(
    homewizard: StartHomeWizard, fake_clock: FakeClock
) -> None:
    client = await homewizard(push_interval=0.02)
    ws = await client.authorized_ws()
    await ws.send_json({"type": "subscribe", "data": "measurement"})
    first = await receive(ws)
    assert first["type"] == "measurement"
    assert first["data"]["timestamp"] == "2025-06-28T14:12:34"
    await assert_quiet(ws)  # frozen clock: nothing changed
    fake_clock.advance(1)
    second = await receive(ws)
    assert second["type"] == "measurement"
    assert second["data"]["power_w"] != first["data"]["power_w"]
    fake_clock.advance(1)
    third = await receive(ws)
    assert third["data"]["power_w"] != second["data"]["power_w"]
    await ws.send_json({"type": "unsubscribe", "data": "measurement"})
    await ws.send_json({"type": "unsubscribe", "data": "system"})
    await asyncio.sleep(0.05)
    fake_clock.advance(1)
    await assert_quiet(ws)
    await ws.close()


async def test_subscribe_everything(homewizard: StartHomeWizard) -> None:
    client = await homewizard()
    ws = await client.authorized_ws()
    await ws.send_json({"type": "subscribe", "data": "*"})
    frames = [await receive(ws) for _ in range(5)]
    assert [frame["type"] for frame in frames] == [
        "device",
        "measurement",
        "system",
        "batteries",
        "user",
    ]
    assert frames[0]["data"]["serial"] == client.device.serial
    assert frames[3]["data"]["mode"] == "zero"
    assert frames[4]["data"] == [{"name": "local/test", "current": True}]
    await ws.send_json({"type": "subscribe", "data": "system"})
    assert (await receive(ws))["type"] == "system"


async def test_battery_model_topics(homewizard: StartHomeWizard) -> None:
    client = await homewizard("battery")
    ws = await client.authorized_ws()
    await ws.send_json({"type": "subscribe", "data": "*"})
    types = [(await receive(ws))["type"] for _ in range(4)]
    assert types == ["device", "measurement", "system", "user"]
    await ws.send_json({"type": "subscribe", "data": "batteries"})
    assert await receive(ws) == {
        "type": "error",
        "data": {"message": "request:unknown-subscription"},
    }
    await ws.send_json({"type": "identify"})
    await ws.send_json({"type": "batteries"})
    assert await receive(ws) == {
        "type": "error",
        "data": {"message": "request:unknown-type"},
    }
    assert client.device.identify_count == 1


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        ({"type": "subscribe", "data": "weather"}, "request:unknown-subscription"),
        ({"type": "subscribe"}, "request:unknown-subscription"),
        ({"type": "unsubscribe", "data": 3}, "request:unknown-subscription"),
        ({"type": "dance"}, "request:unknown-type"),
        ({"data": 1}, "request:unknown-type"),
        ([1, 2], "request:invalid-json"),
        ("{", "request:invalid-json"),
        (b"{}", "request:invalid-json"),
        ({"type": "system", "data": {"x": 1}}, "json:no-parameters-recognized"),
        ({"type": "system", "data": 1}, "request:invalid-json"),
        ({"type": "measurement", "data": {}}, "json:no-parameters-recognized"),
        ({"type": "identify"}, "request:unknown-type"),
    ],
)
async def test_error_frames(
    homewizard: StartHomeWizard, frame: Any, message: str
) -> None:
    client = await homewizard("kwh1")
    ws = await client.authorized_ws()
    if isinstance(frame, bytes):
        await ws.send_bytes(frame)
    elif isinstance(frame, str):
        await ws.send_str(frame)
    else:
        await ws.send_json(frame)
    assert await receive(ws) == {"type": "error", "data": {"message": message}}
    await ws.send_json({"type": "device"})  # the socket stays usable
    assert (await receive(ws))["type"] == "device"


async def test_one_shot_and_set(homewizard: StartHomeWizard) -> None:
    client = await homewizard()
    ws = await client.authorized_ws()
    await ws.send_json({"type": "system"})
    assert (await receive(ws))["data"]["cloud_enabled"] is True
    await ws.send_json({"type": "system", "data": {"cloud_enabled": False}})
    assert (await receive(ws))["data"]["cloud_enabled"] is False
    await ws.send_json({"type": "batteries", "data": {"mode": "standby"}})
    assert (await receive(ws))["data"]["permissions"] == []
    await ws.send_json({"type": "user"})
    assert (await receive(ws))["data"] == [{"name": "local/test", "current": True}]
    await ws.send_json({"type": "identify"})
    await ws.send_json({"type": "measurement"})
    assert (await receive(ws))["type"] == "measurement"
    assert client.device.identify_count == 1
    await assert_quiet(ws)


async def test_changes_are_pushed(
    homewizard: StartHomeWizard, fake_clock: FakeClock
) -> None:
    client = await homewizard(push_interval=0.02, to_full_duration=20)
    ws = await client.authorized_ws()
    for topic in ("system", "batteries", "user"):
        await ws.send_json({"type": "subscribe", "data": topic})
        await receive(ws)
    client.device.set_power(0)
    pushed = await receive(ws)
    assert (pushed["type"], pushed["data"]["target_power_w"]) == ("batteries", 0)
    fake_clock.advance(5)  # uptime alone is not pushed
    await assert_quiet(ws)

    status, _ = await client.call("PUT", "/api/system", json={"cloud_enabled": False})
    assert status == 200
    pushed = await receive(ws)
    assert (pushed["type"], pushed["data"]["cloud_enabled"]) == ("system", False)

    await client.call("PUT", "/api/batteries", json={"mode": "to_full"})
    pushed = await receive(ws)
    assert (pushed["type"], pushed["data"]["mode"]) == ("batteries", "to_full")
    fake_clock.advance(20)
    pushed = await receive(ws)
    assert (pushed["type"], pushed["data"]["mode"]) == ("batteries", "zero")

    client.device.set_power(-500)  # target power changes
    pushed = await receive(ws)
    assert pushed["data"]["target_power_w"] == 500

    client.device.add_token(name="local/other")
    pushed = await receive(ws)
    assert pushed["type"] == "user"
    assert len(pushed["data"]) == 2


async def test_set_power_pushes_at_once(homewizard: StartHomeWizard) -> None:
    client = await homewizard(push_interval=30)
    ws = await client.authorized_ws()
    await ws.send_json({"type": "subscribe", "data": "measurement"})
    await receive(ws)
    client.device.set_power(4321)
    frame = await asyncio.wait_for(receive(ws), 0.5)
    assert frame["data"]["power_w"] == 4321


async def test_push_can_be_disabled(
    homewizard: StartHomeWizard, fake_clock: FakeClock
) -> None:
    client = await homewizard(push_interval=0.02)
    ws = await client.authorized_ws()
    await ws.send_json({"type": "subscribe", "data": "measurement"})
    await receive(ws)
    client.device.push_enabled = False
    fake_clock.advance(1)
    await assert_quiet(ws)
    assert not ws.closed
    await ws.send_json({"type": "measurement"})  # one-shot still answered
    assert (await receive(ws))["type"] == "measurement"
    client.device.push_enabled = True
    fake_clock.advance(1)
    assert (await receive(ws))["type"] == "measurement"


@pytest.mark.parametrize(
    "how", ["delete_own", "delete_by_other", "revoke_all", "replace"]
)
async def test_revoking_a_token_closes_its_sockets(
    homewizard: StartHomeWizard, how: str
) -> None:
    client = await homewizard()
    device = client.device
    other = device.add_token(name="local/other")
    ws = await client.authorized_ws()
    other_ws = await HomeWizardClient(
        client.sim, client.session, client.ssl, other
    ).authorized_ws()
    assert device.ws_connections == 2
    if how == "delete_own":
        status, _ = await client.call(
            "DELETE", "/api/user", json={"name": "local/test"}
        )
        assert status == 204
    elif how == "delete_by_other":
        await client.call(
            "DELETE", "/api/user", token=other, json={"name": "local/test"}
        )
    elif how == "revoke_all":
        device.revoke_all_tokens()
    else:
        device.add_token(name="local/test")
    assert await receive(ws) == {
        "type": "error",
        "data": {"message": "user:unauthorized"},
    }
    await assert_closed(ws)
    if how == "revoke_all":
        await receive(other_ws)
        await assert_closed(other_ws)
        await wait_for_connections(client, 0)
    else:
        await wait_for_connections(client, 1)
        await other_ws.send_json({"type": "device"})
        assert (await receive(other_ws))["type"] == "device"


@pytest.mark.parametrize("how", ["python", "control", "reboot"])
async def test_dropped_sockets(homewizard: StartHomeWizard, how: str) -> None:
    client = await homewizard()
    ws = await client.authorized_ws()
    unauthorized = await client.ws()
    await receive(unauthorized)
    assert client.device.ws_connections == 2
    if how == "python":
        client.device.close_websockets()
    elif how == "control":
        await client.call("POST", "/_sim/ws/close")
    else:
        await client.call("PUT", "/api/system/reboot")
    msg = await ws.receive(timeout=TIMEOUT)
    assert msg.type in {aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR}
    await wait_for_connections(client, 0)


async def test_ping_is_answered(homewizard: StartHomeWizard) -> None:
    client = await homewizard()
    ws = await client.authorized_ws(autoping=False)
    await ws.ping(b"hi")
    msg = await ws.receive(timeout=TIMEOUT)
    assert (msg.type, msg.data) == (aiohttp.WSMsgType.PONG, b"hi")


async def test_upgrade_is_faulted(homewizard: StartHomeWizard) -> None:
    client = await homewizard()
    client.device.set_fault(Fault(FaultKind.STATUS, status=503, count=1))
    with pytest.raises(aiohttp.WSServerHandshakeError) as info:
        await client.ws()
    assert info.value.status == 503
    ws = await client.authorized_ws()
    assert not ws.closed
    await ws.close()


async def test_upgrade_checks_api_version(homewizard: StartHomeWizard) -> None:
    client = await homewizard()
    with pytest.raises(aiohttp.WSServerHandshakeError) as info:
        await client.ws(headers={"X-Api-Version": "1"})
    assert info.value.status == 400


async def test_server_stop_closes_sockets(homewizard: StartHomeWizard) -> None:
    client = await homewizard()
    ws = await client.authorized_ws()
    await client.sim.stop()
    msg = await ws.receive(timeout=TIMEOUT)
    assert msg.type in {aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR}
    assert client.device.ws_connections == 0


async def test_real_clock_pushes_new_power_each_second(
    homewizard: StartHomeWizard,
) -> None:
    import time  # noqa: PLC0415

    now = [time.monotonic()]
    client = await homewizard(clock=lambda: now[0], push_interval=0.02)
    ws = await client.authorized_ws()
    await ws.send_json({"type": "subscribe", "data": "measurement"})
    powers = [(await receive(ws))["data"]["power_w"]]
    for _ in range(3):
        now[0] += 1.0
        powers.append((await receive(ws))["data"]["power_w"])
    assert len(set(powers)) == 4
