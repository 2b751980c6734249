"""Connect to a device: learn its identity from its certificate, then pin it."""

from __future__ import annotations

from dataclasses import dataclass
import ssl
from typing import Self

import aiohttp

from ..errors import CertificateError
from .client import HomeWizardClient, Probe
from .tls import create_ssl_context


@dataclass(frozen=True, slots=True)
class SslContexts:
    """The two contexts trusting one CA.

    `probe` checks the chain only (a probe learns the device's name); `verified` checks
    the chain and the name, on every connection that carries the token.
    """

    probe: ssl.SSLContext
    verified: ssl.SSLContext

    @classmethod
    def from_ca(cls, ca_pem: str) -> Self:
        """Build both contexts for `ca_pem`. Blocking (parses certificates): in HA, run it in an executor."""
        return cls(
            probe=create_ssl_context(ca_pem, check_hostname=False),
            verified=create_ssl_context(ca_pem),
        )


async def probe(
    session: aiohttp.ClientSession, host: str, contexts: SslContexts
) -> Probe:
    """Return the identity the device at `host` proves with its certificate (no token sent).

    Raise `CertificateError` for a certificate the CA did not sign, `V1OnlyError` when only
    API v1 answers, `CannotConnectError` when nothing answers.
    """
    return await HomeWizardClient(session, host, ssl_context=contexts.probe).probe()


async def connect(
    session: aiohttp.ClientSession,
    host: str,
    contexts: SslContexts,
    *,
    token: str | None = None,
    identity: str | None = None,
) -> HomeWizardClient:
    """Probe `host` and return a client whose every connection verifies that device.

    With `identity`, a device proving another identity raises `CertificateError`.
    """
    found = await probe(session, host, contexts)
    if identity is not None and found.identity != identity.lower():
        raise CertificateError(f"The device at {host} is not the one paired")
    return HomeWizardClient(
        session,
        host,
        ssl_context=contexts.verified,
        token=token,
        tls_name=found.tls_name,
        identity=found.identity,
    )
