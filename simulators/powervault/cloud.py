"""`PowervaultCloudSim`: the v4 cloud REST API (P4/P5) of one account with two units."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
import datetime as dt
import hmac
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from simulators.faults import CONTROL_PREFIX

from .clocks import SLOT_S, Clock, floor_to, now_utc
from .controls import Schedule, overrides_from
from .device import PowervaultDevice
from .physics import BatteryConfig, PowervaultModel
from .rows import ENDING_NOW, Period, dropped, null_row, period_window, slot_starts
from .wire import ApiError, answer, guarded, read_json

DEFAULT_API_KEY = "sim-powervault-key"
ACCOUNT_ID = 123
ACCOUNT_NAME = "Simulated Household"
PREFIXES = ("", "/v4")
DEFAULT_DROP_EVERY = 17
PUBLISH_SECONDS = 15


@dataclass(frozen=True)
class UnitConfig:
    """One unit of the account."""

    id: str
    model: str
    eprom_id: str
    battery: BatteryConfig = field(default_factory=BatteryConfig)

    def to_json(self) -> dict[str, Any]:
        """Return the unit object of `/unit` answers."""
        return {
            "id": self.id,
            "model": self.model,
            "epromId": self.eprom_id,
            "customerAccountId": ACCOUNT_ID,
        }


DEFAULT_UNITS = (
    UnitConfig("PV-1001", "P4", "4.2.17", BatteryConfig(seed="PV-1001")),
    UnitConfig(
        "PV-1002", "P5", "5.0.3", BatteryConfig(seed="PV-1002", initial_soc_pct=70.0)
    ),
)


class PowervaultCloudSim(PowervaultDevice):
    """The Powervault cloud: `x-api-key`, account 123, units, data, schedule, overrides.

    Routes are served both at the root and under `/v4`. Data has 5-minute
    granularity (reference §3): the latest row (no `period`) is the slot in
    progress, blank (all nulls), which is why clients gave up on it; a row gets
    its values `publish_seconds` after its slot ends. Answers for periods that
    end now (today, past-*) close with the blank row in progress, so past-hour
    holds 13 rows. History answers leave out every `drop_every`-th slot
    (counted from 1970; 0 keeps all).
    """

    def __init__(
        self,
        units: Sequence[UnitConfig] = DEFAULT_UNITS,
        *,
        clock: Clock = now_utc,
        api_key: str = DEFAULT_API_KEY,
        drop_every: int = DEFAULT_DROP_EVERY,
        publish_seconds: int = PUBLISH_SECONDS,
        schedule: Schedule | None = None,
    ) -> None:
        """Serve `units` to whoever sends `api_key`."""
        super().__init__(clock=clock)
        self.units = {unit.id: unit for unit in units}
        self.api_key = api_key
        self.drop_every = drop_every
        self.publish_seconds = publish_seconds
        for unit in units:
            self.models[unit.id] = PowervaultModel(
                unit.battery, schedule=schedule, clock=self.model_clock
            )

    def model(self, unit_id: str) -> PowervaultModel:
        """Return the model of `unit_id`."""
        return self.models[unit_id]

    def configure(self, options: Mapping[str, str]) -> None:
        """Also accept `--token KEY`: the API key to accept."""
        if "token" in options:
            self.api_key = options["token"]
        super().configure({k: v for k, v in options.items() if k != "token"})

    # What the API serves (also truth for tests)

    def latest_row(
        self, unit_id: str, now: dt.datetime | None = None
    ) -> dict[str, Any]:
        """Return the row of the slot in progress at `now` (default: the clock): blank."""
        now = self.now() if now is None else now
        return null_row(floor_to(now, SLOT_S))

    def history_rows(
        self, unit_id: str, period: Period, now: dt.datetime | None = None
    ) -> list[dict[str, Any]]:
        """Return the rows a `period=` answer holds at `now` (dropped rows left out)."""
        now = self.now() if now is None else now
        model = self.models[unit_id]
        start, end = period_window(period, now)
        published = now - dt.timedelta(seconds=SLOT_S + self.publish_seconds)
        rows = [
            model.row(slot) if slot <= published else null_row(slot)
            for slot in slot_starts(start, end)
            if not dropped(slot, self.drop_every)
        ]
        if period in ENDING_NOW:
            rows.append(null_row(end))
        return rows

    # Framework hooks

    def routes(self) -> list[web.RouteDef]:
        """Return the REST routes (at `/` and `/v4`)."""
        table = [
            ("GET", "/customerAccount", self._account),
            ("GET", "/unit", self._units),
            ("GET", "/unit/{unit}", self._unit),
            ("GET", "/unit/{unit}/data", self._data),
            ("GET", "/unit/{unit}/schedule", self._schedule),
            ("GET", "/unit/{unit}/stateOverride", self._get_overrides),
            ("POST", "/unit/{unit}/stateOverride", self._post_overrides),
        ]
        return [
            web.route(method, prefix + path, guarded(handler))
            for prefix in PREFIXES
            for method, path, handler in table
        ]

    def setup_app(self, app: web.Application) -> None:
        """Check the API key after fault injection; save the state."""
        super().setup_app(app)
        app.middlewares.append(self._check_key)

    def vendor_error_body(self) -> dict[str, Any]:
        """Return the cloud's error body."""
        return {"message": "Internal server error"}

    @web.middleware
    async def _check_key(
        self, request: web.Request, handler: Handler
    ) -> web.StreamResponse:
        if not request.path.startswith(CONTROL_PREFIX):
            given = request.headers.get("x-api-key", "")
            if not hmac.compare_digest(given.encode(), self.api_key.encode()):
                return answer({"message": "Unauthorized"}, 401)
        return await handler(request)

    # Endpoints

    def _unit_id(self, request: web.Request) -> str:
        unit_id = request.match_info["unit"]
        if unit_id not in self.units:
            raise ApiError(404, f"unit {unit_id} not found")
        return unit_id

    async def _account(self, request: web.Request) -> web.Response:
        return answer(
            {"customerAccount": {"id": ACCOUNT_ID, "accountName": ACCOUNT_NAME}}
        )

    async def _units(self, request: web.Request) -> web.Response:
        account = request.query.get("customerAccountId")
        if account is None:
            raise ApiError(400, "customerAccountId is required")
        if account != str(ACCOUNT_ID):
            raise ApiError(404, f"account {account} not found")
        return answer({"units": [unit.to_json() for unit in self.units.values()]})

    async def _unit(self, request: web.Request) -> web.Response:
        return answer({"unit": self.units[self._unit_id(request)].to_json()})

    async def _data(self, request: web.Request) -> web.Response:
        unit_id = self._unit_id(request)
        name = request.query.get("period")
        if name is None:
            return answer({"data": [self.latest_row(unit_id)]})
        try:
            period = Period(name)
        except ValueError:
            raise ApiError(400, f"invalid period {name!r}") from None
        return answer({"data": self.history_rows(unit_id, period)})

    async def _schedule(self, request: web.Request) -> web.Response:
        model = self.models[self._unit_id(request)]
        return answer({"schedule": model.controls.schedule.to_json()})

    async def _get_overrides(self, request: web.Request) -> web.Response:
        model = self.models[self._unit_id(request)]
        return answer(
            {"stateOverrides": [o.to_json() for o in model.controls.overrides]}
        )

    async def _post_overrides(self, request: web.Request) -> web.Response:
        model = self.models[self._unit_id(request)]
        body = await read_json(request)
        items = body.get("stateOverrides") if isinstance(body, dict) else None
        if not isinstance(items, list):
            raise ApiError(400, "stateOverrides must be a list")
        try:
            overrides = overrides_from(items)
        except ValueError as err:
            raise ApiError(400, str(err)) from None
        model.set_overrides(overrides, self.now())
        return answer(
            {
                "stateOverrides": [o.to_json() for o in overrides],
                "message": "success",
            }
        )
