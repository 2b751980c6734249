"""Answer codes (manual Annex 1) mapped onto the shared error hierarchy."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from energy_api import errors as shared
from energy_api.apsystems import (
    AccountRejectedError,
    BusyError,
    InvalidParameterError,
    PermissionDeniedError,
    QuotaExhaustedError,
    ServiceError,
    SignatureRejectedError,
    error_for_code,
    next_month_start,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
# 2025-06-30 17:00 UTC is 2025-07-01 01:00 in Shanghai: already July there.
NOW = datetime(2025, 6, 30, 17, 0, tzinfo=UTC).timestamp()


def mapped(code: int, timezone: ZoneInfo | None = None) -> shared.EnergyApiError:
    return error_for_code(
        code, "system_summary", timezone=timezone or ZoneInfo("UTC"), now=NOW
    )


@pytest.mark.parametrize("code", [1000, 5000, 6000])
def test_transient(code: int) -> None:
    err = mapped(code)
    assert isinstance(err, ServiceError)
    assert isinstance(err, shared.CannotConnectError)
    assert err.code == code
    assert f"code {code}" in str(err)


@pytest.mark.parametrize("code", [2000, 2001, 2002, 2003, 3000, 3001, 3002, 3003, 3004])
def test_account(code: int) -> None:
    err = mapped(code)
    assert isinstance(err, AccountRejectedError)
    assert isinstance(err, shared.AuthenticationError)
    assert err.code == code
    assert f"code {code}" in str(err)
    assert "App Id and App Secret" in str(err)


def test_permission_names_the_endpoint() -> None:
    err = mapped(2004)
    assert isinstance(err, PermissionDeniedError)
    assert isinstance(err, shared.VendorApiError)
    assert err.endpoint == "system_summary"
    assert err.code == "2004"
    assert "system_summary" in str(err)


@pytest.mark.parametrize("code", [2005, 7001])
def test_quota_resets_at_next_month_in_system_time(code: int) -> None:
    err = mapped(code, SHANGHAI)
    assert isinstance(err, QuotaExhaustedError)
    assert isinstance(err, shared.QuotaExhaustedError)
    assert isinstance(err, shared.RateLimitedError)
    assert err.code == code
    assert err.resets_at == datetime(2025, 8, 1, tzinfo=SHANGHAI)
    assert err.retry_after == err.resets_at.timestamp() - NOW
    assert "2025-08-01T00:00:00+08:00" in str(err)
    utc = mapped(code)
    assert isinstance(utc, QuotaExhaustedError)
    assert utc.resets_at == datetime(2025, 7, 1, tzinfo=ZoneInfo("UTC"))
    assert utc.retry_after == pytest.approx(7 * 3600)


def test_next_month_start() -> None:
    assert next_month_start(datetime(2025, 12, 31, 23, 59, tzinfo=UTC)) == datetime(
        2026, 1, 1, tzinfo=UTC
    )
    london = ZoneInfo("Europe/London")
    start = next_month_start(datetime(2025, 3, 15, tzinfo=london))
    assert start == datetime(2025, 4, 1, tzinfo=london)
    assert start.utcoffset() == timedelta(hours=1)


@pytest.mark.parametrize("code", [7000, 7002, 7003])
def test_busy(code: int) -> None:
    err = mapped(code)
    assert isinstance(err, BusyError)
    assert type(err).__mro__[1] is shared.RateLimitedError
    assert err.retry_after == 60.0
    assert err.code == code


def test_signature_and_parameters() -> None:
    err = mapped(4000)
    assert isinstance(err, SignatureRejectedError)
    assert str(err) == (
        "the API rejected the request signature or parameters (code 4000): usually "
        "the computer's clock is off by minutes, the App Secret is wrong, or the "
        "request was signed wrongly"
    )
    assert err.code == "4000"
    invalid = mapped(4001)
    assert isinstance(invalid, InvalidParameterError)
    assert invalid.code == "4001"
    assert "system_summary" in str(invalid)


def test_unknown_code() -> None:
    err = mapped(8123)
    assert type(err) is shared.VendorApiError
    assert err.code == "8123"
