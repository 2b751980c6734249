"""TLS for HomeWizard devices: a pinned CA and the device's identity.

Every device presents a certificate signed by HomeWizard's CA, naming the device as
`appliance/<type>/<serial>` in its common name. Some newer certificates also carry a
subjectAltName (a DNS name starting with the serial); OpenSSL then ignores the common
name. So a probe first checks the chain and reads the certificate (without sending
anything secret), and `tls_name` returns the identity it names and the name the
connections that carry the token must then verify during the handshake.

Identities and serials never appear in error messages: they end up in logs and in the
reasons Home Assistant shows.
"""

from __future__ import annotations

import ssl
from typing import Any

from ..errors import CertificateError
from .ca import HOMEWIZARD_CA_PEM


def create_ssl_context(
    ca_pem: str = HOMEWIZARD_CA_PEM, *, check_hostname: bool = True
) -> ssl.SSLContext:
    """Return a client context that trusts only `ca_pem`.

    HomeWizard's CA is an X.509 v1 certificate without extensions, which the
    VERIFY_X509_STRICT flag that Python 3.13 sets by default rejects. That one flag is
    cleared for this context only; the chain is still verified against this single CA,
    and the device identity is checked by hostname (or, for the probe context made with
    `check_hostname=False`, by comparing what `tls_name` reads). Blocking: run it in an
    executor.
    """
    context = ssl.create_default_context(cadata=ca_pem)
    context.verify_flags &= ~ssl.VERIFY_X509_STRICT
    context.check_hostname = check_hostname
    context.hostname_checks_common_name = True
    return context


def certificate_identity(cert: dict[str, Any]) -> str | None:
    """Return the common name of a certificate from `SSLSocket.getpeercert()`."""
    for rdn in cert.get("subject", ()):
        for key, value in rdn:
            if key == "commonName":
                return str(value)
    return None


def tls_name(cert: dict[str, Any]) -> tuple[str, str]:
    """Return (device identity, name to verify in handshakes) for a verified certificate.

    Raise `CertificateError` if it names no appliance, or carries DNS names of which
    none starts with the device's serial.
    """
    common_name = certificate_identity(cert)
    if common_name is None or not common_name.startswith("appliance/"):
        raise CertificateError("Certificate does not name a HomeWizard appliance")
    common_name = common_name.lower()
    serial = common_name.rsplit("/", 1)[-1]
    dns_names = [str(v) for k, v in cert.get("subjectAltName", ()) if k == "DNS"]
    if not dns_names:
        return common_name, common_name
    for name in dns_names:
        if name.lower().startswith(serial):
            return common_name, name
    raise CertificateError("Certificate's DNS names are not for its serial")
