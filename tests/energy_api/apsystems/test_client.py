"""The client against a canned server over a real socket: paths, signing, codes, bodies."""

import asyncio
import base64
from datetime import UTC, date, datetime
import hashlib
import hmac
import logging
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
from aiohttp import web
import pytest

from energy_api.apsystems import (
    AccountRejectedError,
    ApsystemsClient,
    BusyError,
    EnergyLevel,
    EnergySummary,
    PermissionDeniedError,
    QuotaExhaustedError,
    ServiceError,
    SignatureRejectedError,
    default_date_range,
)
from energy_api.errors import (
    ApiTimeoutError,
    AuthenticationError,
    CannotConnectError,
    InvalidResponseError,
    RateLimitedError,
    VendorApiError,
)
from tests.canned_server import Seen

from .conftest import APP_ID, APP_SECRET, EID, NOW, SID, UID, Calls, CannedServer

P = "/user/api/v2"
LONDON = ZoneInfo("Europe/London")
DAY = date(2025, 6, 1)


def assert_signed(seen: Seen) -> None:
    """Check that the request carries a valid signature over its last path segment."""
    headers = seen.headers
    text = "/".join(
        (
            headers["X-CA-Timestamp"],
            headers["X-CA-Nonce"],
            APP_ID,
            seen.path.rsplit("/", 1)[-1],
            "GET",
            "HmacSHA256",
        )
    )
    expected = base64.b64encode(
        hmac.new(APP_SECRET.encode(), text.encode(), hashlib.sha256).digest()
    ).decode()
    assert headers["X-CA-AppId"] == APP_ID
    assert headers["X-CA-Signature-Method"] == "HmacSHA256"
    assert headers["X-CA-Signature"] == expected
    assert len(headers["X-CA-Timestamp"]) == 13


async def test_system_endpoints(
    client: ApsystemsClient, canned: CannedServer, calls: Calls
) -> None:
    canned.data(
        f"{P}/systems/details/{SID}",
        {
            "sid": SID,
            "create_date": "2024-05-01",
            "capacity": "4.8",
            "type": 1,
            "timezone": "Europe/London",
            "ecu": [EID],
            "light": 1,
        },
    )
    canned.data(
        f"{P}/systems/inverters/{SID}",
        [{"eid": EID, "type": 0, "inverter": [{"uid": UID, "type": "DS3"}]}],
    )
    canned.data(f"{P}/systems/meters/{SID}", ["216200001234"])
    canned.data(
        f"{P}/systems/summary/{SID}",
        {"today": "1.24", "month": "30", "year": "300", "lifetime": "1234.5"},
    )
    canned.data(f"{P}/systems/energy/{SID}", ["0", "0.5", None])

    details = await client.system_details(SID)
    assert details is not None
    assert details.zone == LONDON
    assert details.ecus == (EID,)
    ecus = await client.inverters(SID)
    assert ecus is not None
    assert ecus[0].inverters[0].channels == 2
    assert await client.meters(SID) == ["216200001234"]
    assert await client.system_summary(SID) == EnergySummary(1.24, 30.0, 300.0, 1234.5)
    assert await client.system_energy(SID, EnergyLevel.HOURLY, "2025-06-01") == [
        0.0,
        0.5,
        None,
    ]
    assert calls.names == [
        "system_details",
        "inverters",
        "meters",
        "system_summary",
        "system_energy",
    ]
    assert canned.seen[-1].query == {
        "energy_level": "hourly",
        "date_range": "2025-06-01",
    }
    for seen in canned.seen:
        assert_signed(seen)


