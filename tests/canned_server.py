"""A canned HTTP server on a real loopback socket: queued answers, every request kept."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
import inspect
import json
from typing import Any, ClassVar

from aiohttp import web

type Answer = Any | web.StreamResponse | Callable[[], Any]


@dataclass
class Seen:
    """One request the server received (`body` decoded from JSON when it is JSON)."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


@dataclass
class CannedServer:
    """Answers each request with the answers queued for its key (the last one repeats).

    The key is the path (without query), or "METHOD path" when `BY_METHOD`; then every
    method is routed, else only GET (and HEAD). An answer is JSON-able data (served
    with status 200), a response (served once), or a function (or coroutine
    function) returning one of those, called for each request. Keys without answers
    get `default`, or 404 when that is None.
    """

    BY_METHOD: ClassVar[bool] = False

    url: str = ""
    host: str = "127.0.0.1"
    port: int = 0
    seen: list[Seen] = field(default_factory=list)
    answers: dict[str, list[Answer]] = field(default_factory=dict)
    default: Answer | None = None

    def answer(self, key: str, *answers: Answer) -> None:
        """Queue answers for `key`."""
        self.answers[key] = list(answers)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Record `request`; serve the next answer of its key."""
        raw = await request.read()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw
        self.seen.append(
            Seen(
                request.method,
                request.path,
                dict(request.query),
                dict(request.headers),
                body,
            )
        )
        key = f"{request.method} {request.path}" if self.BY_METHOD else request.path
        queue = self.answers.get(key)
        if not queue:
            if self.default is None:
                return web.json_response({"message": "Not Found"}, status=404)
            queue = [self.default]
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if callable(answer):
            answer = answer()
            if inspect.isawaitable(answer):
                answer = await answer
        if isinstance(answer, web.StreamResponse):
            return answer
        return web.Response(text=json.dumps(answer), content_type="application/json")


@asynccontextmanager
async def serving[S: CannedServer](server: S) -> AsyncIterator[S]:
    """Serve `server` on its host (a free port) until the block ends; set its URL."""
    app = web.Application()
    if server.BY_METHOD:
        app.router.add_route("*", "/{tail:.*}", server.handle)
    else:
        app.router.add_get("/{tail:.*}", server.handle)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, server.host, 0)
    await site.start()
    server.port = runner.addresses[0][1]
    server.url = f"http://{server.host}:{server.port}"
    try:
        yield server
    finally:
        await runner.cleanup()
