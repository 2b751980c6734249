"""The wire format: response codes, the envelope and kWh strings."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

OK = 0
NO_DATA = 1001
INVALID_APP = 2001
NO_PERMISSION = 2004
QUOTA_EXCEEDED = 2005
BAD_REQUEST = 4000
INVALID_PARAMETER = 4001
INTERNAL_ERROR = 5000
TOO_MANY_REQUESTS = 7002

JSON = "application/json"
OCTET_STREAM = "application/octet-stream"


class ApiError(Exception):
    """Answer with this non-zero code (HTTP 200, `"data": null`)."""

    def __init__(self, code: int) -> None:
        """Answer `code`."""
        super().__init__(code)
        self.code = code


def kwh(wh: int) -> str:
    """Return integer Wh as a kWh string with three decimals, exactly: 1234 -> "1.234"."""
    sign = "-" if wh < 0 else ""
    whole, part = divmod(abs(wh), 1000)
    return f"{sign}{whole}.{part:03d}"


def envelope(code: int, data: Any = None) -> web.Response:
    """Return `{"code": code, "data": data}` as an HTTP 200 JSON response."""
    text = json.dumps({"code": code, "data": data}, separators=(",", ":"))
    return web.Response(text=text, content_type=JSON)
