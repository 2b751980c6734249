"""The local HTTP API of legacy P3/P3X units (`http://<host>:5000/api/...`, no auth)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
import ipaddress
from typing import Any

import aiohttp

from ..errors import InvalidResponseError
from ..transport import JsonTransport, RetryPolicy
from .const import CHART_FORMAT, LOCAL_PORT, LOCAL_TIMEOUT, MAX_BODY, BatteryState
from .errors import StateRejectedError, map_error
from .models import (
    ChartSample,
    Override,
    Schedule,
    Telemetry,
    chart_from_json,
    override_from_json,
    text,
)
from .state import cancelling_override, new_override

STATUS_OK = "ok"


def _utc_now() -> datetime:
    return datetime.now(UTC)


def base_url(host: str, port: int = LOCAL_PORT) -> str:
    """Return `http://<host>:<port>/api`; an IPv6 address is bracketed."""
    host = host.strip().strip("[]")
    if not host or any(c in host for c in "/?#@ "):
        raise ValueError(f"not a host: {host!r}")
    try:
        if ipaddress.ip_address(host).version == 6:
            host = f"[{host}]"
    except ValueError:
        pass
    if not 0 < port < 65536:
        raise ValueError(f"not a port: {port!r}")
    return f"http://{host}:{port}/api"


def _object(data: Any, what: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise InvalidResponseError(
            f"{what}: expected a JSON object, got {type(data).__name__}"
        )
    return data


def _utc_text(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("chart-data times must be aware datetimes")
    return moment.astimezone(UTC).strftime(CHART_FORMAT)


class PowervaultLocal:
    """Talks to one P3/P3X unit on the LAN. Reads are retried; writes sent once."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        host: str,
        *,
        port: int = LOCAL_PORT,
        timeout: float = LOCAL_TIMEOUT,
        clock: Callable[[], datetime] | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        """Prepare a client; `clock` returns the aware time now (default: UTC now).

        `retry` is for reads (default: a few quick retries); writes are sent once.
        """
        self.host = host
        self.clock = clock or _utc_now
        self._transport = JsonTransport(
            session,
            base_url(host, port),
            timeout=timeout,
            max_body=MAX_BODY,
            headers={"accept": "application/json"},
            error_mapper=map_error,
            retry=retry or RetryPolicy(),
        )

    async def _get(self, path: str, params: dict[str, str] | None = None) -> Any:
        return await self._transport.request("GET", path, params=params)

    async def health(self) -> bool:
        """Return whether the unit says `{"status": "ok"}`."""
        data = _object(await self._get("health"), "health")
        return text(data.get("status")) == STATUS_OK

    async def unit_id(self) -> str:
        """Return the unit's id (`uid`, e.g. "008a2564")."""
        uid = text(_object(await self._get("unit-id"), "unit-id").get("uid"))
        if uid is None:
            raise InvalidResponseError("unit-id: no uid")
        return uid

    async def platform(self) -> str:
        """Return the platform, lower-cased ("p3" or "p3x")."""
        name = text(_object(await self._get("platform"), "platform").get("platform"))
        if name is None:
            raise InvalidResponseError("platform: no platform")
        return name.lower()

    async def telemetry(self) -> Telemetry:
        """Return the latest telemetry."""
        return Telemetry.from_json(await self._get("latest-telemetry"))

    async def schedule(self) -> Schedule:
        """Return the weekly schedule (UK wall times)."""
        return Schedule.from_json(await self._get("schedule"))

    async def override(self) -> Override | None:
        """Return the state override (UTC), or None if there is none."""
        return override_from_json(await self._get("state-override"))

    async def chart_data(self, start: datetime, end: datetime) -> list[ChartSample]:
        """Return the samples (~30 s apart) between aware `start` and `end`."""
        params = {"start": _utc_text(start), "end": _utc_text(end)}
        return chart_from_json(await self._get("chart-data", params))

    async def set_state(
        self,
        state: BatteryState | str,
        *,
        until: datetime | None = None,
        duration: timedelta | None = None,
    ) -> Override:
        """Override the state from now for `duration` or until `until` (default 24 h).

        The arguments are checked (ValueError) before any request.
        """
        override = new_override(state, self.clock(), until=until, duration=duration)
        await self._post_override(override)
        return override

    async def cancel_override(self) -> None:
        """Replace the override by an empty `normal` one (start = end = now).

        The unit keeps a single override, so this clears it (inferred, as for the cloud).
        """
        await self._post_override(cancelling_override(self.clock()))

    async def _post_override(self, override: Override) -> None:
        data = _object(
            await self._transport.request(
                "POST", "state-override", json_body=override.to_json()
            ),
            "state override",
        )
        status = text(data.get("status"))
        if status is None or status.lower() != STATUS_OK:
            raise StateRejectedError(f"status {str(status)[:100]!r}")
