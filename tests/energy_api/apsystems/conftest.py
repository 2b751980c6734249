"""A canned APsystems server on a real loopback socket, and a client for it."""

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest

from energy_api.apsystems import ApsystemsClient
from tests import canned_server
from tests.canned_server import Answer, serving

APP_ID = "0123456789abcdef0123456789abcdef"
APP_SECRET = "s3cr3tS3cr3t"
SID = "AZ12649A3DFF"
EID = "216000012345"
UID = "703000000001"
# 2025-06-01 11:00:00 UTC (12:00 in London).
NOW = 1_748_775_600.0


@dataclass
class CannedServer(canned_server.CannedServer):
    """Answers GET paths with envelopes; paths without answers get code 4001."""

    default: Answer | None = field(default_factory=lambda: {"code": 4001, "data": None})

    def data(self, path: str, data: Any, code: int = 0) -> None:
        """Answer `path` with `{"code": code, "data": data}`."""
        self.answer(path, {"code": code, "data": data})


@pytest.fixture(name="canned")
async def fixture_canned(socket_enabled: None) -> AsyncIterator[CannedServer]:
    """Serve a `CannedServer` on 127.0.0.1 (a free port) until the test ends."""
    async with serving(CannedServer()) as server:
        yield server


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
