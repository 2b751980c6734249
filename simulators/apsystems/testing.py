"""Test helpers: a settable data clock, a minimal request signer and a client."""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from dataclasses import dataclass
import datetime as dt
import hashlib
import hmac
import json
import ssl
import time
from typing import Any
import uuid

import aiohttp

from simulators.runner import RunningSimulator

from .clocks import wall_time
from .cloud import ApsystemsCloud
from .config import APP_ID, APP_SECRET, SID, USER_PREFIX

HASHES = {"HmacSHA256": hashlib.sha256, "HmacSHA1": hashlib.sha1}


class DataClock:
    """A data clock for `ApsystemsCloud(clock=...)` that moves only when told."""

    def __init__(self, now: dt.datetime) -> None:
        """Start at `now` (aware)."""
        self.now = now

    def __call__(self) -> dt.datetime:
        """Return the current time."""
        return self.now

    def advance(self, delta: dt.timedelta) -> None:
        """Move the time forward."""
        self.now += delta


def sign(
    app_id: str,
    secret: str,
    path: str,
    *,
    now: float | None = None,
    timestamp: str | None = None,
    nonce: str | None = None,
    method: str = "HmacSHA256",
    request_path: str | None = None,
) -> dict[str, str]:
    """Return the `X-CA-*` headers of a GET of `path`.

    By default the request is signed correctly: timestamp in ms of `now`
    (default `time.time()`), a fresh nonce, the last path segment. Override
    `timestamp`, `method` or `request_path` (the signed path part) to sign
    wrongly.
    """
    if timestamp is None:
        timestamp = str(int((time.time() if now is None else now) * 1000))
    nonce = uuid.uuid4().hex if nonce is None else nonce
    if request_path is None:
        request_path = path.split("?", 1)[0].rsplit("/", 1)[-1]
    text = f"{timestamp}/{nonce}/{app_id}/{request_path}/GET/{method}"
    digest = HASHES.get(method, hashlib.sha256)
    signature = hmac.new(secret.encode(), text.encode(), digest).digest()
    return {
        "X-CA-AppId": app_id,
        "X-CA-Timestamp": timestamp,
        "X-CA-Nonce": nonce,
        "X-CA-Signature-Method": method,
        "X-CA-Signature": base64.b64encode(signature).decode(),
    }


def system_path(endpoint: str, sid: str = SID) -> str:
    """Return `/user/api/v2/systems/<endpoint>/<sid>`."""
    return f"{USER_PREFIX}/systems/{endpoint}/{sid}"


def device_path(
    kind: str,
    endpoint: str,
    device_id: str,
    *,
    sid: str = SID,
    prefix: str = USER_PREFIX,
) -> str:
    """Return `<prefix>/systems/<sid>/devices/<kind>/<endpoint>/<device_id>`."""
    return f"{prefix}/systems/{sid}/devices/{kind}/{endpoint}/{device_id}"


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: status, content type and the body decoded as JSON (or None)."""

    status: int
    content_type: str
    body: Any

    @property
    def code(self) -> int:
        """Return the envelope's code."""
        return int(self.body["code"])

    @property
    def data(self) -> Any:
        """Return the envelope's data."""
        return self.body["data"]


@dataclass
class ApsystemsTestClient:
    """Signed GETs against a running `ApsystemsCloud`."""

    sim: RunningSimulator[ApsystemsCloud]
    session: aiohttp.ClientSession
    app_id: str = APP_ID
    secret: str = APP_SECRET
    ssl: ssl.SSLContext | bool = True
    clock: Callable[[], float] = wall_time

    @property
    def cloud(self) -> ApsystemsCloud:
        """Return the simulated cloud."""
        return self.sim.device

    async def get(
        self,
        path: str,
        params: Mapping[str, str] | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        **signing: Any,
    ) -> Answer:
        """GET `path`, signed (see `sign` for `signing`) unless `headers` are given."""
        if headers is None:
            signing.setdefault("now", self.clock())
            headers = sign(self.app_id, self.secret, path, **signing)
        async with self.session.get(
            self.sim.url + path, params=params, headers=headers, ssl=self.ssl
        ) as response:
            text = await response.text()
            try:
                body = json.loads(text)
            except ValueError:
                body = None
            return Answer(response.status, response.content_type, body)

    async def data(self, path: str, **params: str) -> Any:
        """GET `path` with query `params`; return `data`, failing unless the code is 0."""
        answer = await self.get(path, params)
        if answer.status != 200 or answer.code != 0:
            raise AssertionError(f"{path} {params}: {answer.status} {answer.body}")
        return answer.data
