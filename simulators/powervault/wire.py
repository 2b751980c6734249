"""JSON answers and errors on the wire."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import functools
import json
from typing import Any

from aiohttp import web

type Endpoint = Callable[[web.Request], Awaitable[web.StreamResponse]]


class ApiError(Exception):
    """Answer with HTTP `status` and `{"message": message}`."""

    def __init__(self, status: int, message: str, *, local: bool = False) -> None:
        """Fail with `status`; the local API adds `"status": "error"` to the body."""
        super().__init__(message)
        self.status = status
        self.body: dict[str, Any] = {"message": message}
        if local:
            self.body = {"status": "error", "message": message}


def answer(body: Any, status: int = 200) -> web.Response:
    """Return `body` as JSON."""
    return web.json_response(body, status=status, dumps=json.dumps)


def guarded(endpoint: Endpoint) -> Endpoint:
    """Turn `ApiError` raised by `endpoint` into its JSON answer."""

    @functools.wraps(endpoint)
    async def handle(request: web.Request) -> web.StreamResponse:
        try:
            return await endpoint(request)
        except ApiError as err:
            return answer(err.body, err.status)

    return handle


async def read_json(request: web.Request) -> Any:
    """Return the request body as JSON; raise ApiError 400 if it is not."""
    try:
        return await request.json()
    except ValueError:
        raise ApiError(400, "body is not JSON") from None
