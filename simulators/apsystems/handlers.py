"""HTTP routes of the EMA OpenAPI and the middlewares that count and guard calls."""

from __future__ import annotations

from collections.abc import Callable
import datetime as dt
from typing import TYPE_CHECKING, Any

from aiohttp import web
from aiohttp.typedefs import Handler

from simulators.faults import CONTROL_PREFIX

from .auth import HEADER_APP_ID, check_signature
from .config import USER_PREFIX
from .views import Call
from .wire import (
    INVALID_APP,
    OCTET_STREAM,
    OK,
    QUOTA_EXCEEDED,
    TOO_MANY_REQUESTS,
    ApiError,
    envelope,
)

if TYPE_CHECKING:
    from .cloud import ApsystemsCloud

CODE_KEY = "apsystems_code"
NOW_KEY = "apsystems_now"
NO_CODE = -1

type View = Callable[[Call], Any]


class CloudHandlers:
    """Routes and middlewares bound to one simulated cloud."""

    def __init__(self, cloud: ApsystemsCloud) -> None:
        """Serve `cloud`."""
        self._cloud = cloud

    def routes(self) -> list[web.RouteDef]:
        """Return a GET route for every endpoint."""
        views = self._cloud.views
        user = f"{USER_PREFIX}/systems"
        device = f"{user}/{{sid}}/devices"
        storage = f"{self._cloud.storage_prefix}/systems/{{sid}}/devices/storage"
        table: list[tuple[str, View]] = [
            (f"{user}/details/{{sid}}", views.details),
            (f"{user}/inverters/{{sid}}", views.inverters),
            (f"{user}/meters/{{sid}}", views.meters),
            (f"{user}/summary/{{sid}}", views.system_summary),
            (f"{user}/energy/{{sid}}", views.system_energy),
            (f"{device}/ecu/summary/{{eid}}", views.ecu_summary),
            (f"{device}/ecu/energy/{{eid}}", views.ecu_energy),
            (f"{device}/meter/summary/{{eid}}", views.meter_summary),
            (f"{device}/meter/period/{{eid}}", views.meter_period),
            (f"{device}/inverter/summary/{{uid}}", views.inverter_summary),
            (f"{device}/inverter/energy/{{uid}}", views.inverter_energy),
            (f"{device}/inverter/batch/energy/{{eid}}", views.batch),
            (f"{storage}/latest/{{eid}}", views.storage_latest),
            (f"{storage}/summary/{{eid}}", views.storage_summary),
            (f"{storage}/period/{{eid}}", views.storage_period),
        ]
        return [web.get(path, self._endpoint(view)) for path, view in table]

    def setup_app(self, app: web.Application) -> None:
        """Count calls before fault injection; check and answer them after it."""
        app.middlewares.insert(1, self._record)
        app.middlewares.append(self._guard)

    def _endpoint(self, view: View) -> Handler:
        async def handle(request: web.Request) -> web.StreamResponse:
            moment = self._cloud.moment(request[NOW_KEY])
            return envelope(OK, view(Call(request.match_info, request.query, moment)))

        return handle

    @web.middleware
    async def _record(
        self, request: web.Request, handler: Handler
    ) -> web.StreamResponse:
        """Count the call (every call of a known App Id, faulted ones too) and log it."""
        if request.path.startswith(CONTROL_PREFIX):
            return await handler(request)
        cloud = self._cloud
        now = request[NOW_KEY] = cloud.data_clock()
        app_id = request.headers.get(HEADER_APP_ID, "")
        if app_id in cloud.credentials:
            cloud.book.count(app_id, cloud.month_of(now), cloud.signature_clock())
        try:
            return await handler(request)
        finally:
            cloud.calls.append(
                (now, app_id, request.path, request.get(CODE_KEY, NO_CODE))
            )

    @web.middleware
    async def _guard(
        self, request: web.Request, handler: Handler
    ) -> web.StreamResponse:
        """Check App Id, signature, quota and burst; answer errors in the envelope."""
        if request.path.startswith(CONTROL_PREFIX):
            return await handler(request)
        try:
            self._authorize(request)
            response = await handler(request)
            code = OK
        except ApiError as err:
            response, code = envelope(err.code), err.code
        request[CODE_KEY] = code
        cloud = self._cloud
        cloud.responses += 1
        every = cloud.octet_stream_every
        if every > 0 and cloud.responses % every == 0:
            response.content_type = OCTET_STREAM
        return response

    def _authorize(self, request: web.Request) -> None:
        cloud = self._cloud
        app_id = request.headers.get(HEADER_APP_ID, "")
        secret = cloud.credentials.get(app_id)
        if secret is None:
            raise ApiError(INVALID_APP)
        now = cloud.signature_clock()
        check_signature(
            request.headers,
            request.method,
            request.path,
            secret,
            now=now,
            max_skew=cloud.max_skew,
        )
        moment: dt.datetime = request[NOW_KEY]
        if cloud.book.in_month(app_id, cloud.month_of(moment)) > cloud.quota:
            raise ApiError(QUOTA_EXCEEDED)
        limit = cloud.burst_limit
        if (
            limit is not None
            and cloud.book.recent(app_id, now, cloud.burst_window) > limit
        ):
            raise ApiError(TOO_MANY_REQUESTS)
