"""Powervault errors on top of the shared `energy_api.errors` hierarchy."""

from __future__ import annotations

from typing import Any

from ..errors import EnergyApiError, VendorApiError


class NotFoundError(VendorApiError):
    """HTTP 404: the unit (or endpoint) does not exist for this key or device."""

    def __init__(self, message: str = "") -> None:
        """Keep the status as the code."""
        super().__init__("404", message or "not found (check the unit id)")


class StateRejectedError(VendorApiError):
    """The API answered a set-state request without saying it succeeded."""

    def __init__(self, message: str) -> None:
        """Keep what the API said."""
        super().__init__("state_rejected", message)


def map_error(status: int, body: Any) -> EnergyApiError | None:
    """Map HTTP 404 to `NotFoundError`; leave every other status to the transport."""
    if status == 404:
        reason = body if isinstance(body, str) else ""
        return NotFoundError(f"HTTP 404: {reason}" if reason else "")
    return None
