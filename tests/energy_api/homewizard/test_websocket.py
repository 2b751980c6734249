"""Websocket push: handshake, typed updates, reconnects, revoked tokens, stale sockets."""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
import logging

import aiohttp
import pytest

from energy_api.errors import AuthenticationError, InvalidResponseError
from energy_api.homewizard import (
    Backoff,
    Batteries,
    HomeWizardClient,
    HomeWizardWebSocket,
    Measurement,
    System,
    Topic,
    Update,
    create_ssl_context,
    pacing,
    parse_frame,
)
from energy_api.homewizard.websocket import SilenceWatchdog, decode_frame
from simulators import Fault, FaultKind

from .conftest import Connect, Connected
from .test_pacing import FakeClock

FAST = Backoff(base=0.01, maximum=0.05)
WEBSOCKET_LOGGER = "energy_api.homewizard.websocket"


@dataclass(frozen=True)
class RecordedBackoff(Backoff):
    """Waits `seconds` (none by default) and records the attempts it was asked for."""

    seconds: float = 0.0
    attempts: list[int] = field(default_factory=list)

    def delay(self, attempt: int) -> float:
        self.attempts.append(attempt)
        return self.seconds


async def wait_for(condition: Callable[[], object], seconds: float = 5.0) -> None:
    async with asyncio.timeout(seconds):
        while not condition():
            await asyncio.sleep(0.01)


def equals(value: Callable[[], object], expected: object) -> Callable[[], bool]:
    """Return a condition: `value()` equals `expected`."""
    return lambda: value() == expected


async def retry_twice(client: HomeWizardClient) -> None:
    """Run a socket with `client` until it failed to connect twice."""
    backoff = RecordedBackoff()
    socket = HomeWizardWebSocket(client, ignore, backoff=backoff)
    task = asyncio.create_task(socket.run())
    await wait_for(lambda: len(backoff.attempts) >= 2)
    await socket.stop()
    await asyncio.wait_for(task, 5)


def ignore(update: Update) -> None:
    """Take no notice of an update."""


def power_recorder(powers: list[float | None]) -> Callable[[Update], None]:
    """Return an `on_update` that appends the power of each measurement to `powers`."""

    def on_update(update: Update) -> None:
        if isinstance(update, Measurement):
            powers.append(update.power_w)

    return on_update


def our_records(
    caplog: pytest.LogCaptureFixture, level: int | None = None
) -> list[logging.LogRecord]:
    return [
        record
        for record in caplog.records
        if record.name.startswith("energy_api")
        and (level is None or record.levelno == level)
    ]


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
    await wait_for(lambda: p1.device.ws_connections == 0)


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
    p1, powers, socket, task = await paced_socket(connect, 0.8)
    # The power changes every 20 ms for 2 s: about 100 pushes unpaced.
    for step in range(100):
        p1.device.set_power(step)
        await asyncio.sleep(0.02)
    # Paused between hand-overs: each interval costs about the answer to subscribing.
    assert p1.device.ws_frames["measurement"] <= 10
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


def test_decode_frame() -> None:
    assert decode_frame('{"type": "authorized"}') == {"type": "authorized"}
    for text in ('{"type": "measurement",', "[1, 2]", "[" * 500_000 + "]" * 500_000):
        with pytest.raises(InvalidResponseError):
            decode_frame(text)


async def test_unreadable_frames_are_skipped_without_their_content(
    connect: Connect, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="energy_api")
    p1 = await connect("p1_3phase", push_interval=0.02)
    serial = p1.device.serial
    bad: list[object] = []
    measurement = p1.device.measurement
    monkeypatch.setattr(
        p1.device, "measurement", lambda: bad[-1] if bad else measurement()
    )
    powers: list[float | None] = []
    states: list[bool] = []
    socket = HomeWizardWebSocket(
        p1.client,
        power_recorder(powers),
        on_connection=states.append,
        topics=[Topic.MEASUREMENT],
        backoff=FAST,
    )
    task = asyncio.create_task(socket.run())
    await wait_for(lambda: len(powers) == 1)

    def skipped(level: int) -> int:
        return sum("frame" in r.getMessage() for r in our_records(caplog, level))

    # The first unreadable frame is a warning, the next ones are for debugging.
    bad.append(f"meter {serial}")
    await wait_for(lambda: skipped(logging.WARNING) == 1)
    bad.append(["meter", serial])
    await wait_for(lambda: skipped(logging.DEBUG) == 1)
    bad.clear()
    p1.device.set_power(4321)
    await wait_for(lambda: powers[-1] == 4321)
    assert states == [True]
    assert skipped(logging.WARNING) == 1
    assert serial not in caplog.text
    await socket.stop()
    await asyncio.wait_for(task, 5)


