"""`ApsystemsCloud`: the EMA OpenAPI of one system, with quota, signatures and truth."""

from __future__ import annotations

from collections.abc import Callable, Mapping
import datetime as dt
import ipaddress
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from energy_api.timewarp import TimeWarp
from simulators.base import SimulatedDevice
from simulators.tls import ServerCert, TestCA

from .accounting import CallBook
from .clocks import accelerated, as_utc, floor_quarter, now_utc, wall_time
from .config import (
    DEFAULT_CREDENTIALS,
    DEFAULT_QUOTA,
    USER_PREFIX,
    SystemConfig,
)
from .handlers import CloudHandlers
from .ledger import SLOT_S
from .periods import Moment
from .system import SystemModel
from .views import Views
from .wire import INTERNAL_ERROR

VENDOR_HOST = "api.apsystemsema.com"
FAR_FUTURE = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)

type CallRecord = tuple[dt.datetime, str, str, int]


class ApsystemsCloud(SimulatedDevice):
    """The APsystems EMA cloud (OpenAPI, end user) serving one system.

    `clock` is the data clock (aware datetimes): it decides what is
    published (up to the last quarter hour), what "today" is and which month
    a call counts in. `signature_clock` (Unix seconds) checks the request
    timestamps and the burst limit. Both default to the wall clock, looked
    up on each call so that freezegun moves them.

    Every call with a known App Id counts against `quota` per month in the
    system's time zone, failed and faulted ones too; past it the answer is
    2005. More than `burst_limit` calls within `burst_window` seconds get
    7002. Every `octet_stream_every`-th answer says
    `Content-Type: application/octet-stream`; every `gap_every`-th slot of a
    day is missing from minutely answers.
    """

    def __init__(
        self,
        system: SystemConfig | None = None,
        *,
        clock: Callable[[], dt.datetime] = now_utc,
        signature_clock: Callable[[], float] = wall_time,
        credentials: Mapping[str, str] = DEFAULT_CREDENTIALS,
        quota: int = DEFAULT_QUOTA,
        burst_limit: int | None = None,
        burst_window: float = 1.0,
        octet_stream_every: int = 0,
        gap_every: int = 0,
        max_skew: float = 300.0,
        storage_prefix: str = USER_PREFIX,
    ) -> None:
        """Serve `system` (default: `SystemConfig()`)."""
        super().__init__(clock=signature_clock)
        self.system = system or SystemConfig()
        self.model = SystemModel(self.system)
        self.zone = ZoneInfo(self.system.timezone)
        self.data_clock = clock
        self.signature_clock = signature_clock
        self.credentials = dict(credentials)
        self.quota = quota
        self.burst_limit = burst_limit
        self.burst_window = burst_window
        self.octet_stream_every = octet_stream_every
        self.max_skew = max_skew
        self.storage_prefix = storage_prefix
        self.views = Views(self.model, gap_every)
        self.book = CallBook()
        self.calls: list[CallRecord] = []
        self.responses = 0
        self._handlers = CloudHandlers(self)

    @property
    def gap_every(self) -> int:
        """Return n: every n-th slot of a day is missing from minutely answers (0: none)."""
        return self.views.gap_every

    @gap_every.setter
    def gap_every(self, value: int) -> None:
        self.views.gap_every = value

    # Time

    def moment(self, now: dt.datetime | None = None) -> Moment:
        """Return what is published and which local day it is at `now` (default: the clock)."""
        now = as_utc(self.data_clock() if now is None else now)
        return Moment(now, floor_quarter(now), now.astimezone(self.zone).date())

    def month_of(self, at: dt.datetime) -> str:
        """Return the month ("YYYY-MM", system time zone) a call at `at` counts in."""
        return as_utc(at).astimezone(self.zone).strftime("%Y-%m")

    # Truth for tests: the same integer Wh the API serves

    def slot_energy_wh(self, start: dt.datetime) -> int:
        """Return the system's Wh in the 5-minute slot starting at `start`."""
        start = as_utc(start)
        if start.timestamp() % SLOT_S:
            raise ValueError(f"{start} does not start a 5-minute slot")
        return sum(self.model.production.slot_rows(start))

    def production_kwh(self, start: dt.datetime, end: dt.datetime) -> float:
        """Return the kWh of the whole slots within [`start`, `end`)."""
        return sum(self.model.production.between(as_utc(start), as_utc(end))) / 1000

    def hourly_truth(self, day: dt.date) -> list[float]:
        """Return the kWh per local hour 0..23 of `day`, as the API serves it once published.

        On a 25-hour day the repeated hour holds both; on a 23-hour day the
        skipped hour is 0.
        """
        hours = self.model.production.hourly(day, FAR_FUTURE)
        return [sum(t or ()) / 1000 for t in hours]

    def lifetime_kwh(self, at: dt.datetime) -> float:
        """Return the lifetime kWh the summary shows when the data clock reads `at`."""
        moment = self.moment(at)
        ledger = self.model.production
        produced = ledger.span(ledger.create_date, moment.today, moment.published)
        return (sum(self.model.start_wh) + sum(produced)) / 1000

    def calls_in_month(self, app_id: str, month: str) -> int:
        """Return the calls `app_id` made in `month` ("YYYY-MM", system time zone)."""
        return self.book.in_month(app_id, month)

    # Options

    def configure(self, options: Mapping[str, str]) -> None:
        """Apply `--state FILE` (keep the call counts), `--speed N` or `--time-warp W` (fast data clock)."""
        unknown = set(options) - {"state", "speed", "time_warp"}
        if unknown:
            super().configure({name: options[name] for name in unknown})
        if "speed" in options:
            self.data_clock = accelerated(float(options["speed"]), self.data_clock)
        if "time_warp" in options:
            warp = TimeWarp.parse(options["time_warp"])
            self.data_clock = lambda: warp.warped(now_utc())
        if "state" in options:
            self.keep_state(Path(options["state"]))

    def keep_state(self, path: Path) -> None:
        """Continue from the call counts saved in `path`, if any, and save them there."""
        self.book.keep_in(path)

    # Framework hooks

    def routes(self) -> list[web.RouteDef]:
        """Return the OpenAPI routes."""
        return self._handlers.routes()

    def setup_app(self, app: web.Application) -> None:
        """Add the call counting and checking middlewares."""
        self._handlers.setup_app(app)

    def server_certificate(self, ca: TestCA, host: str) -> ServerCert:
        """Return a certificate for `host`, localhost, 127.0.0.1 and the vendor's host."""
        dns_names = ["localhost", VENDOR_HOST]
        ips = ["127.0.0.1"]
        if host not in {*dns_names, *ips}:
            (ips if _is_ip(host) else dns_names).append(host)
        return ca.issue(host, dns_names=dns_names, ip_addresses=ips)

    def vendor_error_body(self) -> dict[str, Any]:
        """Return the EMA envelope of an internal error."""
        return {"code": INTERNAL_ERROR, "data": None}

    def state(self) -> dict[str, Any]:
        """Return the data time, what is published and the calls per App Id and month."""
        moment = self.moment()
        return {
            "sid": self.model.sid,
            "now": moment.now.isoformat(),
            "published": moment.published.isoformat(),
            "quota": self.quota,
            "calls": {app: dict(months) for app, months in self.book.months.items()},
            "requests": len(self.calls),
        }


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
