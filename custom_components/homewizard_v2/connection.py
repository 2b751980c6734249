"""Connect to a device: check its certificate and identity, then talk with the token."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .tls import async_get_ssl_contexts
from .vendor.energy_api.errors import CertificateError
from .vendor.energy_api.homewizard import HomeWizardClient, Probe


async def async_probe(hass: HomeAssistant, host: str) -> Probe:
    """Return the identity the device proves with its certificate (no token sent)."""
    contexts = await async_get_ssl_contexts(hass)
    client = HomeWizardClient(
        async_get_clientsession(hass), host, ssl_context=contexts.probe
    )
    return await client.probe()


async def async_connect(
    hass: HomeAssistant, host: str, token: str | None, identity: str | None = None
) -> HomeWizardClient:
    """Return a client whose every connection verifies the device's identity.

    With `identity`, a device that proves another identity raises `CertificateError`.
    """
    probe = await async_probe(hass, host)
    if identity is not None and probe.identity != identity:
        raise CertificateError(f"{host} is now {probe.identity}, not {identity}")
    contexts = await async_get_ssl_contexts(hass)
    return HomeWizardClient(
        async_get_clientsession(hass),
        host,
        ssl_context=contexts.verified,
        tls_name=probe.tls_name,
        token=token,
    )