async def test_a_failing_on_update_is_logged_once_and_push_goes_on(
    connect: Connect, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="energy_api")
    p1 = await connect("p1_3phase", push_interval=0.02)
    powers: list[float | None] = []
    states: list[bool] = []

    def on_update(update: Update) -> None:
        if isinstance(update, Measurement):
            powers.append(update.power_w)
            if len(powers) <= 3:
                raise ValueError("a bug in the consumer")

    socket = HomeWizardWebSocket(
        p1.client,
        on_update,
        on_connection=states.append,
        topics=[Topic.MEASUREMENT],
        backoff=FAST,
    )
    task = asyncio.create_task(socket.run())
    for watts in (1001, 1002, 1003, 1004):
        p1.device.set_power(watts)
        await wait_for(equals(lambda: powers[-1:], [watts]))
    assert states == [True]
    errors = our_records(caplog, logging.ERROR)
    assert len(errors) == 1
    assert errors[0].exc_info is not None
    assert "a bug in the consumer" in caplog.text
    assert sum("again" in r.getMessage() for r in our_records(caplog)) == 2
    await socket.stop()
    await asyncio.wait_for(task, 5)


async def test_whatever_ends_run_reports_the_connection_lost(connect: Connect) -> None:
    p1 = await connect("kwh1")
    states: list[bool] = []

    def on_connection(connected: bool) -> None:
        states.append(connected)
        if connected:
            raise RuntimeError("a bug in the consumer")

    socket = HomeWizardWebSocket(
        p1.client, ignore, on_connection=on_connection, backoff=FAST
    )
    with pytest.raises(RuntimeError):
        await asyncio.wait_for(socket.run(), 5)
    assert states == [True, False]
    assert not socket.connected
    await wait_for(lambda: p1.device.ws_connections == 0)


async def test_backoff_starts_over_once_a_connection_lived_on(
    connect: Connect,
) -> None:
    p1 = await connect("p1_3phase", push_interval=0.02)
    p1.device.push_enabled = False  # it answers subscribing, then sends nothing
    backoff = RecordedBackoff()
    powers: list[float | None] = []
    socket = HomeWizardWebSocket(
        p1.client, power_recorder(powers), topics=[Topic.MEASUREMENT], backoff=backoff
    )
    task = asyncio.create_task(socket.run())
    # Accepted, answered and dropped at once: each reconnect waits longer.
    for drops in (1, 2, 3):
        await wait_for(equals(lambda: len(powers), drops))
        p1.device.close_websockets()
        await wait_for(equals(lambda: len(backoff.attempts), drops))
    assert backoff.attempts == [1, 2, 3]
    # A connection that pushes after the answer lived on: after it, the first wait
    # is short again, as after a reboot.
    await wait_for(lambda: len(powers) == 4)
    p1.device.push_enabled = True
    p1.device.set_power(4321)
    await wait_for(lambda: powers[-1] == 4321)
    p1.device.close_websockets()
    await wait_for(lambda: len(backoff.attempts) == 4)
    assert backoff.attempts == [1, 2, 3, 1]
    await socket.stop()
    await asyncio.wait_for(task, 5)


