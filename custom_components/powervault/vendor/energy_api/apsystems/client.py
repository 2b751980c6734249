"""The APsystems OpenAPI (EMA cloud) client: signed GETs, one method per endpoint."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, tzinfo
import json
import logging
import re
import ssl
import time
from typing import Any

import aiohttp

from ..errors import (
    ApiTimeoutError,
    CannotConnectError,
    CertificateError,
    InvalidResponseError,
)
from ..redact import REDACTED, SECRET_KEYS, redact_data, redact_text
from ..transport import NO_RETRY, JsonTransport, RetryPolicy, decode_json
from .const import (
    DEFAULT_BASE_URL,
    DEFAULT_RETRY_ATTEMPTS,
    DEFAULT_TIMEOUT,
    MAX_BODY,
    USER_PREFIX,
    Endpoint,
    EnergyLevel,
)
from .errors import NO_DATA, SUCCESS, error_for_code
from .models import (
    BatchEnergy,
    BatchPower,
    Ecu,
    EcuMinutely,
    EnergySummary,
    InverterMinutely,
    InverterSummary,
    MeterPeriod,
    MeterSummary,
    StorageLatest,
    StoragePeriod,
    StorageSummary,
    SystemDetails,
    channel_energy_from_json,
    ecus_from_json,
    energy_from_json,
    integer,
    meters_from_json,
)
from .signing import signed_headers

_LOGGER = logging.getLogger(__name__)

# Keys whose values identify the system or its devices, kept out of debug logs.
IDENTIFYING_KEYS = frozenset({"sid", "eid", "uid", "ecu", "authorization_code"})
# Serial-like tokens (10+ letters and digits, at least one digit): ids not yet known.
_IDENTIFIER = re.compile(
    r"(?<![0-9A-Za-z])(?=[A-Za-z]*[0-9])[0-9A-Za-z]{10,}(?![0-9A-Za-z])"
)
_MAX_LOGGED = 2000
# What a sid, eid or uid may look like: one plain path segment.
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", re.ASCII)


def default_date_range(level: EnergyLevel, today: date) -> str | None:
    """Return the `date_range` of "now" for `level`: the day, month, year, or none."""
    match level:
        case EnergyLevel.DAILY:
            return f"{today.year:04d}-{today.month:02d}"
        case EnergyLevel.MONTHLY:
            return f"{today.year:04d}"
        case EnergyLevel.YEARLY:
            return None
    return today.isoformat()


def _wall_time() -> float:
    """Return `time.time()`."""
    return time.time()


class ApsystemsClient:
    """Talks to the APsystems OpenAPI with one App Id/Secret.

    Every attempt is signed afresh and announced to `on_request(endpoint name)` first,
    retries included (each costs quota). Connection errors and HTTP 5xx are retried
    up to `retry_attempts` attempts in all; answer codes never are. A method returns
    None when the API has no data (code 1001).
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        app_id: str,
        app_secret: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        storage_prefix: str = USER_PREFIX,
        timezone: tzinfo = UTC,
        on_request: Callable[[str], None] | None = None,
        ssl_context: ssl.SSLContext | bool = True,
        timeout: float = DEFAULT_TIMEOUT,
        retry_attempts: int = DEFAULT_RETRY_ATTEMPTS,
        clock: Callable[[], float] | None = None,
    ) -> None:
        """Prepare a client; `timezone` is the system's (dates, `HH:mm` points, quota)."""
        self.app_id = app_id
        self.app_secret = app_secret
        self.storage_prefix = storage_prefix.rstrip("/")
        self.timezone = timezone
        self.on_request = on_request
        self.retry_attempts = max(1, retry_attempts)
        # Looked up per call by default, so a patched `time.time` (tests) applies.
        self.clock = clock or _wall_time
        self._retry = RetryPolicy(attempts=self.retry_attempts)
        self._ids: set[str] = set()
        self._transport = JsonTransport(
            session,
            base_url,
            timeout=timeout,
            max_body=MAX_BODY,
            retry=NO_RETRY,
            ssl_context=ssl_context,
            secrets=self._secrets,
            secret_keys=SECRET_KEYS | IDENTIFYING_KEYS,
        )

    def _secrets(self) -> list[str | None]:
        """Return the values kept out of logs and errors: credentials and ids."""
        return [self.app_id, self.app_secret, *self._ids]

    def remember(self, *ids: str | None) -> None:
        """Keep these ids (sid, eid, uid) out of logs and error messages from now on."""
        self._ids.update(value for value in ids if value)

    def now(self) -> datetime:
        """Return the clock's time in the system's timezone."""
        return datetime.fromtimestamp(self.clock(), self.timezone)

    def today(self) -> date:
        """Return today's date in the system's timezone."""
        return self.now().date()

    async def _get(
        self,
        endpoint: Endpoint,
        path: str,
        ids: Iterable[str],
        params: dict[str, str] | None = None,
    ) -> Any:
        """Send a signed GET (retried if unreachable); return `data`, None on 1001."""
        for value in ids:
            if not _ID.fullmatch(value):
                # Not echoed: ids are kept out of messages.
                raise ValueError(f"{endpoint}: an id is empty or not one path segment")
        self.remember(*ids)
        attempt = 1
        while True:
            if self.on_request is not None:
                self.on_request(endpoint)
            headers = signed_headers(
                self.app_id, self.app_secret, path, now=self.clock()
            )
            try:
                reply = await self._transport.send(
                    "GET", path, params=params, headers=headers, log_body=False
                )
            except CannotConnectError as err:
                if attempt >= self.retry_attempts or isinstance(
                    err, ApiTimeoutError | CertificateError
                ):
                    raise
                delay = self._retry.delay(attempt)
                _LOGGER.debug(
                    "%s failed (%s); attempt %d in %.2fs",
                    endpoint,
                    err,
                    attempt + 1,
                    delay,
                )
                await asyncio.sleep(delay)
                attempt += 1
                continue
            return self._unwrap(endpoint, decode_json(reply.body, max_body=MAX_BODY))

    def _unwrap(self, endpoint: Endpoint, envelope: Any) -> Any:
        """Return the envelope's `data`, None for 1001; raise for other codes."""
        if not isinstance(envelope, dict):
            raise InvalidResponseError(
                f"{endpoint}: expected a JSON object, got {type(envelope).__name__}"
            )
        code = integer(envelope.get("code"))
        if code is None:
            raise InvalidResponseError(f"{endpoint}: the answer has no code")
        self._log_answer(endpoint, code, envelope.get("data"))
        if code == SUCCESS:
            return envelope.get("data")
        if code == NO_DATA:
            return None
        raise error_for_code(code, endpoint, timezone=self.timezone, now=self.clock())

    def _log_answer(self, endpoint: Endpoint, code: int, data: Any) -> None:
        if not _LOGGER.isEnabledFor(logging.DEBUG):
            return
        shown = json.dumps(redact_data(data, SECRET_KEYS | IDENTIFYING_KEYS))
        shown = _IDENTIFIER.sub(REDACTED, redact_text(shown, self._secrets()))
        _LOGGER.debug("%s answered code %d: %s", endpoint, code, shown[:_MAX_LOGGED])

    def _energy_params(
        self, level: EnergyLevel | str, date_range: str | None, *, minutely: bool
    ) -> dict[str, str]:
        level = EnergyLevel(level)
        if level is EnergyLevel.MINUTELY and not minutely:
            raise ValueError("minutely data has its own method (*_minutely)")
        if date_range is None:
            date_range = default_date_range(level, self.today())
        params = {"energy_level": level.value}
        if date_range is not None:
            params["date_range"] = date_range
        return params

    def _system(self, sid: str, what: str) -> str:
        return f"{USER_PREFIX}/systems/{what}/{sid}"

    def _device(self, sid: str, what: str, device_id: str) -> str:
        return f"{USER_PREFIX}/systems/{sid}/devices/{what}/{device_id}"

    def _storage(self, sid: str, what: str, eid: str) -> str:
        return f"{self.storage_prefix}/systems/{sid}/devices/storage/{what}/{eid}"

    async def system_details(self, sid: str) -> SystemDetails | None:
        """Return the system's details: timezone, capacity, ECUs."""
        data = await self._get(
            Endpoint.SYSTEM_DETAILS, self._system(sid, "details"), [sid]
        )
        if data is None:
            return None
        details = SystemDetails.from_json(data, sid)
        self.remember(details.sid, *details.ecus)
        return details

    async def inverters(self, sid: str) -> list[Ecu] | None:
        """Return the ECUs with their inverters."""
        data = await self._get(
            Endpoint.INVERTERS, self._system(sid, "inverters"), [sid]
        )
        if data is None:
            return None
        ecus = ecus_from_json(data)
        for ecu in ecus:
            self.remember(ecu.eid, *(inverter.uid for inverter in ecu.inverters))
        return ecus

    async def meters(self, sid: str) -> list[str] | None:
        """Return the meters' eids."""
        data = await self._get(Endpoint.METERS, self._system(sid, "meters"), [sid])
        if data is None:
            return None
        eids = meters_from_json(data)
        self.remember(*eids)
        return eids

    async def system_summary(self, sid: str) -> EnergySummary | None:
        """Return the system's energy today, this month, this year and in all."""
        data = await self._get(
            Endpoint.SYSTEM_SUMMARY, self._system(sid, "summary"), [sid]
        )
        return None if data is None else EnergySummary.from_json(data)

    async def system_energy(
        self, sid: str, level: EnergyLevel, date_range: str | None = None
    ) -> list[float | None] | None:
        """Return the system's energy series in kWh (hourly, daily, monthly, yearly).

        `date_range` defaults to today, this month, this year (none for yearly).
        """
        params = self._energy_params(level, date_range, minutely=False)
        data = await self._get(
            Endpoint.SYSTEM_ENERGY, self._system(sid, "energy"), [sid], params
        )
        return None if data is None else energy_from_json(data)

    async def ecu_summary(self, sid: str, eid: str) -> EnergySummary | None:
        """Return an ECU's energy today, this month, this year and in all."""
        data = await self._get(
            Endpoint.ECU_SUMMARY, self._device(sid, "ecu/summary", eid), [sid, eid]
        )
        return None if data is None else EnergySummary.from_json(data)

    async def ecu_energy(
        self, sid: str, eid: str, level: EnergyLevel, date_range: str | None = None
    ) -> list[float | None] | None:
        """Return an ECU's energy series in kWh (hourly, daily, monthly, yearly)."""
        params = self._energy_params(level, date_range, minutely=False)
        data = await self._get(
            Endpoint.ECU_ENERGY,
            self._device(sid, "ecu/energy", eid),
            [sid, eid],
            params,
        )
        return None if data is None else energy_from_json(data)

    async def ecu_minutely(self, sid: str, eid: str, day: date) -> EcuMinutely | None:
        """Return an ECU's 5-minute energy and power of `day` (system's timezone)."""
        params = {
            "energy_level": EnergyLevel.MINUTELY.value,
            "date_range": day.isoformat(),
        }
        data = await self._get(
            Endpoint.ECU_MINUTELY,
            self._device(sid, "ecu/energy", eid),
            [sid, eid],
            params,
        )
        return None if data is None else EcuMinutely.from_json(data, day, self.timezone)

    async def meter_summary(self, sid: str, eid: str) -> MeterSummary | None:
        """Return a meter's totals of today, this month, this year and in all."""
        data = await self._get(
            Endpoint.METER_SUMMARY, self._device(sid, "meter/summary", eid), [sid, eid]
        )
        return None if data is None else MeterSummary.from_json(data)

    async def meter_period(
        self, sid: str, eid: str, level: EnergyLevel, date_range: str | None = None
    ) -> MeterPeriod | None:
        """Return a meter's energy series (any level, minutely included)."""
        params = self._energy_params(level, date_range, minutely=True)
        data = await self._get(
            Endpoint.METER_PERIOD,
            self._device(sid, "meter/period", eid),
            [sid, eid],
            params,
        )
        return None if data is None else MeterPeriod.from_json(data)

    async def inverter_summary(self, sid: str, uid: str) -> InverterSummary | None:
        """Return an inverter's energy per channel: today, month, year, lifetime."""
        data = await self._get(
            Endpoint.INVERTER_SUMMARY,
            self._device(sid, "inverter/summary", uid),
            [sid, uid],
        )
        return None if data is None else InverterSummary.from_json(data)

    async def inverter_energy(
        self, sid: str, uid: str, level: EnergyLevel, date_range: str | None = None
    ) -> dict[int, list[float | None]] | None:
        """Return an inverter's energy series per channel in kWh (hourly..yearly)."""
        params = self._energy_params(level, date_range, minutely=False)
        data = await self._get(
            Endpoint.INVERTER_ENERGY,
            self._device(sid, "inverter/energy", uid),
            [sid, uid],
            params,
        )
        return None if data is None else channel_energy_from_json(data)

    async def inverter_minutely(
        self, sid: str, uid: str, day: date
    ) -> InverterMinutely | None:
        """Return an inverter's 5-minute AC and DC readings of `day`."""
        params = {
            "energy_level": EnergyLevel.MINUTELY.value,
            "date_range": day.isoformat(),
        }
        data = await self._get(
            Endpoint.INVERTER_MINUTELY,
            self._device(sid, "inverter/energy", uid),
            [sid, uid],
            params,
        )
        if data is None:
            return None
        return InverterMinutely.from_json(data, day, self.timezone)

    async def batch_power(self, sid: str, eid: str, day: date) -> BatchPower | None:
        """Return the power of every inverter channel of an ECU at 5-minute points."""
        data = await self._get(
            Endpoint.BATCH_POWER,
            self._device(sid, "inverter/batch/energy", eid),
            [sid, eid],
            {"energy_level": "power", "date_range": day.isoformat()},
        )
        if data is None:
            return None
        batch = BatchPower.from_json(data, day, self.timezone)
        self.remember(*(uid for uid, _ in batch.power_w))
        return batch

    async def batch_energy(self, sid: str, eid: str, day: date) -> BatchEnergy | None:
        """Return the energy of `day` of every inverter channel of an ECU."""
        data = await self._get(
            Endpoint.BATCH_ENERGY,
            self._device(sid, "inverter/batch/energy", eid),
            [sid, eid],
            {"energy_level": "energy", "date_range": day.isoformat()},
        )
        if data is None:
            return None
        batch = BatchEnergy.from_json(data)
        self.remember(*(uid for uid, _ in batch.energy_kwh))
        return batch

    async def storage_latest(self, sid: str, eid: str) -> StorageLatest | None:
        """Return the battery's latest state of charge, mode and day totals."""
        data = await self._get(
            Endpoint.STORAGE_LATEST, self._storage(sid, "latest", eid), [sid, eid]
        )
        return None if data is None else StorageLatest.from_json(data, self.now())

    async def storage_summary(self, sid: str, eid: str) -> StorageSummary | None:
        """Return the battery system's totals of today, month, year and lifetime."""
        data = await self._get(
            Endpoint.STORAGE_SUMMARY, self._storage(sid, "summary", eid), [sid, eid]
        )
        return None if data is None else StorageSummary.from_json(data)

    async def storage_period(
        self, sid: str, eid: str, level: EnergyLevel, date_range: str | None = None
    ) -> StoragePeriod | None:
        """Return the battery system's series (any level, minutely included)."""
        params = self._energy_params(level, date_range, minutely=True)
        data = await self._get(
            Endpoint.STORAGE_PERIOD,
            self._storage(sid, "period", eid),
            [sid, eid],
            params,
        )
        return None if data is None else StoragePeriod.from_json(data)
