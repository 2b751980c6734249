"""The HomeWizard Energy local API v2 over HTTPS."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
import contextlib
from dataclasses import dataclass
import re
import ssl
import time
from typing import Any

import aiohttp

from ..errors import (
    AuthenticationError,
    CannotConnectError,
    CertificateError,
    EnergyApiError,
    InvalidResponseError,
    VendorApiError,
)
from ..redact import SECRET_KEYS
from ..transport import NO_RETRY, JsonTransport, certificate_reason
from .const import API_MAJOR, API_VERSION_HEADER, USER_NAME_PREFIX, Permission
from .models import Batteries, Device, Measurement, System
from .tls import tls_name


class PairingNotEnabledError(VendorApiError):
    """The device's button was not pressed (recently enough) to create a token."""


class RequestRejectedError(VendorApiError):
    """The device rejected the request as invalid (HTTP 400); `code` says why."""


class InvalidUserNameError(RequestRejectedError):
    """The device rejected the user name asked for a token (empty, too long, bad characters)."""


class UnsupportedError(VendorApiError):
    """The device does not offer this endpoint."""


class V1OnlyError(CannotConnectError):
    """The device answers only the old, unencrypted API v1."""


# Identifiers kept out of debug logs along with the secrets.
IDENTIFYING_KEYS = frozenset({"serial", "unique_id", "wifi_ssid"})

# A bare error code, as the device sends in plain text (`telegram:no-telegram-received`).
_CODE = re.compile(r"[a-z]+(:[a-z0-9_-]+)+")
_NAME_REJECTED = (InvalidUserNameError, "The device does not accept this user name")
_CODE_ERRORS: dict[str, tuple[type[VendorApiError], str]] = {
    "user:creation-not-enabled": (
        PairingNotEnabledError,
        "Press the device's button first",
    ),
    "user:invalid-prefix": _NAME_REJECTED,
    "user:name-empty": _NAME_REJECTED,
    "user:name-invalid": _NAME_REJECTED,
    "user:name-too-long": _NAME_REJECTED,
}


def map_error(status: int, body: Any) -> EnergyApiError | None:
    """Map a device's answer to a typed error that keeps the device's error code.

    `body` is the decoded JSON (`{"error": "scope:code"}`), or for an error status its
    short plain text; None falls back to the transport's mapping by status.
    """
    code = _error_code(status, body)
    if status == 401 or code == "user:unauthorized":
        return AuthenticationError(code or "HTTP 401")
    if status == 404:
        return UnsupportedError(code or "404", "Not supported by this device")
    if code is None:
        return None
    kind, message = _CODE_ERRORS.get(code) or (
        (RequestRejectedError, "HTTP 400")
        if status == 400
        else (VendorApiError, f"HTTP {status}")
    )
    return kind(code, message)


def _error_code(status: int, body: Any) -> str | None:
    if isinstance(body, dict):
        code = body.get("error")
        return code if isinstance(code, str) and code else None
    if status >= 400 and isinstance(body, str) and _CODE.fullmatch(body):
        return body
    return None


@dataclass(frozen=True, slots=True)
class Probe:
    """What an unauthenticated look at a device tells."""

    identity: str
    tls_name: str


@dataclass(frozen=True, slots=True)
class User:
    """A token holder on the device."""

    name: str
    current: bool