async def test_stop_ends_the_wait_before_a_reconnect(connect: Connect) -> None:
    p1 = await connect("kwh1")
    backoff = RecordedBackoff(seconds=3600)
    socket = HomeWizardWebSocket(p1.client, ignore, backoff=backoff)
    task = asyncio.create_task(socket.run())
    await wait_for(lambda: socket.connected)
    p1.device.close_websockets()
    await wait_for(lambda: backoff.attempts == [1])
    await socket.stop()
    await asyncio.wait_for(task, 5)
    assert p1.device.ws_connections == 0


async def test_logs_and_errors_name_the_host_never_the_identity(
    connect: Connect, session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    p1 = await connect("p1_3phase")
    other = "appliance/p1dongle/0123456789ab"
    untrusted = await asyncio.get_running_loop().run_in_executor(
        None, create_ssl_context
    )
    clients = (
        # Another device answers at this address.
        HomeWizardClient(
            session,
            p1.host,
            ssl_context=p1.client.ssl_context,
            tls_name=other,
            token=p1.client.token,
        ),
        # A certificate not signed by HomeWizard (here: by the test CA).
        HomeWizardClient(
            session,
            p1.host,
            ssl_context=untrusted,
            tls_name=p1.client.tls_name,
            token=p1.client.token,
        ),
    )
    for client in clients:
        await retry_twice(client)
    text = "\n".join(r.getMessage() for r in our_records(caplog))
    assert f"The certificate of {p1.host} does not name the paired device" in text
    assert f"The certificate of {p1.host} is not trusted" in text
    for secret in (p1.device.serial, "0123456789ab", "appliance/"):
        assert secret not in text


async def test_watchdog_pings_a_silent_connection_and_ends_a_dead_one(
    connect: Connect,
) -> None:
    p1 = await connect("kwh1")
    client = p1.client
    async with client.session.ws_connect(
        client.ws_url,
        ssl=client.ssl_context,
        server_hostname=client.tls_name,
        autoping=False,
    ) as ws:
        # The device asks for the token, then waits: a silent connection.
        assert (await ws.receive_json())["type"] == "authorization_requested"
        with pytest.raises(TimeoutError):
            await watch(ws, FakeClock())


async def watch(ws: aiohttp.ClientWebSocketResponse, clock: FakeClock) -> None:
    """Watch a silent `ws` (limit 3 s, heartbeat 1 s) until the watchdog ends it."""
    async with asyncio.timeout(None) as deadline:
        watchdog = SilenceWatchdog(ws, deadline, limit=3, heartbeat=1, clock=clock)
        try:
            clock.advance(1)
            assert (await ws.receive()).type is aiohttp.WSMsgType.PONG
            watchdog.feed()
            # 3.5 s since the start, but the answer came 2.5 s ago.
            clock.advance(2.5)
            assert deadline.when() is None
            # Nothing read after that answer for 3 s: the connection counts as dead.
            clock.advance(0.5)
            await asyncio.Event().wait()
        finally:
            watchdog.cancel()


async def test_a_refused_websocket_is_retried_with_growing_waits(
    connect: Connect, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="energy_api")
    p1 = await connect("kwh1")
    p1.device.set_fault(Fault(FaultKind.DROP, path_prefix="/api/ws"))
    backoff = RecordedBackoff()
    states: list[bool] = []
    socket = HomeWizardWebSocket(
        p1.client, ignore, on_connection=states.append, backoff=backoff
    )
    task = asyncio.create_task(socket.run())
    await wait_for(lambda: len(backoff.attempts) >= 3)
    p1.device.clear_fault()
    await wait_for(lambda: socket.connected)
    await socket.stop()
    await asyncio.wait_for(task, 5)
    assert backoff.attempts[:3] == [1, 2, 3]
    assert states == [True, False]
    assert f"Websocket to {p1.host}: " in caplog.text


async def test_stop_while_connecting(connect: Connect) -> None:
    p1 = await connect("kwh1")
    states: list[bool] = []
    socket = HomeWizardWebSocket(p1.client, ignore, on_connection=states.append)
    task = asyncio.create_task(socket.run())
    await asyncio.sleep(0)  # the task starts connecting
    await socket.stop()
    await asyncio.wait_for(task, 5)
    assert states == []
    await wait_for(lambda: p1.device.ws_connections == 0)
