"""Reach a device from HA: the library's probe and connect, on HA's session and contexts."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .tls import async_get_ssl_contexts
from .vendor.energy_api.homewizard import HomeWizardClient, Probe, connect, probe


async def async_probe(hass: HomeAssistant, host: str) -> Probe:
    """Return the identity the device proves with its certificate (no token sent)."""
    contexts = await async_get_ssl_contexts(hass)
    return await probe(async_get_clientsession(hass), host, contexts)


async def async_connect(
    hass: HomeAssistant, host: str, token: str | None, identity: str | None = None
) -> HomeWizardClient:
    """Return a client whose every connection verifies the device's identity.

    With `identity`, a device that proves another identity raises `CertificateError`.
    """
    contexts = await async_get_ssl_contexts(hass)
    return await connect(
        async_get_clientsession(hass), host, contexts, token=token, identity=identity
    )
