"""A canned Powervault server on a real loopback socket, and clients for it."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import aiohttp
import pytest

from energy_api.powervault import PowervaultCloud, PowervaultLocal
from tests import canned_server
from tests.canned_server import serving

API_KEY = "pv-key-0123456789abcdef"
UNIT = "PV-1001"
# Monday 2025-06-02 11:00:00 UTC (12:00 in London).
NOW = datetime(2025, 6, 2, 11, 0, 0, tzinfo=UTC)


@dataclass
class CannedServer(canned_server.CannedServer):
    """Answers "GET /path" or "POST /path" (any method); unknown keys get 404."""

    BY_METHOD = True

    def paths(self, method: str = "GET") -> list[str]:
        return [seen.path for seen in self.seen if seen.method == method]


@pytest.fixture(name="canned")
async def fixture_canned(socket_enabled: None) -> AsyncIterator[CannedServer]:
    """Serve a `CannedServer` on 127.0.0.1 (a free port) until the test ends."""
    async with serving(CannedServer()) as server:
        yield server


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
