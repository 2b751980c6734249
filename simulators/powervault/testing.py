"""Test helpers: a settable data clock and a tiny HTTP client (not `energy_api`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
import datetime as dt
import json
from typing import Any

import aiohttp

from simulators.runner import RunningSimulator

from .cloud import DEFAULT_API_KEY
from .device import PowervaultDevice


class DataClock:
    """A data clock that moves only when told."""

    def __init__(self, now: dt.datetime) -> None:
        """Start at `now` (aware)."""
        self.now = now

    def __call__(self) -> dt.datetime:
        """Return the current time."""
        return self.now

    def advance(self, delta: dt.timedelta) -> None:
        """Move the time forward."""
        self.now += delta


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: status and the body decoded as JSON (None if it is not JSON)."""

    status: int
    body: Any


@dataclass
class PowervaultTestClient:
    """GET and POST JSON against a running Powervault simulator."""

    sim: RunningSimulator[Any]
    session: aiohttp.ClientSession
    api_key: str | None = DEFAULT_API_KEY

    @property
    def device(self) -> PowervaultDevice:
        """Return the simulated device."""
        device: PowervaultDevice = self.sim.device
        return device

    def _headers(self, api_key: str | None) -> dict[str, str]:
        return {} if api_key is None else {"x-api-key": api_key}

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Any = None,
        api_key: str | None = "",
    ) -> Answer:
        """Send `method` `path`; `api_key` "" means the client's own key, None none."""
        key = self.api_key if api_key == "" else api_key
        data = None if body is None else json.dumps(body)
        async with self.session.request(
            method,
            self.sim.url + path,
            params=params,
            data=data,
            headers=self._headers(key),
        ) as response:
            text = await response.text()
            try:
                decoded = json.loads(text)
            except ValueError:
                decoded = None
            return Answer(response.status, decoded)

    async def get(self, path: str, **params: str) -> Any:
        """GET `path` with query `params`; return the body, failing unless HTTP 200."""
        result = await self.request("GET", path, params=params)
        if result.status != 200:
            raise AssertionError(f"GET {path} {params}: {result.status} {result.body}")
        return result.body

    async def post(self, path: str, body: Any) -> Any:
        """POST `body` as JSON to `path`; return the answer, failing unless HTTP 200."""
        result = await self.request("POST", path, body=body)
        if result.status != 200:
            raise AssertionError(f"POST {path}: {result.status} {result.body}")
        return result.body
