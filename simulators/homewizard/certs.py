"""Server certificates with a HomeWizard device identity."""

from __future__ import annotations

import ssl
from typing import TYPE_CHECKING

from simulators.tls import ServerCert, TestCA

if TYPE_CHECKING:
    from .device import HomeWizardDevice


def homewizard_certificate(
    ca: TestCA, device: HomeWizardDevice, *, with_san: bool = False
) -> ServerCert:
    """Issue a certificate like the device's: CN = `appliance/<type>/<serial>`.

    The certificate serial number is the device serial (as on real devices).
    Without `with_san` it has no subjectAltName at all, so a client can only
    verify the CN (`server_hostname=device.identity` and
    `hostname_checks_common_name = True`). With it, it has a DNS name
    `<serial>.local` and the IP 127.0.0.1, like newer device certificates: then
    OpenSSL ignores the CN.
    """
    dns_names = [f"{device.serial}.local"] if with_san else []
    ips = ["127.0.0.1"] if with_san else []
    return ca.issue(
        device.identity,
        dns_names=dns_names,
        ip_addresses=ips,
        serial_number=int(device.serial, 16) or 1,
    )


def homewizard_server_context(
    test_ca: TestCA, device: HomeWizardDevice, *, with_san: bool = False
) -> ssl.SSLContext:
    """Return a server context presenting `homewizard_certificate`."""
    return test_ca.server_context(
        homewizard_certificate(test_ca, device, with_san=with_san)
    )
