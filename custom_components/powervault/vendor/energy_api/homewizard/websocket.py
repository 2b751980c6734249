"""Push over the device's websocket `/api/ws`, reconnecting with backoff and jitter."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass
import json
import logging
import random
import ssl
from typing import Any

import aiohttp

from ..errors import (
    AuthenticationError,
    CannotConnectError,
    CertificateError,
    EnergyApiError,
    InvalidResponseError,
)
from ..redact import redact_text
from .client import HomeWizardClient
from .const import Topic
from .models import Batteries, Device, Measurement, System
from .pacing import Clock, Frame, MeasurementPacer, Timer

_LOGGER = logging.getLogger(__name__)

type Update = Measurement | System | Batteries | Device
_PARSERS: dict[str, Callable[[Any], Update]] = {
    "measurement": Measurement.from_json,
    "system": System.from_json,
    "batteries": Batteries.from_json,
    "device": Device.from_json,
}
DEFAULT_TOPICS = (Topic.MEASUREMENT, Topic.SYSTEM, Topic.BATTERIES)
# Seconds allowed to connect, and for each frame of the handshake.
CONNECT_TIMEOUT = 10.0
# OpenSSL's verify codes for a certificate that names another host name or address.
_NAME_MISMATCH = frozenset({62, 64})


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential backoff with full jitter between reconnects."""

    base: float = 1.0
    maximum: float = 60.0

    def delay(self, attempt: int) -> float:
        """Seconds to wait before reconnect number `attempt` (1-based)."""
        return random.uniform(0, min(self.maximum, self.base * 2 ** (attempt - 1)))  # noqa: S311


def decode_frame(text: str) -> Frame:
    """Return the JSON object in a text frame; raise `InvalidResponseError` otherwise."""
    try:
        frame = json.loads(text)
    except (ValueError, RecursionError) as err:  # RecursionError: nested too deeply
        raise InvalidResponseError("Websocket frame is not JSON") from err
    if not isinstance(frame, dict):
        raise InvalidResponseError("Websocket frame is not a JSON object")
    return frame


def parse_frame(frame: Any) -> Update | None:
    """Return the typed update in a pushed frame, or None for other frames."""
    if not isinstance(frame, dict):
        raise InvalidResponseError("Websocket frame is not a JSON object")
    kind = frame.get("type")
    if kind == "error":
        message = frame.get("data", {})
        text = message.get("message") if isinstance(message, dict) else message
        if text == "user:unauthorized":
            raise AuthenticationError(text)
        _LOGGER.debug("Device reported an error: %s", text)
        return None
    parser = _PARSERS.get(kind) if isinstance(kind, str) else None
    return None if parser is None else parser(frame.get("data"))


