"""HTTP routes of the HomeWizard API v2 and the simulator's control routes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web
from aiohttp.typedefs import Handler

from simulators.faults import CONTROL_PREFIX

from .common import ApiError, read_object

if TYPE_CHECKING:
    from .device import HomeWizardDevice

API_VERSION_HEADER = "X-Api-Version"


def bearer_token(request: web.Request) -> str | None:
    """Return the token of an `Authorization: Bearer <token>` header."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def check_version(request: web.Request) -> None:
    """Reject an `X-Api-Version` whose major is not 2."""
    wanted = request.headers.get(API_VERSION_HEADER)
    if wanted is not None and wanted.strip().split(".")[0] != "2":
        raise ApiError("request:api-version-not-supported")


def _needs_token(request: web.Request) -> bool:
    if request.path == "/api/ws":
        return False  # authorized in-band
    return not (request.path == "/api/user" and request.method == "POST")


class ApiHandlers:
    """Request handlers bound to one device."""

    def __init__(self, device: HomeWizardDevice) -> None:
        """Serve `device`."""
        self._device = device

    def routes(self) -> list[web.RouteDef]:
        """Return the routes the device's model supports."""
        device = self._device
        model = device.model
        routes = [
            web.get("/api", self._info),
            web.get("/api/measurement", self._measurement),
            web.get("/api/system", self._system),
            web.put("/api/system", self._put_system),
            web.post("/api/user", self._create_user),
            web.get("/api/user", self._users),
            web.delete("/api/user", self._delete_user),
            web.get("/api/ws", device.ws.handle),
            web.post(f"{CONTROL_PREFIX}press", self._press),
            web.post(f"{CONTROL_PREFIX}revoke", self._revoke),
            web.post(f"{CONTROL_PREFIX}token", self._add_token),
            web.post(f"{CONTROL_PREFIX}ws/close", self._close_ws),
        ]
        if model.identify:
            routes.append(web.put("/api/system/identify", self._identify))
        if model.reboot:
            routes.append(web.put("/api/system/reboot", self._reboot))
        if model.kind == "p1":
            routes.append(web.get("/api/telegram", self._telegram))
        if device.battery_group is not None:
            routes.append(web.get("/api/batteries", self._batteries))
            routes.append(web.put("/api/batteries", self._put_batteries))
        return routes

    def setup_app(self, app: web.Application) -> None:
        """Add the auth middleware, the version header and WebSocket shutdown."""
        app.middlewares.append(self._middleware)
        app.on_response_prepare.append(self._add_version_header)
        app.on_shutdown.append(self._on_shutdown)

    @web.middleware
    async def _middleware(
        self, request: web.Request, handler: Handler
    ) -> web.StreamResponse:
        try:
            if not request.path.startswith(CONTROL_PREFIX):
                check_version(request)
                if request.match_info.http_exception is None and _needs_token(request):
                    self._authorized(request)
            return await handler(request)
        except ApiError as err:
            return err.response()

    def _authorized(self, request: web.Request) -> str:
        token = bearer_token(request)
        if token is None or not self._device.token_valid(token):
            raise ApiError("user:unauthorized", 401)
        return token

    async def _add_version_header(
        self, request: web.Request, response: web.StreamResponse
    ) -> None:
        if not request.path.startswith(CONTROL_PREFIX):
            response.headers[API_VERSION_HEADER] = self._device.api_version

    async def _on_shutdown(self, app: web.Application) -> None:
        self._device.close_websockets()

    async def _info(self, request: web.Request) -> web.Response:
        return web.json_response(self._device.device_info())

    async def _measurement(self, request: web.Request) -> web.Response:
        return web.json_response(self._device.measurement())

    async def _telegram(self, request: web.Request) -> web.Response:
        return web.Response(text=self._device.telegram(), content_type="text/plain")

    async def _system(self, request: web.Request) -> web.Response:
        return web.json_response(self._device.system())

    async def _put_system(self, request: web.Request) -> web.Response:
        self._device.update_system(await read_object(request))
        return web.json_response(self._device.system())

    async def _identify(self, request: web.Request) -> web.Response:
        self._device.identify()
        return web.Response(status=204)

    async def _reboot(self, request: web.Request) -> web.Response:
        self._device.reboot()
        return web.Response(status=204)

    async def _batteries(self, request: web.Request) -> web.Response:
        return web.json_response(self._device.batteries())

    async def _put_batteries(self, request: web.Request) -> web.Response:
        self._device.update_batteries(await read_object(request))
        return web.json_response(self._device.batteries())

    async def _create_user(self, request: web.Request) -> web.Response:
        body = await read_object(request)
        if "name" not in body:
            raise ApiError("json:parameter-missing:name")
        token, old = self._device.users.create(body["name"])
        self._device.revoked_tokens([old] if old else [])
        return web.json_response({"token": token, "name": body["name"]})

    async def _users(self, request: web.Request) -> web.Response:
        token = bearer_token(request)
        return web.json_response(self._device.users.listing(token))

    async def _delete_user(self, request: web.Request) -> web.Response:
        body = await read_object(request)
        if "name" not in body:
            raise ApiError("json:parameter-missing:name")
        self._device.delete_user(body["name"])
        return web.Response(status=204)

    async def _press(self, request: web.Request) -> web.Response:
        self._device.press_button()
        return web.json_response({"ok": True})

    async def _revoke(self, request: web.Request) -> web.Response:
        self._device.revoke_all_tokens()
        return web.json_response({"ok": True})

    async def _add_token(self, request: web.Request) -> web.Response:
        body: dict[str, Any] = {}
        if request.can_read_body:
            try:
                body = await read_object(request)
            except ApiError as err:
                return web.json_response({"ok": False, "error": err.code}, status=400)
        token, name = body.get("token"), body.get("name", "local/test")
        if not isinstance(name, str) or not isinstance(token, str | None):
            return web.json_response({"ok": False, "error": "bad token"}, status=400)
        token = self._device.add_token(token, name=name)
        return web.json_response({"ok": True, "token": token})

    async def _close_ws(self, request: web.Request) -> web.Response:
        self._device.close_websockets()
        return web.json_response({"ok": True})
