"""Clients for an entry: the cloud's address and a local unit's host and port.

Reads are not retried at once: the next poll (5 minutes, or the local interval)
is the retry, and missed data is filled in then.
"""

from __future__ import annotations

import os

import aiohttp

from .const import DEVELOPMENT_CLOUD_URL_ENV
from .vendor.energy_api.powervault import (
    DEFAULT_CLOUD_URL,
    LOCAL_PORT,
    PowervaultCloud,
    PowervaultLocal,
)
from .vendor.energy_api.transport import NO_RETRY


def cloud_client(session: aiohttp.ClientSession, api_key: str) -> PowervaultCloud:
    """Return a cloud client (the simulated cloud under scripts/develop and tests)."""
    url = os.environ.get(DEVELOPMENT_CLOUD_URL_ENV) or DEFAULT_CLOUD_URL
    return PowervaultCloud(session, api_key, base_url=url, retry=NO_RETRY)


def local_client(session: aiohttp.ClientSession, address: str) -> PowervaultLocal:
    """Return a client of the unit at `host` or `host:port` (port 5000 by default)."""
    host, port = split_address(address)
    return PowervaultLocal(session, host, port=port, retry=NO_RETRY)


def split_address(address: str) -> tuple[str, int]:
    """Split `host[:port]` (an IPv6 address with a port in brackets); raise ValueError."""
    text = address.strip()
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port = rest.removeprefix(":")
        return host, int(port) if port else LOCAL_PORT
    if text.count(":") == 1:
        host, port = text.split(":")
        return host, int(port)
    return text, LOCAL_PORT
