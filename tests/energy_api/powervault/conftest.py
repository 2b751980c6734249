"""A canned Powervault server on a real loopback socket, and clients for it."""

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
import inspect
import json
from typing import Any

import aiohttp
from aiohttp import web
import pytest

from energy_api.powervault import PowervaultCloud, PowervaultLocal

API_KEY = "pv-key-0123456789abcdef"
UNIT = "PV-1001"
# Monday 2025-06-02 11:00:00 UTC (12:00 in London).
NOW = datetime(2025, 6, 2, 11, 0, 0, tzinfo=UTC)

type Answer = Any | web.StreamResponse | Callable[[], Any]


@dataclass
class Seen:
    """One request the server received."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


@dataclass
class CannedServer:
    """Answers `METHOD path` with queued answers (the last one repeats).

    An answer is JSON-able data (served with status 200), a response (served once), or
    a function returning one of those. Unknown paths get 404.
    """

    url: str = ""
    host: str = "127.0.0.1"
    port: int = 0
    seen: list[Seen] = field(default_factory=list)
    answers: dict[str, list[Answer]] = field(default_factory=dict)

    def answer(self, key: str, *answers: Answer) -> None:
        """Queue answers for `key`, "GET /path" or "POST /path"."""
        self.answers[key] = list(answers)

    def paths(self, method: str = "GET") -> list[str]:
        return [seen.path for seen in self.seen if seen.method == method]

    async def handle(self, request: web.Request) -> web.StreamResponse:
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
        queue = self.answers.get(f"{request.method} {request.path}")
        if not queue:
            return web.json_response({"message": "Not Found"}, status=404)
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
    app.router.add_route("*", "/{tail:.*}", server.handle)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server.port = runner.addresses[0][1]
    server.url = f"http://127.0.0.1:{server.port}"
    yield server
    await runner.cleanup()


@pytest.fixture(name="cloud")
def fixture_cloud(
    canned: CannedServer, session: aiohttp.ClientSession
) -> PowervaultCloud:
    """Return a cloud client of the canned server whose clock stands at `NOW`."""
    return PowervaultCloud(
        session, API_KEY, base_url=canned.url + "/v4", timeout=2.0, clock=lambda: NOW
    )


@pytest.fixture(name="local")
def fixture_local(
    canned: CannedServer, session: aiohttp.ClientSession
) -> PowervaultLocal:
    """Return a local client of the canned server whose clock stands at `NOW`."""
    return PowervaultLocal(
        session, "127.0.0.1", port=canned.port, timeout=2.0, clock=lambda: NOW
    )


@pytest.fixture(autouse=True)
def fixture_fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retry without waiting."""
    monkeypatch.setattr(
        "energy_api.transport.RetryPolicy.delay", lambda self, attempt: 0.0
    )