async def test_device_endpoints(
    client: ApsystemsClient, canned: CannedServer, calls: Calls
) -> None:
    client.timezone = LONDON
    device = f"{P}/systems/{SID}/devices"
    canned.data(f"{device}/ecu/summary/{EID}", {"today": "1", "lifetime": "2"})
    canned.data(
        f"{device}/ecu/energy/{EID}",
        {"time": ["12:00"], "energy": ["0.1"], "power": ["1200"], "today": "3"},
    )
    canned.data(f"{device}/meter/summary/{EID}", {"today": {"consumed": "5"}})
    canned.data(f"{device}/meter/period/{EID}", {"time": ["01"], "consumed": ["1"]})
    canned.data(f"{device}/inverter/summary/{UID}", {"d1": "1", "t1": "100"})
    canned.data(
        f"{device}/inverter/energy/{UID}",
        {"t": ["12:00"], "ac_p1": ["300"], "dc_p1": ["150"], "dc_p2": ["150"]},
    )
    canned.data(
        f"{device}/inverter/batch/energy/{EID}",
        {"time": ["12:00"], "power": {f"{UID}-1": [150], f"{UID}-2": [151]}},
    )
    canned.data(f"{device}/storage/latest/{EID}", {"soc": "97", "time": "11:55"})
    canned.data(f"{device}/storage/summary/{EID}", {"today": {"charge": "1"}})
    canned.data(f"{device}/storage/period/{EID}", {"time": ["01"], "charge": ["1"]})

    ecu_summary = await client.ecu_summary(SID, EID)
    assert ecu_summary is not None
    assert ecu_summary.lifetime == 2.0
    minutely = await client.ecu_minutely(SID, EID, DAY)
    assert minutely is not None
    assert minutely.times == (datetime(2025, 6, 1, 12, tzinfo=LONDON),)
    meter = await client.meter_summary(SID, EID)
    assert meter is not None
    assert meter.today.consumed == 5.0
    period = await client.meter_period(SID, EID, EnergyLevel.MINUTELY, "2025-06-01")
    assert period is not None
    assert period.consumed == (1.0,)
    summary = await client.inverter_summary(SID, UID)
    assert summary is not None
    assert summary.lifetime == {1: 100.0}
    inverter = await client.inverter_minutely(SID, UID, DAY)
    assert inverter is not None
    assert inverter.ac_power_w == (300.0,)
    power = await client.batch_power(SID, EID, DAY)
    assert power is not None
    assert power.power_w == {(UID, 1): (150.0,), (UID, 2): (151.0,)}
    latest = await client.storage_latest(SID, EID)
    assert latest is not None
    assert latest.time == datetime(2025, 6, 1, 11, 55, tzinfo=LONDON)
    storage = await client.storage_summary(SID, EID)
    assert storage is not None
    assert storage.today.charge == 1.0
    storage_period = await client.storage_period(SID, EID, EnergyLevel.DAILY)
    assert storage_period is not None
    assert storage_period.series == {"charge": (1.0,)}

    queries = [(s.path.removeprefix(device), s.query) for s in canned.seen]
    assert queries == [
        (f"/ecu/summary/{EID}", {}),
        (
            f"/ecu/energy/{EID}",
            {"energy_level": "minutely", "date_range": "2025-06-01"},
        ),
        (f"/meter/summary/{EID}", {}),
        (
            f"/meter/period/{EID}",
            {"energy_level": "minutely", "date_range": "2025-06-01"},
        ),
        (f"/inverter/summary/{UID}", {}),
        (
            f"/inverter/energy/{UID}",
            {"energy_level": "minutely", "date_range": "2025-06-01"},
        ),
        (
            f"/inverter/batch/energy/{EID}",
            {"energy_level": "power", "date_range": "2025-06-01"},
        ),
        (f"/storage/latest/{EID}", {}),
        (f"/storage/summary/{EID}", {}),
        (
            f"/storage/period/{EID}",
            {"energy_level": "daily", "date_range": "2025-06"},
        ),
    ]
    assert calls.names[-1] == "storage_period"
    assert len(calls.names) == len(canned.seen) == 10
    for seen in canned.seen:
        assert_signed(seen)


async def test_series_endpoints_and_installer_storage_prefix(
    canned: CannedServer, session: aiohttp.ClientSession, calls: Calls
) -> None:
    client = ApsystemsClient(
        session,
        APP_ID,
        APP_SECRET,
        base_url=canned.url + "/",
        storage_prefix="/installer/api/v2/",
        on_request=calls,
        clock=lambda: NOW,
    )
    device = f"{P}/systems/{SID}/devices"
    canned.data(f"{device}/ecu/energy/{EID}", ["1", "2"])
    canned.data(f"{device}/inverter/energy/{UID}", {"e1": ["1"], "e2": ["2"]})
    canned.data(f"{device}/inverter/batch/energy/{EID}", {"energy": [f"{UID}-1-1.24"]})
    canned.data(f"/installer/api/v2/systems/{SID}/devices/storage/latest/{EID}", {})
    assert await client.ecu_energy(SID, EID, EnergyLevel.MONTHLY) == [1.0, 2.0]
    assert await client.inverter_energy(SID, UID, EnergyLevel.YEARLY) == {
        1: [1.0],
        2: [2.0],
    }
    batch = await client.batch_energy(SID, EID, DAY)
    assert batch is not None
    assert batch.energy_kwh == {(UID, 1): 1.24}
    latest = await client.storage_latest(SID, EID)
    assert latest is not None
    assert latest.soc is None
    assert [s.query for s in canned.seen[:3]] == [
        {"energy_level": "monthly", "date_range": "2025"},
        {"energy_level": "yearly"},
        {"energy_level": "energy", "date_range": "2025-06-01"},
    ]
    assert calls.names == [
        "ecu_energy",
        "inverter_energy",
        "batch_energy",
        "storage_latest",
    ]