class HomeWizardClient:
    """Talks to one device; every request carries the token and `X-Api-Version: 2`."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        host: str,
        *,
        ssl_context: ssl.SSLContext,
        token: str | None = None,
        tls_name: str | None = None,
        identity: str | None = None,
        timeout: float = 10.0,
    ) -> None:
        """Prepare a client; `ssl_context` decides which CA is trusted (HomeWizard's in production).

        `tls_name` is the name every handshake verifies; `identity` (`appliance/<type>/<serial>`)
        is only kept out of logs and error messages. `connect()` sets both from a probe.
        """
        self.host = host
        self.token = token
        self.ssl_context = ssl_context
        self.tls_name = tls_name
        self.identity = identity
        self._transport = JsonTransport(
            session,
            f"https://{_bracket(host)}",
            timeout=timeout,
            ssl_context=ssl_context,
            server_hostname=tls_name,
            headers={API_VERSION_HEADER: API_MAJOR},
            error_mapper=map_error,
            secrets=self._secrets,
            secret_keys=SECRET_KEYS | IDENTIFYING_KEYS,
        )

    def _secrets(self) -> list[str | None]:
        """Return the values kept out of logs and errors: token, names and serial."""
        serial = self.identity.rsplit("/", 1)[-1] if self.identity else None
        return [
            self.token,
            self.tls_name,
            self.identity,
            serial,
            serial and serial.upper(),
        ]

    @property
    def ws_url(self) -> str:
        """Return the websocket URL."""
        return f"wss://{_bracket(self.host)}/api/ws"

    @property
    def session(self) -> aiohttp.ClientSession:
        """Return the injected session."""
        return self._transport.session

    def _headers(self) -> dict[str, str]:
        if self.token is None:
            raise AuthenticationError("No token yet: pair with the device first")
        return {"Authorization": f"Bearer {self.token}"}

    async def _get(self, path: str) -> Any:
        return await self._transport.request("GET", path, headers=self._headers())

    async def _put(self, path: str) -> None:
        await self._transport.request(
            "PUT", path, headers=self._headers(), expect_body=False
        )

    async def probe(self) -> Probe:
        """Check the certificate and that the device speaks v2, without a token.

        The context must verify the chain but not the hostname (the name is what we
        learn here). Raise `V1OnlyError` when only the plain HTTP API v1 answers.
        """
        try:
            cert = await self._peer_certificate()
        except (
            ssl.SSLCertVerificationError,
            aiohttp.ClientConnectorCertificateError,
        ) as err:
            raise CertificateError(
                f"The certificate of the device at {self.host} is not trusted: "
                f"{certificate_reason(err)}"
            ) from err
        except (OSError, TimeoutError) as err:
            # No TLS here at all: perhaps a device that only speaks plain API v1.
            if await self._answers_v1():
                raise V1OnlyError(
                    "Only API v1 answers: update the firmware or use v1"
                ) from err
            raise _unreachable(self.host, err) from err
        try:
            async with self.session.get(
                f"https://{_bracket(self.host)}/api",
                ssl=self.ssl_context,
                timeout=aiohttp.ClientTimeout(total=self._transport.timeout),
            ) as resp:
                status = resp.status
        except (OSError, aiohttp.ClientError, TimeoutError) as err:
            # It speaks TLS: never send it plain HTTP.
            raise _unreachable(self.host, err) from err
        identity, name = tls_name(cert)
        if status != 401:
            raise InvalidResponseError(
                f"Not a HomeWizard API v2 device (HTTP {status})"
            )
        return Probe(identity, name)

    async def _peer_certificate(self) -> dict[str, Any]:
        """Return the device's certificate after a verified handshake (nothing is sent)."""
        hostname, port = _split(self.host)
        async with asyncio.timeout(self._transport.timeout):
            _, writer = await asyncio.open_connection(
                hostname, port, ssl=self.ssl_context
            )
        cert: dict[str, Any] = writer.get_extra_info("peercert") or {}
        writer.close()
        with contextlib.suppress(OSError, ssl.SSLError):
            await writer.wait_closed()
        return cert

    async def _answers_v1(self) -> bool:
        transport = JsonTransport(
            self.session,
            f"http://{_bracket(self.host)}",
            timeout=3,
            retry=NO_RETRY,
            secret_keys=SECRET_KEYS | IDENTIFYING_KEYS,
        )
        try:
            data = await transport.request("GET", "/api")
        except EnergyApiError:
            return False
        return isinstance(data, dict) and data.get("api_version") == "v1"

    async def device(self) -> Device:
        """Return what the device is."""
        return Device.from_json(await self._get("/api"))

    async def measurement(self) -> Measurement:
        """Return the latest measurement."""
        return Measurement.from_json(await self._get("/api/measurement"))

    async def system(self) -> System:
        """Return network state and settings."""
        return System.from_json(await self._get("/api/system"))

    async def set_system(
        self,
        *,
        cloud_enabled: bool | None = None,
        status_led_brightness_pct: float | None = None,
        api_v1_enabled: bool | None = None,
    ) -> System:
        """Change settings; return them as the device now has them."""
        body = _without_none(
            cloud_enabled=cloud_enabled,
            status_led_brightness_pct=status_led_brightness_pct,
            api_v1_enabled=api_v1_enabled,
        )
        data = await self._transport.request(
            "PUT", "/api/system", json_body=body, headers=self._headers()
        )
        return System.from_json(data)

    async def identify(self) -> None:
        """Blink the device's LED."""
        await self._put("/api/system/identify")

    async def reboot(self) -> None:
        """Restart the device."""
        await self._put("/api/system/reboot")

    async def batteries(self) -> Batteries:
        """Return the battery group this meter controls."""
        return Batteries.from_json(await self._get("/api/batteries"))

    async def set_batteries(
        self,
        *,
        mode: str | None = None,
        permissions: Iterable[Permission] | None = None,
        charge_to_full: bool | None = None,
    ) -> Batteries:
        """Change the battery group's mode, permissions or one-time full charge."""
        body = _without_none(
            mode=mode,
            permissions=None if permissions is None else sorted(permissions),
            charge_to_full=charge_to_full,
        )
        data = await self._transport.request(
            "PUT", "/api/batteries", json_body=body, headers=self._headers()
        )
        return Batteries.from_json(data)

    async def telegram(self) -> str:
        """Return the last raw DSMR telegram (P1 meters)."""
        # The telegram names the smart meter (its equipment id): kept out of logs.
        reply = await self._transport.send(
            "GET", "/api/telegram", headers=self._headers(), log_body=False
        )
        return reply.body.decode("utf-8", errors="replace")

    async def create_token(self, name: str) -> str:
        """Ask for a token; raise `PairingNotEnabledError` until the button is pressed.

        `InvalidUserNameError` when the device does not accept `name`.
        """
        data = await self._transport.request(
            "POST", "/api/user", json_body={"name": _user_name(name)}
        )
        token = data.get("token") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token:
            raise InvalidResponseError("No token in the answer")
        return token

    async def pair(
        self,
        name: str,
        *,
        patience: float = 60.0,
        interval: float = 1.0,
        waiting: Callable[[float], None] | None = None,
    ) -> str:
        """Ask for a token every `interval` s until the button is pressed; return it.

        `waiting(seconds left)` is called before each wait. Raise `PairingNotEnabledError`
        only when `patience` s pass without a press; any other error at once.
        """
        deadline = time.monotonic() + patience
        while True:
            try:
                self.token = await self.create_token(name)
            except PairingNotEnabledError as err:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise PairingNotEnabledError(
                        err.code, f"The button was not pressed within {patience:g} s"
                    ) from err
                if waiting is not None:
                    waiting(left)
                await asyncio.sleep(min(interval, left))
            else:
                return self.token

    async def users(self) -> list[User]:
        """Return the token holders."""
        data = await self._get("/api/user")
        if not isinstance(data, list):
            raise InvalidResponseError("users: expected a list")
        return [
            User(str(item["name"]), item.get("current") is True)
            for item in data
            if isinstance(item, dict) and isinstance(item.get("name"), str)
        ]

    async def delete_user(self, name: str | None = None) -> None:
        """Delete a user's token; without a name, our own (this client then has none)."""
        own = name is None
        if name is None:
            name = next(
                (user.name for user in await self.users() if user.current), None
            )
            if name is None:
                raise InvalidResponseError("The device does not say which user we are")
        await self._transport.request(
            "DELETE",
            "/api/user",
            json_body={"name": name},
            headers=self._headers(),
            expect_body=False,
        )
        if own:
            self.token = None


def _user_name(name: str) -> str:
    return name if name.startswith(USER_NAME_PREFIX) else f"{USER_NAME_PREFIX}{name}"


def _without_none(**values: Any) -> dict[str, Any]:
    body = {key: value for key, value in values.items() if value is not None}
    if not body:
        raise ValueError("Nothing to change")
    return body


def _unreachable(host: str, err: BaseException) -> CannotConnectError:
    return CannotConnectError(f"Cannot reach {host}: {str(err) or type(err).__name__}")


def _split(host: str) -> tuple[str, int]:
    """Return (hostname, port) of `host`, `host:port`, an IPv6 address or `[v6]:port`."""
    if host.startswith("["):
        address, _, port = host[1:].partition("]")
        return address, int(port.lstrip(":") or 443)
    if host.count(":") == 1:
        address, _, port = host.partition(":")
        return address, int(port)
    return host, 443


def _bracket(host: str) -> str:
    """Return `host` (optionally with `:port`) usable in a URL; bracket bare IPv6."""
    return f"[{host}]" if host.count(":") > 1 and not host.startswith("[") else host
