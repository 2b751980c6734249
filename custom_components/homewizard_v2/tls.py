"""SSL contexts for the integration: HomeWizard's CA, built off the event loop."""

from __future__ import annotations

from collections.abc import Awaitable
import os
from pathlib import Path

from homeassistant.core import HomeAssistant
from homeassistant.util.hass_dict import HassKey

from .const import DEVELOPMENT_CA_ENV, LOGGER
from .vendor.energy_api.homewizard import HOMEWIZARD_CA_PEM, SslContexts


def _build() -> SslContexts:
    ca_pem = HOMEWIZARD_CA_PEM
    if development_ca := os.environ.get(DEVELOPMENT_CA_ENV):
        LOGGER.warning(
            "Trusting the development CA in %s instead of HomeWizard's", development_ca
        )
        ca_pem = Path(development_ca).read_text(encoding="utf-8")
    return SslContexts.from_ca(ca_pem)


_CONTEXTS: HassKey[Awaitable[SslContexts]] = HassKey("homewizard_v2_ssl_contexts")


async def async_get_ssl_contexts(hass: HomeAssistant) -> SslContexts:
    """Return the contexts, built once per HA run in an executor (parsing is blocking)."""
    if _CONTEXTS not in hass.data:
        hass.data[_CONTEXTS] = hass.async_add_executor_job(_build)
    return await hass.data[_CONTEXTS]