async def test_date_range_defaults_in_system_timezone(
    client: ApsystemsClient, canned: CannedServer
) -> None:
    # NOW is 11:00 UTC on June 1st: already June 2nd at UTC+14.
    client.timezone = ZoneInfo("Pacific/Kiritimati")
    assert client.today() == date(2025, 6, 2)
    canned.data(f"{P}/systems/energy/{SID}", [])
    for level in EnergyLevel:
        if level is not EnergyLevel.MINUTELY:
            assert await client.system_energy(SID, level) == []
    assert [s.query.get("date_range") for s in canned.seen] == [
        "2025-06-02",
        "2025-06",
        "2025",
        None,
    ]
    assert default_date_range(EnergyLevel.MINUTELY, date(2025, 1, 2)) == "2025-01-02"
    with pytest.raises(ValueError, match="minutely"):
        await client.system_energy(SID, EnergyLevel.MINUTELY)
    with pytest.raises(ValueError, match="minutely"):
        await client.inverter_energy(SID, UID, "minutely")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="hourlyish"):
        await client.ecu_energy(SID, EID, "hourlyish")  # type: ignore[arg-type]
    assert len(canned.seen) == 4


async def test_octet_stream_body(client: ApsystemsClient, canned: CannedServer) -> None:
    canned.answer(
        f"{P}/systems/summary/{SID}",
        web.Response(
            body=b'{"code":0,"data":{"today":"1.5"}}',
            content_type="application/octet-stream",
        ),
    )
    summary = await client.system_summary(SID)
    assert summary is not None
    assert summary.today == 1.5


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.system_details(SID),
        lambda c: c.inverters(SID),
        lambda c: c.meters(SID),
        lambda c: c.system_summary(SID),
        lambda c: c.system_energy(SID, EnergyLevel.HOURLY),
        lambda c: c.ecu_summary(SID, EID),
        lambda c: c.ecu_energy(SID, EID, EnergyLevel.DAILY),
        lambda c: c.ecu_minutely(SID, EID, DAY),
        lambda c: c.meter_summary(SID, EID),
        lambda c: c.meter_period(SID, EID, EnergyLevel.HOURLY),
        lambda c: c.inverter_summary(SID, UID),
        lambda c: c.inverter_energy(SID, UID, EnergyLevel.HOURLY),
        lambda c: c.inverter_minutely(SID, UID, DAY),
        lambda c: c.batch_power(SID, EID, DAY),
        lambda c: c.batch_energy(SID, EID, DAY),
        lambda c: c.storage_latest(SID, EID),
        lambda c: c.storage_summary(SID, EID),
        lambda c: c.storage_period(SID, EID, EnergyLevel.HOURLY),
    ],
)
async def test_no_data_is_none(
    client: ApsystemsClient, canned: CannedServer, calls: Calls, call: Any
) -> None:
    canned.default = {"code": 1001, "data": None}
    assert await call(client) is None
    assert len(calls.names) == len(canned.seen) == 1


async def test_unanswered_path_is_an_invalid_parameter(
    client: ApsystemsClient, canned: CannedServer
) -> None:
    with pytest.raises(VendorApiError) as caught:
        await client.meters(SID)
    assert caught.value.code == "4001"
    assert "meters" in str(caught.value)


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (4000, SignatureRejectedError),
        (2001, AccountRejectedError),
        (2004, PermissionDeniedError),
        (2005, QuotaExhaustedError),
        (7001, QuotaExhaustedError),
        (7002, BusyError),
        (5000, ServiceError),
        (1000, ServiceError),
        (9999, VendorApiError),
    ],
)
async def test_codes_raise_once(
    client: ApsystemsClient,
    canned: CannedServer,
    calls: Calls,
    code: int,
    error: type[Exception],
) -> None:
    canned.data(f"{P}/systems/summary/{SID}", None, code)
    with pytest.raises(error) as caught:
        await client.system_summary(SID)
    # Answer codes are never retried, not even the transient ones.
    assert calls.names == ["system_summary"]
    assert SID not in str(caught.value)


