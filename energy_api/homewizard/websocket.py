"""Push over the device's websocket `/api/ws`, reconnecting with backoff and jitter."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass
import json
import logging
import random
from typing import Any

import aiohttp

from ..errors import (
    AuthenticationError,
    CannotConnectError,
    CertificateError,
    EnergyApiError,
    InvalidResponseError,
)
from .client import HomeWizardClient
from .const import Topic
from .models import Batteries, Device, Measurement, System
from .pacing import Frame, MeasurementPacer

_LOGGER = logging.getLogger(__name__)

type Update = Measurement | System | Batteries | Device
_PARSERS: dict[str, Callable[[Any], Update]] = {
    "measurement": Measurement.from_json,
    "system": System.from_json,
    "batteries": Batteries.from_json,
    "device": Device.from_json,
}
DEFAULT_TOPICS = (Topic.MEASUREMENT, Topic.SYSTEM, Topic.BATTERIES)


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential backoff with full jitter between reconnects."""

    base: float = 1.0
    maximum: float = 60.0

    def delay(self, attempt: int) -> float:
        """Seconds to wait before reconnect number `attempt` (1-based)."""
        return random.uniform(0, min(self.maximum, self.base * 2 ** (attempt - 1)))  # noqa: S311


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

    `on_connection` is told True once subscribed and False when the connection is lost.
    A connection that stays silent for `stale_after` seconds counts as lost. A rejected
    token ends `run` with `AuthenticationError`; every other failure reconnects.

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
        self._sending: set[asyncio.Task[None]] = set()
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._stopped = False
        self.connected = False

    async def run(self) -> None:
        """Connect and reconnect until `stop` (or a rejected token)."""
        attempt = 0
        while True:
            try:
                await self._session()
                attempt = 0
            except AuthenticationError:
                self._set_connected(value=False)
                raise
            except EnergyApiError as err:
                _LOGGER.debug("Websocket to %s: %s", self._client.host, err)
            self._set_connected(value=False)
            if self._stopped:
                return
            attempt += 1
            await asyncio.sleep(self._backoff.delay(attempt))

    async def stop(self) -> None:
        """Close the connection and end `run`."""
        self._stopped = True
        if self._ws is not None:
            await self._ws.close()

    def _set_connected(self, *, value: bool) -> None:
        if self.connected != value:
            self.connected = value
            if self._on_connection is not None:
                self._on_connection(value)

    async def _session(self) -> None:
        """Run one connection until it closes; raise why it ended."""
        client = self._client
        try:
            async with client.session.ws_connect(
                client.ws_url,
                ssl=client.ssl_context,
                server_hostname=client.tls_name,
                heartbeat=self._heartbeat,
                timeout=aiohttp.ClientWSTimeout(ws_close=5),
            ) as ws:
                self._ws = ws
                await self._authorize(ws)
                for topic in self._topics:
                    await ws.send_json({"type": "subscribe", "data": str(topic)})
                self._set_connected(value=True)
                await self._receive(ws)
        except aiohttp.ClientConnectorCertificateError as err:
            raise CertificateError(str(err)) from err
        except (aiohttp.ClientError, TimeoutError) as err:
            raise CannotConnectError(str(err) or type(err).__name__) from err
        finally:
            self._ws = None

    async def _authorize(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        token = self._client.token
        if token is None:
            raise AuthenticationError("No token yet: pair with the device first")
        first = await self._next(ws, within=10)
        if first.get("type") not in (
            "authorization_requested",
            "authentication_requested",
        ):
            raise InvalidResponseError(f"Unexpected first frame {first.get('type')!r}")
        await ws.send_json({"type": "authorization", "data": token})
        answer = await self._next(ws, within=10)
        if answer.get("type") != "authorized":
            parse_frame(answer)
            raise AuthenticationError("Token not accepted on the websocket")

    async def _receive(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        # Paced measurements may pause for `min_interval`: silence until then is fine.
        watchdog = SilenceWatchdog(ws, self._stale_after + self._min_interval)
        pacer = None
        if self._min_interval:
            pacer = MeasurementPacer(
                self._min_interval,
                self._hand_over,
                lambda frame: self._send_soon(ws, frame),
                pause=Topic.MEASUREMENT in self._topics,
            )
        try:
            while not self._stopped:
                try:
                    frame = await self._next(ws)
                except CannotConnectError as err:
                    if watchdog.expired:
                        message = f"No data for {watchdog.limit:.0f} s"
                        raise CannotConnectError(message) from err
                    raise
                watchdog.feed()
                if pacer is None or not pacer.offer(frame):
                    self._hand_over(frame)
        finally:
            watchdog.cancel()
            if pacer is not None:
                pacer.close()

    def _hand_over(self, frame: Frame) -> None:
        update = parse_frame(frame)
        if update is not None:
            self._on_update(update)

    def _send_soon(self, ws: aiohttp.ClientWebSocketResponse, frame: Frame) -> None:
        """Send `frame` in the background; a connection closing meanwhile is fine."""

        async def send() -> None:
            with suppress(aiohttp.ClientError, ConnectionError):
                await ws.send_json(frame)

        task = asyncio.get_running_loop().create_task(send())
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def _next(
        self, ws: aiohttp.ClientWebSocketResponse, within: float | None = None
    ) -> dict[str, Any]:
        try:
            message = await ws.receive(timeout=within)
        except TimeoutError as err:
            raise CannotConnectError(f"No data for {within:.0f} s") from err
        if message.type is not aiohttp.WSMsgType.TEXT:
            raise CannotConnectError(f"Websocket closed ({message.type.name})")
        try:
            frame = json.loads(message.data)
        except ValueError as err:
            raise InvalidResponseError("Websocket frame is not JSON") from err
        if not isinstance(frame, dict):
            raise InvalidResponseError("Websocket frame is not a JSON object")
        return frame


class SilenceWatchdog:
    """Closes a websocket that received nothing for `limit` seconds.

    One timer per `limit` seconds instead of a timeout per frame: pushes come about
    once a second, and a timeout costs more than the frame it guards.
    """

    def __init__(self, ws: aiohttp.ClientWebSocketResponse, limit: float) -> None:
        """Start watching `ws`."""
        self._ws = ws
        self.limit = limit
        self._loop = asyncio.get_running_loop()
        self._last = self._loop.time()
        self._timer = self._loop.call_at(self._last + limit, self._check)
        self._closing: asyncio.Task[bool] | None = None
        self.expired = False

    def feed(self) -> None:
        """Note that a frame arrived."""
        self._last = self._loop.time()

    def cancel(self) -> None:
        """Stop watching."""
        self._timer.cancel()

    def _check(self) -> None:
        due = self._last + self.limit
        if self._loop.time() < due:
            self._timer = self._loop.call_at(due, self._check)
            return
        self.expired = True
        self._closing = self._loop.create_task(self._ws.close())
