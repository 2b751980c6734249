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
# An error body that is not JSON is kept as the reason when it is this short or shorter.
MAX_REASON_LENGTH = 200
# OpenSSL's X509_V_ERR_HOSTNAME_MISMATCH: its message names the host checked against.
_HOSTNAME_MISMATCH = 62

type ErrorMapper = Callable[[int, Any], EnergyApiError | None]
"""Turns (HTTP status, body) into a vendor error, or None to fall back.

The body is the decoded JSON, or for an error status that is not JSON, its short plain
text (see `error_reason`), else None.
"""


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
    except RecursionError as err:
        raise InvalidResponseError("JSON nested too deeply") from err


def error_reason(body: bytes, *, max_body: int = DEFAULT_MAX_BODY) -> Any:
    """Return an error body's JSON, or its text if short and plain (a code), else None."""
    try:
        return decode_json(body, max_body=max_body)
    except InvalidResponseError:
        pass
    text = body[: MAX_REASON_LENGTH + 1].decode("utf-8", errors="replace").strip()
    if not text.isprintable() or "<" in text or len(text) > MAX_REASON_LENGTH:
        return None
    return text or None


def certificate_reason(err: BaseException) -> str:
    """Return why a certificate was rejected, without the name it was checked against.

    The name is the device's identity, which must not reach logs or error messages.
    """
    if isinstance(err, aiohttp.ClientConnectorCertificateError):
        err = err.certificate_error
    if not isinstance(err, ssl.SSLCertVerificationError):
        return type(err).__name__
    if getattr(err, "verify_code", None) == _HOSTNAME_MISMATCH:
        return "the certificate names another device"
    return str(getattr(err, "verify_message", None) or "certificate verify failed")


def _retry_after(headers: Mapping[str, str]) -> float | None:
    try:
        return max(0.0, float(headers["Retry-After"]))
    except (KeyError, ValueError):
        return None


def status_error(
    status: int, headers: Mapping[str, str], reason: str | None = None
) -> EnergyApiError:
    """Map an HTTP error status (and the body's short text, if any) to a shared error."""
    message = f"HTTP {status}: {reason}" if reason else f"HTTP {status}"
    if status in (401, 403):
        return AuthenticationError(message)
    if status == 429:
        return RateLimitedError(message, retry_after=_retry_after(headers))
    if status >= 500:
        return CannotConnectError(message)
    return VendorApiError(str(status), message)


async def _read_body(resp: aiohttp.ClientResponse, limit: int) -> bytes:
    """Read the body up to `limit` bytes: whole, not just what is buffered so far."""
    parts: list[bytes] = []
    size = 0
    async for chunk in resp.content.iter_chunked(64 * 1024):
        parts.append(chunk)
        size += len(chunk)
        if size >= limit:
            break
    return b"".join(parts)[:limit]


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
        log_body: bool = True,
    ) -> Reply:
        """Send one request and return the raw reply of a success status (< 400).

        `log_body=False` keeps a successful reply's body out of debug logs (for bodies
        that identify someone and cannot be redacted by key, such as raw text).
        """
        method = method.upper()
        policy = self.retry if method in IDEMPOTENT_METHODS else NO_RETRY
        attempt = 1
        while True:
            try:
                return await self._send(
                    method, path, params, json_body, headers, log_body=log_body
                )
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
        *,
        log_body: bool,
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
                body = await _read_body(resp, self.max_body + 1)
                reply = Reply(resp.status, resp.headers, body)
        except TimeoutError as err:
            raise ApiTimeoutError(f"Timeout after {self.timeout}s") from err
        except aiohttp.ClientConnectorCertificateError as err:
            reason = certificate_reason(err)
            raise CertificateError(
                self._scrub(f"The certificate of {err.host} is not trusted: {reason}")
            ) from err
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
                self._scrub_body(body)
                if log_body or reply.status >= 400
                else f"({len(body)} bytes not logged)",
            )
        if reply.status >= 400:
            reason = error_reason(body, max_body=self.max_body)
            if isinstance(reason, str):
                reason = self._scrub(reason)
            mapped = (
                self.error_mapper(reply.status, reason) if self.error_mapper else None
            )
            raise mapped or status_error(
                reply.status,
                reply.headers,
                reason if isinstance(reason, str) else None,
            )
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
        except (ValueError, RecursionError):
            shown = body[:500].decode("utf-8", errors="replace")
        return self._scrub(shown[:2000])
