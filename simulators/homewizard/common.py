"""Errors and small helpers shared by the HomeWizard simulator modules."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

VERSION_RE = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")


class ApiError(Exception):
    """A HomeWizard error answer: `{"error": "<scope>:<error>"}` with a status."""

    def __init__(self, code: str, status: int = 400) -> None:
        """Create the error with its code, e.g. `user:unauthorized`."""
        super().__init__(code)
        self.code = code
        self.status = status

    def response(self) -> web.Response:
        """Return the JSON error response."""
        return web.json_response({"error": self.code}, status=self.status)


def parse_version(version: str) -> tuple[int, int, int]:
    """Parse `x.y.z`; raise ValueError otherwise."""
    match = VERSION_RE.match(version)
    if match is None:
        raise ValueError(f"Invalid API version {version!r}, expected x.y.z")
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


def is_number(value: Any) -> bool:
    """Return whether a decoded JSON value is a number (not a bool)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


async def read_object(request: web.Request) -> dict[str, Any]:
    """Return the JSON object body; raise `request:invalid-json` otherwise."""
    try:
        data = await request.json()
    except ValueError as err:
        raise ApiError("request:invalid-json") from err
    if not isinstance(data, dict):
        raise ApiError("request:invalid-json")
    return data
