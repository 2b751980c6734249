"""The WebSocket `/api/ws`: authorization, subscriptions and pushes."""

from __future__ import annotations

import asyncio
from collections import Counter
from contextlib import suppress
from dataclasses import dataclass, field
import json
from typing import TYPE_CHECKING, Any

from aiohttp import WSCloseCode, WSMsgType, web

from .common import ApiError
from .topics import available_topics, resolve_topic, topic_state, update_topic

if TYPE_CHECKING:
    from .device import HomeWizardDevice

CLOSE_TIMEOUT = 1.0
UNAUTHORIZED = "user:unauthorized"


@dataclass(eq=False)
class Session:
    """One WebSocket client."""

    ws: web.WebSocketResponse
    transport: asyncio.Transport | None
    token: str | None = None
    topics: list[str] = field(default_factory=list)
    sent: dict[str, Any] = field(default_factory=dict)
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    sent_frames: Counter[str] = field(default_factory=Counter)

    async def send(self, kind: str, data: Any = None) -> None:
        """Send one frame `{"type": kind, "data": data}` (no data if None)."""
        frame: dict[str, Any] = {"type": kind}
        if data is not None:
            frame["data"] = data
        async with self.lock:
            await self.ws.send_json(frame)
        self.sent_frames[kind] += 1

    async def error(self, message: str) -> None:
        """Send an error frame."""
        await self.send("error", {"message": message})

    async def reject(self) -> None:
        """Send `user:unauthorized` and close."""
        with suppress(ConnectionError):
            await self.error(UNAUTHORIZED)
        await self.ws.close(code=WSCloseCode.POLICY_VIOLATION, message=b"unauthorized")


class WebSocketHub:
    """Every WebSocket of one device."""

    def __init__(self, device: HomeWizardDevice) -> None:
        """Serve WebSockets for `device`."""
        self._device = device
        self._sessions: set[Session] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._closed_frames: Counter[str] = Counter()

    def __len__(self) -> int:
        """Return the number of open WebSockets."""
        return len(self._sessions)

    @property
    def sent_frames(self) -> Counter[str]:
        """Return the frames sent so far, by type, over every WebSocket."""
        total = Counter(self._closed_frames)
        for session in self._sessions:
            total.update(session.sent_frames)
        return total

    def notify(self) -> None:
        """Make every session push its changed topics now."""
        for session in self._sessions:
            session.wake.set()

    def drop_all(self) -> None:
        """Abort every connection without a close frame (a dropped socket)."""
        for session in list(self._sessions):
            if session.transport is not None:
                session.transport.abort()

    def revoke(self, tokens: list[str]) -> None:
        """Send `user:unauthorized` to and close the sessions of `tokens`."""
        for session in list(self._sessions):
            if session.token is not None and session.token in tokens:
                session.token = None
                session.topics.clear()
                task = asyncio.get_running_loop().create_task(session.reject())
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Serve one WebSocket until it closes."""
        ws = web.WebSocketResponse(timeout=CLOSE_TIMEOUT)
        await ws.prepare(request)
        session = Session(ws, request.transport)
        self._sessions.add(session)
        try:
            await session.send(
                "authorization_requested",
                {"api_version": self._device.api_version},
            )
            if await self._authorize(session):
                await self._serve(session)
        except ConnectionError:
            pass
        finally:
            self._sessions.discard(session)
            self._closed_frames.update(session.sent_frames)
        return ws

    async def _authorize(self, session: Session) -> bool:
        try:
            msg = await session.ws.receive(timeout=self._device.ws_auth_timeout)
        except TimeoutError:
            await session.ws.close(
                code=WSCloseCode.POLICY_VIOLATION, message=b"authorization timeout"
            )
            return False
        if msg.type not in {WSMsgType.TEXT, WSMsgType.BINARY}:
            return False
        frame = _decode(msg.data) if msg.type is WSMsgType.TEXT else None
        token = frame.get("data") if frame else None
        if (
            frame is None
            or frame.get("type") != "authorization"
            or not isinstance(token, str)
            or not self._device.token_valid(token)
        ):
            await session.reject()
            return False
        session.token = token
        await session.send("authorized")
        return True

    async def _serve(self, session: Session) -> None:
        pusher = asyncio.get_running_loop().create_task(self._push_loop(session))
        try:
            async for msg in session.ws:
                if msg.type is WSMsgType.TEXT:
                    await self._on_frame(session, _decode(msg.data))
                elif msg.type is WSMsgType.BINARY:
                    await session.error("request:invalid-json")
                else:
                    break
        finally:
            pusher.cancel()
            with suppress(asyncio.CancelledError):
                await pusher

    async def _on_frame(self, session: Session, frame: dict[str, Any] | None) -> None:
        if frame is None:
            await session.error("request:invalid-json")
            return
        try:
            await self._dispatch(session, frame.get("type"), frame.get("data"))
        except ApiError as err:
            await session.error(err.code)

    async def _dispatch(self, session: Session, kind: Any, data: Any) -> None:
        device = self._device
        if kind == "subscribe":
            for topic in resolve_topic(device, data):
                if topic not in session.topics:
                    session.topics.append(topic)
                await self._send_topic(session, topic)
        elif kind == "unsubscribe":
            for topic in resolve_topic(device, data):
                if topic in session.topics:
                    session.topics.remove(topic)
                session.sent.pop(topic, None)
        elif kind == "identify":
            device.identify()
        elif kind == "authorization":
            await session.send("authorized")
        elif isinstance(kind, str) and kind in available_topics(device):
            if data is not None:
                update_topic(device, kind, data)
            await self._send_topic(session, kind)
        else:
            raise ApiError("request:unknown-type")

    async def _send_topic(self, session: Session, topic: str) -> None:
        data, key = topic_state(self._device, topic, session.token)
        if topic in session.topics:
            session.sent[topic] = key
        await session.send(topic, data)

    async def _push_loop(self, session: Session) -> None:
        while not session.ws.closed:
            with suppress(TimeoutError):
                await asyncio.wait_for(session.wake.wait(), self._device.push_interval)
            session.wake.clear()
            if not self._device.push_enabled:
                continue
            for topic in list(session.topics):
                data, key = topic_state(self._device, topic, session.token)
                if session.sent.get(topic) != key:
                    session.sent[topic] = key
                    try:
                        await session.send(topic, data)
                    except ConnectionError:
                        return


def _decode(text: str) -> dict[str, Any] | None:
    try:
        frame = json.loads(text)
    except ValueError:
        return None
    return frame if isinstance(frame, dict) else None
