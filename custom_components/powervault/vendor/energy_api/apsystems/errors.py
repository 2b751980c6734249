"""APsystems answer codes mapped onto the shared `energy_api.errors` hierarchy."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, tzinfo

from .. import errors
from ..errors import (
    AuthenticationError,
    CannotConnectError,
    EnergyApiError,
    RateLimitedError,
    VendorApiError,
)
from .const import BUSY_RETRY_AFTER

SUCCESS = 0
NO_DATA = 1001

# The manual's Annex 1.
MEANINGS: dict[int, str] = {
    1000: "data exception",
    1001: "no data",
    2000: "application account exception",
    2001: "invalid application account",
    2002: "the application account is not authorized",
    2003: "application account authorization expired",
    2004: "the application account has no permission",
    2005: "the access limit of the application account was exceeded",
    3000: "access token exception",
    3001: "access token missing",
    3002: "unable to verify the access token",
    3003: "access token timeout",
    3004: "refresh token timeout",
    4000: "request parameter exception",
    4001: "invalid request parameter",
    5000: "internal server exception",
    6000: "communication exception",
    7000: "server access restriction exception",
    7001: "server access limit exceeded",
    7002: "too many requests, please request later",
    7003: "the system is busy, please request later",
}
TRANSIENT_CODES = frozenset({1000, 5000, 6000})
ACCOUNT_CODES = frozenset({2000, 2001, 2002, 2003, 3000, 3001, 3002, 3003, 3004})
QUOTA_CODES = frozenset({2005, 7001})
BUSY_CODES = frozenset({7000, 7002, 7003})
SIGNATURE_MESSAGE = (
    "the API rejected the request signature or parameters (code 4000): usually the "
    "computer's clock is off by minutes, the App Secret is wrong, or the request was "
    "signed wrongly"
)


class ServiceError(CannotConnectError):
    """The cloud reported a transient problem of its own (1000, 5000, 6000)."""

    def __init__(self, code: int) -> None:
        """Keep the code; the message says it is transient."""
        super().__init__(
            f"the APsystems cloud reported a transient problem (code {code}: "
            f"{MEANINGS[code]}); try again later"
        )
        self.code = code


class AccountRejectedError(AuthenticationError):
    """The application account (App Id/Secret) was rejected (2000-2003, 3000-3004)."""

    def __init__(self, code: int) -> None:
        """Keep the code; the message says which code and what to check."""
        super().__init__(
            f"the APsystems cloud rejected the application account (code {code}: "
            f"{MEANINGS[code]}): check the App Id and App Secret"
        )
        self.code = code


class QuotaExhaustedError(errors.QuotaExhaustedError):
    """The month's call quota is used up (2005, 7001) until `resets_at`."""

    def __init__(self, code: int, resets_at: datetime, retry_after: float) -> None:
        """Keep the code and when the quota resets (next month's start, system time)."""
        super().__init__(
            f"the API call quota of the application account is used up (code {code}); "
            f"it resets at {resets_at.isoformat()}",
            retry_after=retry_after,
        )
        self.code = code
        self.resets_at = resets_at


class BusyError(RateLimitedError):
    """The cloud asks for fewer requests for now (7000, 7002, 7003)."""

    def __init__(self, code: int) -> None:
        """Keep the code; back off for `BUSY_RETRY_AFTER` seconds."""
        super().__init__(
            f"the APsystems cloud asks to slow down (code {code}: {MEANINGS[code]})",
            retry_after=BUSY_RETRY_AFTER,
        )
        self.code = code


class _CodedError(VendorApiError):
    """A vendor error whose text is its message alone (the message names the code)."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(str(code), message)
        self.args = (message,)


class PermissionDeniedError(_CodedError):
    """The application account may not use this endpoint (2004); `endpoint` names it."""

    def __init__(self, endpoint: str) -> None:
        """Keep the endpoint's name (never an id)."""
        super().__init__(
            2004,
            f"the application account has no permission for {endpoint} (code 2004)",
        )
        self.endpoint = endpoint


class SignatureRejectedError(_CodedError):
    """The request's signature, timestamp or parameters were rejected (4000)."""

    def __init__(self) -> None:
        """Explain the usual causes."""
        super().__init__(4000, SIGNATURE_MESSAGE)


class InvalidParameterError(_CodedError):
    """A request parameter was rejected (4001)."""

    def __init__(self, endpoint: str) -> None:
        """Name the endpoint whose parameters were rejected."""
        super().__init__(4001, f"invalid request parameter for {endpoint} (code 4001)")


def next_month_start(now: datetime) -> datetime:
    """Return the first instant of the month after aware `now`, in its timezone."""
    year, month = (now.year + 1, 1) if now.month == 12 else (now.year, now.month + 1)
    return datetime.combine(date(year, month, 1), datetime.min.time(), now.tzinfo)


def _signature_rejected(code: int) -> EnergyApiError:
    return SignatureRejectedError()


_BY_CODE: dict[int, Callable[[int], EnergyApiError]] = {
    **dict.fromkeys(TRANSIENT_CODES, ServiceError),
    **dict.fromkeys(ACCOUNT_CODES, AccountRejectedError),
    **dict.fromkeys(BUSY_CODES, BusyError),
    4000: _signature_rejected,
}


def error_for_code(
    code: int, endpoint: str, *, timezone: tzinfo, now: float
) -> EnergyApiError:
    """Return the error for a non-zero answer code other than 1001 (no data).

    `now` (Unix seconds) and `timezone` (the system's) date the quota reset.
    """
    if code in QUOTA_CODES:
        resets_at = next_month_start(datetime.fromtimestamp(now, timezone))
        return QuotaExhaustedError(
            code, resets_at, max(0.0, resets_at.timestamp() - now)
        )
    if code == 2004:
        return PermissionDeniedError(endpoint)
    if code == 4001:
        return InvalidParameterError(endpoint)
    if (factory := _BY_CODE.get(code)) is not None:
        return factory(code)
    return VendorApiError(str(code), "unexpected answer code from the APsystems cloud")