async def test_quota_reset_in_system_timezone(
    client: ApsystemsClient, canned: CannedServer
) -> None:
    client.timezone = LONDON
    canned.data(f"{P}/systems/summary/{SID}", None, "2005")  # type: ignore[arg-type]
    with pytest.raises(QuotaExhaustedError) as caught:
        await client.system_summary(SID)
    assert caught.value.resets_at == datetime(2025, 7, 1, tzinfo=LONDON)
    assert (
        caught.value.retry_after
        == datetime(2025, 7, 1, tzinfo=LONDON).timestamp() - NOW
    )
    assert isinstance(caught.value, RateLimitedError)


async def test_success_without_data_is_none(
    client: ApsystemsClient, canned: CannedServer
) -> None:
    canned.answer(f"{P}/systems/summary/{SID}", {"code": 0})
    assert await client.system_summary(SID) is None


@pytest.mark.parametrize(
    "answer",
    [
        web.Response(text="<html><body>502</body></html>", content_type="text/html"),
        web.Response(body=b"", content_type="application/json"),
        web.Response(body=b'{"code":0,', content_type="application/json"),
        web.Response(text='"ok"', content_type="application/json"),
        web.Response(text='{"data": {}}', content_type="application/json"),
        web.Response(text='{"code": "x", "data": {}}', content_type="application/json"),
        web.Response(text='{"code": 0, "data": []}', content_type="application/json"),
        web.Response(
            body=b'["' + b"x" * (5 * 1024 * 1024) + b'"]',
            content_type="application/json",
        ),
    ],
    ids=[
        "html",
        "empty",
        "malformed",
        "not-object",
        "no-code",
        "bad-code",
        "list",
        "huge",
    ],
)
async def test_bad_bodies(
    client: ApsystemsClient, canned: CannedServer, calls: Calls, answer: web.Response
) -> None:
    canned.answer(f"{P}/systems/summary/{SID}", answer)
    with pytest.raises(InvalidResponseError):
        await client.system_summary(SID)
    assert calls.names == ["system_summary"]


async def test_http_500_then_success_is_signed_again(
    canned: CannedServer, session: aiohttp.ClientSession, calls: Calls
) -> None:
    ticks = iter([NOW, NOW + 1.5, NOW + 3.0])
    client = ApsystemsClient(
        session,
        APP_ID,
        APP_SECRET,
        base_url=canned.url,
        on_request=calls,
        clock=lambda: next(ticks),
    )
    canned.answer(
        f"{P}/systems/summary/{SID}",
        web.json_response({"error": "oops"}, status=500),
        {"code": 0, "data": {"today": "2"}},
    )
    summary = await client.system_summary(SID)
    assert summary is not None
    assert summary.today == 2.0
    assert calls.names == ["system_summary", "system_summary"]
    first, second = canned.seen
    assert first.headers["X-CA-Timestamp"] == str(int(NOW * 1000))
    assert second.headers["X-CA-Timestamp"] == str(int((NOW + 1.5) * 1000))
    assert first.headers["X-CA-Nonce"] != second.headers["X-CA-Nonce"]
    assert_signed(first)
    assert_signed(second)


async def test_http_errors_stop_after_the_attempts(
    canned: CannedServer, session: aiohttp.ClientSession, calls: Calls
) -> None:
    canned.answer(
        f"{P}/systems/summary/{SID}", lambda: web.Response(status=503, text="busy")
    )
    client = ApsystemsClient(
        session,
        APP_ID,
        APP_SECRET,
        base_url=canned.url,
        on_request=calls,
        retry_attempts=3,
        clock=lambda: NOW,
    )
    with pytest.raises(CannotConnectError, match="HTTP 503"):
        await client.system_summary(SID)
    assert len(calls.names) == len(canned.seen) == 3
    # Other statuses are not retried.
    calls.names.clear()
    canned.answer(f"{P}/systems/summary/{SID}", web.Response(status=401))
    with pytest.raises(AuthenticationError):
        await client.system_summary(SID)
    canned.answer(f"{P}/systems/summary/{SID}", web.Response(status=429))
    with pytest.raises(RateLimitedError):
        await client.system_summary(SID)
    assert len(calls.names) == 2


