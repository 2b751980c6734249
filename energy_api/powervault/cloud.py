"""The Powervault cloud REST API (P4/P5): account, units, data, schedule, overrides."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
import re
from typing import Any

import aiohttp

from ..errors import InvalidResponseError
from ..redact import SECRET_KEYS
from ..transport import JsonTransport, RetryPolicy
from .const import (
    API_KEY_HEADER,
    CLOUD_TIMEOUT,
    DEFAULT_CLOUD_URL,
    MAX_BODY,
    BatteryState,
    Period,
)
from .errors import StateRejectedError, map_error
from .models import (
    Account,
    DataRow,
    Override,
    Schedule,
    Unit,
    overrides_from_json,
    rows_from_json,
    units_from_json,
)
from .state import cancelling_override, new_override

# What a unit id may look like ("PV-1001"): one plain path segment.
_UNIT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", re.ASCII)
SUCCESS = "success"
# Keys whose values name the account or a unit: kept out of DEBUG logs.
IDENTIFYING_KEYS = frozenset({"id", "customerAccountId", "accountName", "unitId"})


def _utc_now() -> datetime:
    return datetime.now(UTC)


def check_unit_id(unit_id: str) -> str:
    """Return `unit_id` if it is a plain id; raise ValueError before any request."""
    if not isinstance(unit_id, str) or not _UNIT_ID.fullmatch(unit_id):
        raise ValueError(f"not a unit id: {unit_id!r}")
    return unit_id


def parse_period(period: Period | str) -> Period:
    """Return `period` as a `Period`; raise ValueError naming the valid ones."""
    try:
        return Period(period)
    except ValueError:
        choices = ", ".join(p.value for p in Period)
        raise ValueError(
            f"unknown period {period!r}; expected one of {choices}"
        ) from None


class PowervaultCloud:
    """Talks to `https://rest-api.powervault.co.uk/v4` with one API key.

    Reads are retried on connection errors and HTTP 5xx; writes are sent once.
    401/403 raise `AuthenticationError`, 404 `NotFoundError`, 5xx `CannotConnectError`,
    a timeout `ApiTimeoutError`, a body that is not the promised JSON
    `InvalidResponseError`. The key never reaches logs or error messages.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        api_key: str,
        *,
        base_url: str = DEFAULT_CLOUD_URL,
        timeout: float = CLOUD_TIMEOUT,
        clock: Callable[[], datetime] | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        """Prepare a client; `clock` returns the aware time now (default: UTC now).

        `retry` is for reads (default: a few quick retries); writes are sent once.
        """
        if not api_key or not isinstance(api_key, str):
            raise ValueError("an API key is required")
        self.api_key = api_key
        self.clock = clock or _utc_now
        self._unit_ids: set[str] = set()
        self._transport = JsonTransport(
            session,
            base_url,
            timeout=timeout,
            max_body=MAX_BODY,
            headers={API_KEY_HEADER: api_key, "accept": "application/json"},
            error_mapper=map_error,
            retry=retry or RetryPolicy(),
            secrets=lambda: (self.api_key, *self._unit_ids),
            secret_keys=SECRET_KEYS | IDENTIFYING_KEYS,
        )

    def _unit_path(self, unit_id: str, tail: str = "") -> str:
        """Return the path below `unit/`; the id is kept out of logs from now on."""
        self._unit_ids.add(check_unit_id(unit_id))
        return f"unit/{unit_id}{tail}"

    async def _get(self, path: str, params: dict[str, str] | None = None) -> Any:
        return await self._transport.request("GET", path, params=params)

    async def account(self) -> Account:
        """Return the key's customer account."""
        return Account.from_json(await self._get("customerAccount"))

    async def units(self, account_id: int) -> list[Unit]:
        """Return the account's units."""
        data = await self._get("unit", {"customerAccountId": str(account_id)})
        units = units_from_json(data)
        self._unit_ids.update(unit.id for unit in units)
        return units

    async def unit(self, unit_id: str) -> Unit:
        """Return one unit (model, firmware)."""
        return Unit.from_json(await self._get(self._unit_path(unit_id)))

    async def data(
        self, unit_id: str, period: Period | str | None = None
    ) -> list[DataRow]:
        """Return the rows of `period` (oldest first), or the latest row if None."""
        path = self._unit_path(unit_id, "/data")
        params = None if period is None else {"period": parse_period(period).value}
        return rows_from_json(await self._get(path, params))

    async def schedule(self, unit_id: str) -> Schedule:
        """Return the unit's weekly schedule (UK wall times)."""
        return Schedule.from_json(
            await self._get(self._unit_path(unit_id, "/schedule"))
        )

    async def overrides(self, unit_id: str) -> list[Override]:
        """Return the unit's state overrides (UTC)."""
        return overrides_from_json(
            await self._get(self._unit_path(unit_id, "/stateOverride"))
        )

    async def set_state(
        self,
        unit_id: str,
        state: BatteryState | str,
        *,
        until: datetime | None = None,
        duration: timedelta | None = None,
    ) -> Override:
        """Override the state from now for `duration` or until `until` (default 24 h).

        The arguments are checked (ValueError) before any request. Returns the
        override posted; it replaces the unit's overrides.
        """
        override = new_override(state, self.clock(), until=until, duration=duration)
        await self._post_override(self._unit_path(unit_id, "/stateOverride"), override)
        return override

    async def cancel_override(self, unit_id: str) -> None:
        """Clear the unit's overrides so that its schedule applies again at once.

        No delete endpoint is known and a POST replaces the overrides, so this posts
        one empty `normal` override (start = end = now), which never applies (inferred).
        """
        await self._post_override(
            self._unit_path(unit_id, "/stateOverride"),
            cancelling_override(self.clock()),
        )

    async def _post_override(self, path: str, override: Override) -> None:
        data = await self._transport.request(
            "POST",
            path,
            json_body={"stateOverrides": [override.to_json()]},
        )
        if not isinstance(data, dict):
            raise InvalidResponseError(
                f"state override: expected a JSON object, got {type(data).__name__}"
            )
        message = data.get("message")
        if message is not None and str(message).strip().lower() != SUCCESS:
            raise StateRejectedError(str(message)[:200])
        if message is None and "stateOverrides" not in data:
            raise StateRejectedError("the answer does not confirm the override")
