"""Websocket push: handshake, typed updates, reconnects, revoked tokens, stale sockets."""

import asyncio

import pytest

from energy_api.errors import AuthenticationError, InvalidResponseError
from energy_api.homewizard import (
    Backoff,
    Batteries,
    HomeWizardWebSocket,
    Measurement,
    System,
    Topic,
    Update,
    pacing,
    parse_frame,
)

from .conftest import Connect, Connected

FAST = Backoff(base=0.01, maximum=0.05)


async def wait_for(condition: object, seconds: float = 5.0) -> None:
    async with asyncio.timeout(seconds):
        while not condition():  # type: ignore[operator]
            await asyncio.sleep(0.01)


async def test_pushes_typed_updates_and_reconnects(connect: Connect) -> None:
    p1 = await connect("p1_3phase", push_interval=0.05)
    updates: list[Update] = []
    states: list[bool] = []
    socket = HomeWizardWebSocket(
        p1.client, updates.append, on_connection=states.append, backoff=FAST
    )
    task = asyncio.create_task(socket.run())
    await wait_for(lambda: len([u for u in updates if isinstance(u, Measurement)]) >= 3)
    assert any(isinstance(u, System) for u in updates)
    assert any(isinstance(u, Batteries) for u in updates)
    assert states == [True]
    # The device drops the socket: we notice, reconnect, and say so.
    p1.device.close_websockets()
    await wait_for(lambda: states == [True, False, True])
    count = len(updates)
    await wait_for(lambda: len(updates) > count)
    await socket.stop()
    await asyncio.wait_for(task, 5)
    assert states == [True, False, True, False]


async def test_revoked_token_ends_with_authentication_error(connect: Connect) -> None:
    p1 = await connect("p1_3phase", push_interval=0.05)
    socket = HomeWizardWebSocket(
        p1.client, lambda update: None, backoff=FAST, topics=[Topic.MEASUREMENT]
    )
    task = asyncio.create_task(socket.run())
    await wait_for(lambda: socket.connected)
    p1.device.revoke_all_tokens()
    with pytest.raises(AuthenticationError):
        await asyncio.wait_for(task, 5)
    assert not socket.connected


async def test_silent_socket_counts_as_lost(connect: Connect) -> None:
    p1 = await connect("kwh1", push_interval=0.05)
    states: list[bool] = []
    socket = HomeWizardWebSocket(
        p1.client,
        lambda update: None,
        on_connection=states.append,
        stale_after=0.2,
        backoff=FAST,
    )
    task = asyncio.create_task(socket.run())
    await wait_for(lambda: states == [True])
    p1.device.push_enabled = False
    await wait_for(lambda: states[:2] == [True, False])
    p1.device.push_enabled = True
    await wait_for(lambda: states[-1] is True and len(states) >= 3)
    await socket.stop()
    await asyncio.wait_for(task, 5)


async def paced_socket(
    connect: Connect, min_interval: float
) -> tuple[Connected, list[float | None], HomeWizardWebSocket, asyncio.Task[None]]:
    """Run a socket on measurements of a P1 meter whose values move only when told."""
    p1 = await connect("p1_3phase", push_interval=0.02, clock=lambda: 1000.0)
    powers: list[float | None] = []
    socket = HomeWizardWebSocket(
        p1.client,
        lambda update: (
            powers.append(update.power_w) if isinstance(update, Measurement) else None
        ),
        topics=[Topic.MEASUREMENT],
        backoff=FAST,
        min_interval=min_interval,
    )
    task = asyncio.create_task(socket.run())
    await wait_for(lambda: len(powers) == 1)  # the value on subscribing
    return p1, powers, socket, task


async def test_min_interval_hands_over_fresh_measurements(
    connect: Connect, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pacing, "HELD_GRACE", 0.2)
    p1, powers, socket, task = await paced_socket(connect, 0.5)
    await asyncio.sleep(0.6)
    p1.device.set_power(100)
    await wait_for(lambda: powers[-1] == 100)
    # Pushes within the interval are held back; the last one comes after it.
    for watts in (101, 102, 103):
        p1.device.set_power(watts)
        await asyncio.sleep(0.05)
    assert powers[-1] == 100
    await wait_for(lambda: powers[-1] == 103)
    assert 101 not in powers
    assert 102 not in powers
    # The first push after the interval is handed over at once.
    await asyncio.sleep(0.6)
    p1.device.set_power(200)
    await wait_for(lambda: powers[-1] == 200, seconds=0.15)
    await socket.stop()
    await asyncio.wait_for(task, 5)


async def test_long_intervals_unsubscribe_between_measurements(
    connect: Connect, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pacing, "PAUSE_FROM", 0.5)
    monkeypatch.setattr(pacing, "RESUBSCRIBE_LEAD", 0.1)
    p1, powers, socket, task = await paced_socket(connect, 0.8)
    # The power changes every 20 ms for 2 s: about 100 pushes unpaced.
    for step in range(100):
        p1.device.set_power(step)
        await asyncio.sleep(0.02)
    # Paused between hand-overs: each interval costs the answer to subscribing and
    # the pushes of the short lead before the interval ends.
    assert p1.device.ws_frames["measurement"] <= 30
    assert 2 <= len(powers) <= 5
    # The last value still arrives, from the answer to the next subscribe.
    await wait_for(lambda: powers[-1] == 99)
    await socket.stop()
    await asyncio.wait_for(task, 5)


async def test_no_token_and_bad_token(connect: Connect) -> None:
    p1 = await connect("battery", token=False)
    with pytest.raises(AuthenticationError):
        await HomeWizardWebSocket(p1.client, lambda update: None, backoff=FAST).run()
    p1.client.token = "F" * 32
    with pytest.raises(AuthenticationError):
        await HomeWizardWebSocket(p1.client, lambda update: None, backoff=FAST).run()


def test_parse_frame() -> None:
    assert isinstance(
        parse_frame({"type": "measurement", "data": {"power_w": 3}}), Measurement
    )
    assert parse_frame({"type": "authorized"}) is None
    assert (
        parse_frame({"type": "error", "data": {"message": "request:unknown-type"}})
        is None
    )
    with pytest.raises(AuthenticationError):
        parse_frame({"type": "error", "data": {"message": "user:unauthorized"}})
    with pytest.raises(InvalidResponseError):
        parse_frame(["not", "an", "object"])
    with pytest.raises(InvalidResponseError):
        parse_frame({"type": "system", "data": "garbage"})
    assert all(0 <= Backoff().delay(n) <= 60 for n in range(1, 12))