async def test_timeout_is_not_retried(
    canned: CannedServer, session: aiohttp.ClientSession, calls: Calls
) -> None:
    release = asyncio.Event()

    async def slow() -> dict[str, Any]:
        await release.wait()
        return {"code": 0, "data": {}}

    canned.answer(f"{P}/systems/summary/{SID}", slow)
    client = ApsystemsClient(
        session,
        APP_ID,
        APP_SECRET,
        base_url=canned.url,
        on_request=calls,
        timeout=0.2,
        clock=lambda: NOW,
    )
    with pytest.raises(ApiTimeoutError):
        await client.system_summary(SID)
    assert calls.names == ["system_summary"]
    release.set()  # let the server's handler end before the test does
    await asyncio.sleep(0.05)


async def test_unreachable_is_retried(
    session: aiohttp.ClientSession, calls: Calls, socket_enabled: None
) -> None:
    client = ApsystemsClient(
        session,
        APP_ID,
        APP_SECRET,
        base_url="http://127.0.0.1:1",
        on_request=calls,
        clock=lambda: NOW,
    )
    with pytest.raises(CannotConnectError) as caught:
        await client.system_details(SID)
    assert calls.names == ["system_details", "system_details"]
    assert SID not in str(caught.value)
    assert client.retry_attempts == 2
    once = ApsystemsClient(session, APP_ID, APP_SECRET, retry_attempts=0)
    assert once.retry_attempts == 1


async def test_secrets_stay_out_of_logs_and_errors(
    client: ApsystemsClient, canned: CannedServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    other_uid = "801000000077"
    canned.data(
        f"{P}/systems/details/{SID}",
        {
            "sid": SID,
            "ecu": [f"203000000999-{EID}"],
            "authorization_code": "2c9f934a8f2ea266018f2f407a1d6fdc",
        },
    )
    canned.data(
        f"{P}/systems/{SID}/devices/inverter/batch/energy/{EID}",
        {"energy": [f"{other_uid}-1-1.5", f"{UID}-1-1.2"]},
    )
    canned.answer(
        f"{P}/systems/summary/{SID}",
        lambda: web.Response(status=500, text=f"failed for {SID} {APP_ID}"),
    )
    canned.data(f"{P}/systems/{SID}/devices/inverter/summary/{UID}", None, 4000)
    await client.system_details(SID)
    await client.batch_energy(SID, EID, DAY)
    errors: list[str] = []
    for call in (client.system_summary(SID), client.inverter_summary(SID, UID)):
        with pytest.raises((CannotConnectError, SignatureRejectedError)) as caught:
            await call
        errors.append(str(caught.value))
    text = caplog.text + "\n".join(errors)
    assert "answered code 0" in caplog.text
    assert "HTTP 500" in text
    for secret in (
        APP_ID,
        APP_SECRET,
        SID,
        EID,
        UID,
        other_uid,
        "203000000999",
        "2c9f934a8f2ea266018f2f407a1d6fdc",
    ):
        assert secret not in text, secret


async def test_code_may_be_a_string(
    client: ApsystemsClient, canned: CannedServer
) -> None:
    canned.answer(f"{P}/systems/summary/{SID}", {"code": "0", "data": {"lifetime": 5}})
    summary = await client.system_summary(SID)
    assert summary is not None
    assert summary.lifetime == 5.0
    assert client.now().tzinfo is UTC


async def test_without_request_hook(
    canned: CannedServer, session: aiohttp.ClientSession
) -> None:
    client = ApsystemsClient(session, APP_ID, APP_SECRET, base_url=canned.url)
    canned.data(f"{P}/systems/meters/{SID}", [])
    assert await client.meters(SID) == []
    assert_signed(canned.seen[0])


@pytest.mark.parametrize("bad", ["", "..", "a/b", "a b", "a?b=1", "x" * 65])
async def test_ids_must_be_one_path_segment(
    client: ApsystemsClient, canned: CannedServer, calls: Calls, bad: str
) -> None:
    with pytest.raises(ValueError, match="not one path segment") as caught:
        await client.inverter_summary(SID, bad)
    assert not bad or bad not in str(caught.value).replace("inverter_summary", "")
    assert calls.names == []
    assert canned.seen == []
