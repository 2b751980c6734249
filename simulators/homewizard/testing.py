"""Test helpers: a fake clock, client TLS contexts and an HTTPS API client."""

from __future__ import annotations

from dataclasses import dataclass, field
import ssl
from typing import Any

import aiohttp
from multidict import CIMultiDictProxy

from simulators.runner import RunningSimulator
from simulators.tls import TestCA

from .device import HomeWizardDevice


class FakeClock:
    """A clock for `HomeWizardDevice(clock=...)` that only moves when told."""

    def __init__(self, now: float = 1000.0) -> None:
        """Start at `now` seconds."""
        self.now = now

    def __call__(self) -> float:
        """Return the current time."""
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the time forward."""
        self.now += seconds


def client_ssl_context(
    test_ca: TestCA, *, pin_identity: bool = False
) -> ssl.SSLContext:
    """Return a client context trusting `test_ca`.

    Without `pin_identity` the host name is not checked (the chain is). With
    it, the CN is checked: connect with `server_hostname=device.identity`, as
    the HomeWizard documentation does.
    """
    context = test_ca.client_context()
    if pin_identity:
        context.hostname_checks_common_name = True
    else:
        context.check_hostname = False
    return context


@dataclass
class HomeWizardClient:
    """Calls a running `HomeWizardDevice` over HTTPS with a token."""

    sim: RunningSimulator[HomeWizardDevice]
    session: aiohttp.ClientSession
    ssl: ssl.SSLContext
    token: str | None = None
    last_headers: CIMultiDictProxy[str] | None = field(default=None, repr=False)

    @property
    def device(self) -> HomeWizardDevice:
        """Return the simulated device."""
        return self.sim.device

    def auth(self, token: str | None = None) -> dict[str, str]:
        """Return the `Authorization` header for `token` (default: own token)."""
        return {"Authorization": f"Bearer {token or self.token}"}

    async def call(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        anonymous: bool = False,
        json: Any = None,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        """Return the status and body: decoded JSON, text, or None if empty."""
        all_headers = {} if anonymous else self.auth(token)
        all_headers |= headers or {}
        async with self.session.request(
            method,
            self.sim.url + path,
            json=json,
            data=data,
            headers=all_headers,
            ssl=self.ssl,
        ) as response:
            self.last_headers = response.headers
            if response.content_type == "application/json":
                return response.status, await response.json()
            text = await response.text()
            return response.status, text or None

    async def ws(self, **kwargs: Any) -> aiohttp.ClientWebSocketResponse:
        """Open `/api/ws` (not yet authorized); kwargs go to `ws_connect`."""
        return await self.session.ws_connect(
            self.sim.url + "/api/ws", ssl=self.ssl, **kwargs
        )

    async def authorized_ws(self, **kwargs: Any) -> aiohttp.ClientWebSocketResponse:
        """Open `/api/ws` and complete the authorization handshake."""
        ws = await self.ws(**kwargs)
        request = await ws.receive_json()
        if request.get("type") != "authorization_requested":
            raise AssertionError(f"unexpected first frame {request}")
        await ws.send_json({"type": "authorization", "data": self.token})
        answer = await ws.receive_json()
        if answer != {"type": "authorized"}:
            raise AssertionError(f"not authorized: {answer}")
        return ws
