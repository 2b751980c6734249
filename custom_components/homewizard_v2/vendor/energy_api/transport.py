"""JSON over HTTP(S) on an injected aiohttp session, with typed errors."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
import json
import logging
import random
import ssl
from typing import Any

import aiohttp

from .errors import (
    ApiTimeoutError,
    AuthenticationError,
    CannotConnectError,
    CertificateError,
    EnergyApiError,
    InvalidResponseError,
    RateLimitedError,
    VendorApiError,
)
from .redact import SECRET_KEYS, redact_data, redact_text

_LOGGER = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_BODY = 1024 * 1024
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD"})

type ErrorMapper = Callable[[int, Any], EnergyApiError | None]
"""Turns (HTTP status, decoded body or None) into a vendor error, or None to fall back."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Bounded retries with exponential backoff and full jitter, for idempotent reads.

    Connection errors, HTTP 5xx and a short Retry-After are retried; timeouts are not.
    """

    attempts: int = 3
    base_delay: float = 0.5
    max_delay: float = 5.0

    def delay(self, attempt: int) -> float:
        """Seconds to wait before retry number `attempt` (1-based)."""
        ceiling = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return random.uniform(0, ceiling)  # noqa: S311 - jitter, not cryptography


NO_RETRY = RetryPolicy(attempts=1)


def decode_json(body: bytes, *, max_body: int = DEFAULT_MAX_BODY) -> Any:
    """Decode a JSON body whatever its Content-Type; raise `InvalidResponseError` if not JSON."""
    if len(body) > max_body:
        raise InvalidResponseError(f"Response body larger than {max_body} bytes")
    text = body.decode("utf-8", errors="replace").strip()
    if not text:
        raise InvalidResponseError("Empty response body")
    if text.startswith("<"):
        raise InvalidResponseError("HTML or XML response instead of JSON")
    try:
        return json.loads(text)
    except ValueError as err:
        raise InvalidResponseError(f"Malformed JSON: {err}") from err


def _retry_after(headers: Mapping[str, str]) -> float | None:
    try:
        return max(0.0, float(headers["Retry-After"]))
    except (KeyError, ValueError):
        return None


def status_error(status: int, headers: Mapping[str, str]) -> EnergyApiError:
    """Map an HTTP error status to the shared error type."""
    if status in (401, 403):
        return AuthenticationError(f"HTTP {status}")
    if status == 429:
        return RateLimitedError("HTTP 429", retry_after=_retry_after(headers))
    if status >= 500:
        return CannotConnectError(f"HTTP {status}")
    return VendorApiError(str(status), f"HTTP {status}")


@dataclass(frozen=True, slots=True)
class Reply:
    """A raw HTTP reply: status, headers and body bytes."""

    status: int
    headers: Mapping[str, str]
    body: bytes


@dataclass(slots=True)
class JsonTransport:
    """Sends requests with one session and returns decoded JSON."""

    session: aiohttp.ClientSession
    base_url: str
    timeout: float = DEFAULT_TIMEOUT
    max_body: int = DEFAULT_MAX_BODY
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    ssl_context: ssl.SSLContext | bool = True
    server_hostname: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    error_mapper: ErrorMapper | None = None
    secrets: Callable[[], Iterable[str | None]] = lambda: ()
    secret_keys: frozenset[str] = SECRET_KEYS

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
        expect_body: bool = True,
    ) -> Any:
        """Send one request and return its JSON; reads are retried, writes sent once."""
        reply = await self.send(
            method, path, params=params, json_body=json_body, headers=headers
        )
        if not expect_body and not reply.body.strip():
            return None
        data = decode_json(reply.body, max_body=self.max_body)
        if self.error_mapper and (mapped := self.error_mapper(reply.status, data)):
            raise mapped
        return data

    async def send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        """Send one request and return the raw reply of a success status (< 400)."""
        method = method.upper()
        policy = self.retry if method in IDEMPOTENT_METHODS else NO_RETRY
        attempt = 1
        while True:
            try:
                return await self._send(method, path, params, json_body, headers)
            except (CannotConnectError, RateLimitedError) as err:
                # A timeout already cost a full timeout: retrying would multiply the
                # wait; a wrong certificate stays wrong.
                if (
                    attempt >= policy.attempts
                    or isinstance(err, ApiTimeoutError | CertificateError)
                    or (isinstance(err, RateLimitedError) and err.retry_after is None)
                ):
                    raise
                delay = policy.delay(attempt)
                if isinstance(err, RateLimitedError) and err.retry_after is not None:
                    if err.retry_after > policy.max_delay:
                        raise
                    delay = err.retry_after
                _LOGGER.debug(
                    "%s %s failed (%s); retry %d in %.2fs",
                    method,
                    path,
                    self._scrub(str(err)),
                    attempt,
                    delay,
                )
                await asyncio.sleep(delay)
                attempt += 1

    async def _send(
        self,
        method: str,
        path: str,
        params: Mapping[str, str] | None,
        json_body: Any,
        extra_headers: Mapping[str, str] | None,
    ) -> Reply:
        url = f"{self.base_url.rstrip('/')}/{path.lstrip('/')}"
        headers = {**self.headers, **(extra_headers or {})}
        if _LOGGER.isEnabledFor(logging.DEBUG):
            _LOGGER.debug(
                "Request %s %s params=%s headers=%s body=%s",
                method,
                self._scrub(url),
                redact_data(dict(params or {}), self.secret_keys),
                redact_data(headers, self.secret_keys),
                self._scrub(json.dumps(redact_data(json_body, self.secret_keys))),
            )
        try:
            async with self.session.request(
                method,
                url,
                params=params,
                json=json_body,
                headers=headers,
                ssl=self.ssl_context,
                server_hostname=self.server_hostname,
                timeout=aiohttp.ClientTimeout(total=self.timeout),
            ) as resp:
                body = await resp.content.read(self.max_body + 1)
                reply = Reply(resp.status, resp.headers, body)
        except TimeoutError as err:
            raise ApiTimeoutError(f"Timeout after {self.timeout}s") from err
        except aiohttp.ClientConnectorCertificateError as err:
            raise CertificateError(self._scrub(str(err))) from err
        except aiohttp.ClientPayloadError as err:
            raise InvalidResponseError(f"Truncated response: {err}") from err
        except aiohttp.ClientError as err:
            raise CannotConnectError(
                self._scrub(str(err)) or type(err).__name__
            ) from err
        if _LOGGER.isEnabledFor(logging.DEBUG):
            _LOGGER.debug(
                "Response %s %s: HTTP %d %s",
                method,
                self._scrub(url),
                reply.status,
                self._scrub_body(body),
            )
        if reply.status >= 400:
            try:
                data = decode_json(body, max_body=self.max_body)
            except InvalidResponseError:
                data = None
            mapped = (
                self.error_mapper(reply.status, data) if self.error_mapper else None
            )
            raise mapped or status_error(reply.status, reply.headers)
        if len(body) > self.max_body:
            raise InvalidResponseError(
                f"Response body larger than {self.max_body} bytes"
            )
        return reply

    def _scrub(self, text: str) -> str:
        return redact_text(text, self.secrets())

    def _scrub_body(self, body: bytes) -> str:
        try:
            shown = json.dumps(redact_data(json.loads(body), self.secret_keys))
        except ValueError:
            shown = body[:500].decode("utf-8", errors="replace")
        return self._scrub(shown[:2000])