class HomeWizardWebSocket:
    """Keeps a subscription open and hands pushed updates to `on_update`.

    `on_connection` is told True once subscribed, and False when the connection is
    lost or `run` ends, however. A connection that receives nothing for `stale_after`
    seconds (plus `min_interval`) counts as lost; after `heartbeat` silent seconds it is
    pinged, and the answer counts. A rejected token ends `run` with
    `AuthenticationError`; every other failure reconnects, after a backoff that starts
    over once a connection delivered pushes. A frame that cannot be read, and an error
    raised by `on_update`, are logged and skipped.

    With `min_interval`, measurements (pushed about once a second) are handed over at
    most that often, each fresh; see `MeasurementPacer`.
    """

    def __init__(
        self,
        client: HomeWizardClient,
        on_update: Callable[[Update], None],
        *,
        on_connection: Callable[[bool], None] | None = None,
        topics: Iterable[Topic] = DEFAULT_TOPICS,
        heartbeat: float = 30.0,
        stale_after: float = 15.0,
        backoff: Backoff | None = None,
        min_interval: float = 0.0,
    ) -> None:
        """Prepare; nothing connects before `run`."""
        self._client = client
        self._on_update = on_update
        self._on_connection = on_connection
        self._topics = tuple(topics)
        self._heartbeat = heartbeat
        self._stale_after = stale_after
        self._backoff = backoff or Backoff()
        self._min_interval = min_interval
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._stopping = asyncio.Event()
        # Kinds of update received on this connection; a second of a kind makes it stable.
        self._seen: set[str] = set()
        self._stable = False
        self._skipped = False
        self._update_failed = False
        self.connected = False

    async def run(self) -> None:
        """Connect and reconnect until `stop` (or a rejected token)."""
        attempt = 0
        try:
            while not self._stopping.is_set():
                try:
                    await self._session()
                except AuthenticationError:
                    raise
                except EnergyApiError as err:
                    _LOGGER.debug("Websocket to %s: %s", self._client.host, err)
                self._set_connected(value=False)
                if self._stopping.is_set():
                    return
                # A device that reboots is back at once; one that keeps dropping waits longer.
                attempt = 1 if self._stable else attempt + 1
                await self._pause(self._backoff.delay(attempt))
        finally:
            self._set_connected(value=False)

    async def stop(self) -> None:
        """Close the connection and end `run`."""
        self._stopping.set()
        if self._ws is not None:
            await self._ws.close()

    async def _pause(self, seconds: float) -> None:
        """Wait `seconds`, or until `stop`."""
        with suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._stopping.wait()

    def _set_connected(self, *, value: bool) -> None:
        if self.connected != value:
            self.connected = value
            if self._on_connection is not None:
                self._on_connection(value)

    async def _session(self) -> None:
        """Run one connection until it closes; raise why it ended."""
        self._seen.clear()
        self._stable = False
        ws = await self._connect()
        self._ws = ws
        try:
            if self._stopping.is_set():
                return
            await self._authorize(ws)
            for topic in self._topics:
                await ws.send_json({"type": "subscribe", "data": str(topic)})
            self._set_connected(value=True)
            await self._receive(ws)
        except (aiohttp.ClientError, OSError) as err:
            raise CannotConnectError(self._describe(err)) from err
        finally:
            self._ws = None
            await ws.close()

    async def _connect(self) -> aiohttp.ClientWebSocketResponse:
        client = self._client
        try:
            async with asyncio.timeout(CONNECT_TIMEOUT):
                return await client.session.ws_connect(
                    client.ws_url,
                    ssl=client.ssl_context,
                    server_hostname=client.tls_name,
                    # No aiohttp heartbeat: `SilenceWatchdog` pings, and sees the answers.
                    autoping=False,
                    timeout=aiohttp.ClientWSTimeout(ws_close=5),
                )
        except aiohttp.ClientConnectorCertificateError as err:
            # aiohttp's text names the identity the certificate was checked against.
            raise CertificateError(
                _refused_certificate(client.host, err.certificate_error)
            ) from None
        except TimeoutError as err:
            raise CannotConnectError(
                f"No answer within {CONNECT_TIMEOUT:.0f} s"
            ) from err
        except (aiohttp.ClientError, OSError) as err:
            raise CannotConnectError(self._describe(err)) from err

    def _describe(self, err: Exception) -> str:
        """Return `err` as text, without the device's identity."""
        return redact_text(str(err) or type(err).__name__, [self._client.tls_name])

    async def _authorize(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        token = self._client.token
        if token is None:
            raise AuthenticationError("No token yet: pair with the device first")
        first = await self._handshake_frame(ws)
        if first.get("type") not in (
            "authorization_requested",
            "authentication_requested",
        ):
            raise InvalidResponseError(f"Unexpected first frame {first.get('type')!r}")
        await ws.send_json({"type": "authorization", "data": token})
        answer = await self._handshake_frame(ws)
        if answer.get("type") != "authorized":
            parse_frame(answer)
            raise AuthenticationError("Token not accepted on the websocket")

    async def _handshake_frame(self, ws: aiohttp.ClientWebSocketResponse) -> Frame:
        try:
            message = await _next_message(ws, CONNECT_TIMEOUT)
        except TimeoutError as err:
            raise CannotConnectError(
                f"No answer within {CONNECT_TIMEOUT:.0f} s"
            ) from err
        if message.type is not aiohttp.WSMsgType.TEXT:
            raise CannotConnectError(f"Websocket closed ({message.type.name})")
        return decode_frame(message.data)

    async def _receive(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        """Hand over pushes until the connection closes or stays silent too long."""
        # Paced measurements may pause for `min_interval`: silence until then is fine.
        limit = self._stale_after + self._min_interval
        pacer = None
        if self._min_interval:
            paused = tuple(
                str(topic)
                for topic in (Topic.MEASUREMENT, Topic.BATTERIES)
                if topic in self._topics
            )
            pacer = MeasurementPacer(
                self._min_interval,
                self._deliver,
                send=ws.send_json if Topic.MEASUREMENT in self._topics else None,
                paused=paused,
            )
        try:
            async with asyncio.timeout(None) as deadline:
                watchdog = SilenceWatchdog(ws, deadline, limit, self._heartbeat)
                try:
                    while not self._stopping.is_set():
                        message = await _next_message(ws)
                        watchdog.feed()
                        if message.type is aiohttp.WSMsgType.TEXT:
                            self._take(message.data, pacer)
                        elif message.type is not aiohttp.WSMsgType.PONG:
                            name = message.type.name
                            raise CannotConnectError(f"Websocket closed ({name})")
                finally:
                    watchdog.cancel()
        except TimeoutError as err:
            raise CannotConnectError(f"No data for {limit:.0f} s") from err
        finally:
            if pacer is not None:
                pacer.close()

    def _take(self, text: str, pacer: MeasurementPacer | None) -> None:
        """Take one pushed text frame: the hot path."""
        try:
            frame = decode_frame(text)
        except InvalidResponseError as err:
            self._skip(err)
            return
        if not self._stable:
            self._note(frame)
        now = frame if pacer is None else pacer.offer(frame)
        if now is not None:
            self._deliver(now)

    def _note(self, frame: Frame) -> None:
        """Note what came; the device answers each subscription at once, then pushes."""
        kind = frame.get("type")
        if isinstance(kind, str) and kind in _PARSERS:
            self._stable = kind in self._seen
            self._seen.add(kind)

    def _deliver(self, frame: Frame) -> None:
        """Hand a frame's update to `on_update`; what fails here is logged, not raised."""
        try:
            update = parse_frame(frame)
        except AuthenticationError:
            raise
        except Exception as err:  # noqa: BLE001 - one bad value must not end the push
            self._skip(err)
            return
        if update is None:
            return
        try:
            self._on_update(update)
        except Exception as err:  # noqa: BLE001 - nor must a consumer's bug
            self._update_error(err)

    def _skip(self, err: Exception) -> None:
        """Log a frame that could not be read, never its content (serials, meter ids)."""
        host, reason = self._client.host, type(err).__name__
        if self._skipped:
            _LOGGER.debug("Skipped another unreadable frame from %s (%s)", host, reason)
            return
        self._skipped = True
        _LOGGER.warning(
            "Skipped a frame from %s that could not be read (%s); "
            "more are logged at debug level",
            host,
            reason,
        )

    def _update_error(self, err: Exception) -> None:
        host = self._client.host
        if self._update_failed:
            _LOGGER.debug(
                "Handling an update from %s failed again (%s)", host, type(err).__name__
            )
            return
        self._update_failed = True
        _LOGGER.error(
            "Handling an update from %s failed; more are logged at debug level",
            host,
            exc_info=err,
        )


async def _next_message(
    ws: aiohttp.ClientWebSocketResponse, within: float | None = None
) -> aiohttp.WSMessage:
    """Return the next message, answering the device's pings on the way."""
    while (message := await ws.receive(within)).type is aiohttp.WSMsgType.PING:
        await ws.pong(message.data)
    return message


def _refused_certificate(host: str, error: Exception) -> str:
    """Say why the certificate of `host` was refused, without the names checked."""
    if isinstance(error, ssl.SSLCertVerificationError) and (
        error.verify_code not in _NAME_MISMATCH
    ):
        return f"The certificate of {host} is not trusted: {error.verify_message}"
    return f"The certificate of {host} does not name the paired device"


class SilenceWatchdog:
    """Ends a connection that received nothing for `limit` seconds.

    After `heartbeat` silent seconds it pings the device; the answer counts as life.
    One timer, moved on lazily, instead of a timeout per frame: pushes come about once a
    second, and a timeout costs more than the frame it guards. The connection is ended
    by expiring `deadline`, the timeout its receive loop runs in.
    """

    def __init__(
        self,
        ws: aiohttp.ClientWebSocketResponse,
        deadline: asyncio.Timeout,
        limit: float,
        heartbeat: float,
        *,
        clock: Clock | None = None,
    ) -> None:
        """Start watching `ws` on `clock` (the running loop by default)."""
        self._ws = ws
        self._deadline = deadline
        self._limit = limit
        self._heartbeat = heartbeat
        self._clock: Clock = clock or asyncio.get_running_loop()
        self._last = self._clock.time()
        self._pinged = False
        self._pinging: asyncio.Task[None] | None = None
        self._timer: Timer = self._clock.call_at(self._next_check(), self._check)

    def feed(self) -> None:
        """Note that something arrived."""
        self._last = self._clock.time()
        self._pinged = False

    def cancel(self) -> None:
        """Stop watching."""
        self._timer.cancel()
        if self._pinging is not None:
            self._pinging.cancel()

    def _next_check(self) -> float:
        if self._pinged or self._heartbeat >= self._limit:
            return self._last + self._limit
        return self._last + self._heartbeat

    def _check(self) -> None:
        now = self._clock.time()
        if now >= self._last + self._limit:
            self._deadline.reschedule(asyncio.get_running_loop().time())
            return
        if not self._pinged and now >= self._last + self._heartbeat:
            self._pinged = True
            self._pinging = asyncio.Task(
                self._ping(), loop=asyncio.get_running_loop(), eager_start=True
            )
        self._timer = self._clock.call_at(self._next_check(), self._check)

    async def _ping(self) -> None:
        with suppress(aiohttp.ClientError, OSError):  # the receive loop sees the end
            await self._ws.ping()
