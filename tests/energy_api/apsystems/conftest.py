"""A canned APsystems server on a real loopback socket, and a client for it."""

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
import inspect
import json
from typing import Any

import aiohttp
from aiohttp import web
import pytest

from energy_api.apsystems import ApsystemsClient

APP_ID = "0123456789abcdef0123456789abcdef"
APP_SECRET = "s3cr3tS3cr3t"
SID = "AZ12649A3DFF"
EID = "216000012345"
UID = "703000000001"
# 2025-06-01 11:00:00 UTC (12:00 in London).
NOW = 1_748_775_600.0

type Answer = dict[str, Any] | web.StreamResponse | Callable[[], Any]


@dataclass
class Seen:
    """One request the server received."""

    path: str
    query: dict[str, str]
    headers: dict[str, str]


@dataclass
class CannedServer:
    """Answers each path with queued answers (the last one repeats); records requests.

    Paths without answers get `default` (code 4001, invalid parameter).
    An answer is an envelope dict (served as JSON), a response (served once), or a
    function (or coroutine function) returning one of those, called for each request.
    """

    url: str = ""
    seen: list[Seen] = field(default_factory=list)
    answers: dict[str, list[Answer]] = field(default_factory=dict)
    default: Answer = field(default_factory=lambda: {"code": 4001, "data": None})

    def answer(self, path: str, *answers: Answer) -> None:
        """Queue answers for `path` (without query)."""
        self.answers[path] = list(answers)

    def data(self, path: str, data: Any, code: int = 0) -> None:
        """Answer `path` with `{"code": code, "data": data}`."""
        self.answer(path, {"code": code, "data": data})

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.seen.append(Seen(request.path, dict(request.query), dict(request.headers)))
        queue = self.answers.get(request.path) or [self.default]
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if callable(answer):
            answer = answer()
            if inspect.isawaitable(answer):
                answer = await answer
        if isinstance(answer, web.StreamResponse):
            return answer
        return web.Response(text=json.dumps(answer), content_type="application/json")


@pytest.fixture(name="session")
async def fixture_session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture(name="canned")
async def fixture_canned(socket_enabled: None) -> AsyncIterator[CannedServer]:
    """Serve a `CannedServer` on 127.0.0.1 (a free port) until the test ends."""
    server = CannedServer()
    app = web.Application()
    app.router.add_get("/{tail:.*}", server.handle)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    yield server
    await runner.cleanup()


@dataclass
class Calls:
    """The endpoint names a client announced, in order."""

    names: list[str] = field(default_factory=list)

    def __call__(self, endpoint: str) -> None:
        self.names.append(endpoint)


@pytest.fixture(name="calls")
def fixture_calls() -> Calls:
    return Calls()


@pytest.fixture(name="client")
def fixture_client(
    canned: CannedServer, session: aiohttp.ClientSession, calls: Calls
) -> ApsystemsClient:
    """Return a client of the canned server whose clock stands at `NOW`."""
    return ApsystemsClient(
        session,
        APP_ID,
        APP_SECRET,
        base_url=canned.url,
        on_request=calls,
        timeout=2.0,
        clock=lambda: NOW,
    )
