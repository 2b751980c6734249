"""Fault injection: an aiohttp middleware that breaks responses on demand."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

CONTROL_PREFIX = "/_sim/"
DEFAULT_DELAY = 30.0
DEFAULT_HUGE_SIZE = 2 * 1024 * 1024
MALFORMED_JSON = '{"power_w": 12,'
HTML_PAGE = "<html><body><h1>502 Bad Gateway</h1></body></html>"


class FaultKind(StrEnum):
    """What an injected fault does to a response."""

    STATUS = "status"
    HANG = "hang"
    MALFORMED = "malformed"
    TRUNCATED = "truncated"
    HTML = "html"
    EMPTY = "empty"
    HUGE = "huge"
    CONTENT_TYPE = "content_type"
    VENDOR_ERROR = "vendor_error"
    DROP = "drop"


@dataclass(frozen=True, slots=True)
class Fault:
    """One injected fault.

    `count` is how many matching requests it affects before clearing itself
    (None: until cleared). `status` None means the kind's default (500 for
    `status`, 200 otherwise). `body` overrides the JSON body of `status` and
    `vendor_error` faults.
    """

    kind: FaultKind
    status: int | None = None
    delay: float = DEFAULT_DELAY
    count: int | None = None
    path_prefix: str = "/"
    body: Any = None
    size: int = DEFAULT_HUGE_SIZE

    def __post_init__(self) -> None:
        """Accept the kind as a plain string; reject a count below 1."""
        object.__setattr__(self, "kind", FaultKind(self.kind))
        if self.count is not None and self.count < 1:
            raise ValueError("Fault count must be at least 1")

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Fault:
        """Build a fault from a control request body; raise ValueError if invalid."""
        try:
            return cls(
                kind=FaultKind(data["kind"]),
                status=_optional_int(data.get("status")),
                delay=float(data.get("delay", DEFAULT_DELAY)),
                count=_optional_int(data.get("count")),
                path_prefix=str(data.get("path", "/")),
                body=data.get("body"),
                size=int(data.get("size", DEFAULT_HUGE_SIZE)),
            )
        except (KeyError, TypeError) as err:
            raise ValueError(f"Invalid fault: {err!r}") from err


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


class FaultInjector:
    """Hold the active fault and apply it to matching requests."""

    def __init__(self, vendor_error_body: Callable[[], dict[str, Any]]) -> None:
        """Use `vendor_error_body` for the body of `vendor_error` faults."""
        self._vendor_error_body = vendor_error_body
        self._fault: Fault | None = None
        self._remaining: int | None = None

    @property
    def fault(self) -> Fault | None:
        """Return the active fault, if any."""
        return self._fault

    def set(self, fault: Fault) -> None:
        """Activate `fault`, replacing any other."""
        self._fault = fault
        self._remaining = fault.count

    def clear(self) -> None:
        """Deactivate the fault."""
        self._fault = None
        self._remaining = None

    def take(self, path: str) -> Fault | None:
        """Return the fault for a request to `path`, counting it down."""
        fault = self._fault
        if fault is None or not path.startswith(fault.path_prefix):
            return None
        if self._remaining is not None:
            self._remaining -= 1
            if self._remaining <= 0:
                self.clear()
        return fault

    @web.middleware
    async def middleware(
        self, request: web.Request, handler: Handler
    ) -> web.StreamResponse:
        """Apply the active fault to every request except control routes."""
        fault = None
        if not request.path.startswith(CONTROL_PREFIX):
            fault = self.take(request.path)
        if fault is None:
            return await handler(request)
        return await self._apply(fault, request, handler)

    async def _apply(
        self, fault: Fault, request: web.Request, handler: Handler
    ) -> web.StreamResponse:
        if fault.kind is FaultKind.HANG:
            await asyncio.sleep(fault.delay)
            return await handler(request)
        if fault.kind is FaultKind.CONTENT_TYPE:
            response = await handler(request)
            response.content_type = "application/octet-stream"
            return response
        if fault.kind is FaultKind.VENDOR_ERROR:
            body = self._vendor_error_body() if fault.body is None else fault.body
            return web.json_response(body, status=fault.status or 200)
        return await _broken_response(fault, request)


async def _broken_response(fault: Fault, request: web.Request) -> web.StreamResponse:
    match fault.kind:
        case FaultKind.STATUS:
            body = {"error": "simulated fault"} if fault.body is None else fault.body
            return web.json_response(body, status=fault.status or 500)
        case FaultKind.TRUNCATED:
            return await _truncated(request, fault.status or 200)
        case FaultKind.DROP:
            _close(request)
            return web.Response()
    return _static_response(fault)


def _static_response(fault: Fault) -> web.Response:
    status = fault.status or 200
    match fault.kind:
        case FaultKind.MALFORMED:
            return web.Response(
                status=status, text=MALFORMED_JSON, content_type="application/json"
            )
        case FaultKind.HTML:
            return web.Response(status=status, text=HTML_PAGE, content_type="text/html")
        case FaultKind.HUGE:
            text = '["' + "x" * max(fault.size - 4, 0) + '"]'
            return web.Response(
                status=status, text=text, content_type="application/json"
            )
    # FaultKind.EMPTY
    return web.Response(status=status, body=b"", content_type="application/json")


async def _truncated(request: web.Request, status: int) -> web.StreamResponse:
    """Promise more bytes than are sent, then close the connection."""
    part = b'{"power_w": 1'
    response = web.StreamResponse(status=status)
    response.content_type = "application/json"
    response.content_length = len(part) * 10
    await response.prepare(request)
    await response.write(part)
    _close(request)
    return response


def _close(request: web.Request) -> None:
    """Close the connection; aiohttp then fails quietly to write the rest."""
    if request.transport is not None:
        request.transport.close()
