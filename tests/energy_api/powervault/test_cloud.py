"""The cloud client over a real loopback socket against canned answers."""

import asyncio
from datetime import UTC, datetime, timedelta
import logging

import aiohttp
from aiohttp import web
import pytest

from energy_api.errors import (
    ApiTimeoutError,
    AuthenticationError,
    CannotConnectError,
    InvalidResponseError,
    VendorApiError,
)
from energy_api.powervault import (
    Account,
    BatteryState,
    NotFoundError,
    Override,
    Period,
    PowervaultCloud,
    StateRejectedError,
    Unit,
)

from .conftest import API_KEY, NOW, UNIT, CannedServer
from .payloads import (
    ACCOUNT,
    DATA,
    OVERRIDES,
    SCHEDULE,
    UNIT as UNIT_PAYLOAD,
    UNITS,
    row,
)

OK = {"stateOverrides": [], "message": "success"}


async def test_reads(canned: CannedServer, cloud: PowervaultCloud) -> None:
    canned.answer("GET /v4/customerAccount", ACCOUNT)
    canned.answer("GET /v4/unit", UNITS)
    canned.answer(f"GET /v4/unit/{UNIT}", UNIT_PAYLOAD)
    canned.answer(f"GET /v4/unit/{UNIT}/data", DATA)
    canned.answer(f"GET /v4/unit/{UNIT}/schedule", SCHEDULE)
    canned.answer(f"GET /v4/unit/{UNIT}/stateOverride", OVERRIDES)
    assert await cloud.account() == Account(123, "Home")
    assert [u.id for u in await cloud.units(123)] == ["PV-1001", "PV-1002"]
    assert await cloud.unit(UNIT) == Unit("PV-1001", "P4", "4.2.1")
    (latest,) = await cloud.data(UNIT)
    assert latest.grid_power_w == -500.0
    schedule = await cloud.schedule(UNIT)
    assert schedule.days["friday"][0].state is BatteryState.FORCE_CHARGE
    (override,) = await cloud.overrides(UNIT)
    assert override.state is BatteryState.FORCE_DISCHARGE
    units_seen = [s for s in canned.seen if s.path == "/v4/unit"]
    assert units_seen[0].query == {"customerAccountId": "123"}
    assert all(s.headers["x-api-key"] == API_KEY for s in canned.seen)
    data_seen = [s for s in canned.seen if s.path.endswith("/data")]
    assert data_seen[0].query == {}


@pytest.mark.parametrize("period", list(Period))
async def test_every_period(
    canned: CannedServer, cloud: PowervaultCloud, period: Period
) -> None:
    canned.answer(
        f"GET /v4/unit/{UNIT}/data",
        {
            "data": [
                row("2025-06-02T10:05:00Z"),
                row("2025-06-02T10:00:00Z", instant_soc=None),
            ]
        },
    )
    rows = await cloud.data(UNIT, period)
    assert [r.time.minute for r in rows] == [0, 5]
    assert canned.seen[-1].query == {"period": period.value}


async def test_invalid_arguments_send_nothing(
    canned: CannedServer, cloud: PowervaultCloud
) -> None:
    with pytest.raises(ValueError, match="today"):
        await cloud.data(UNIT, "tomorrow")
    for bad in ("", "../customerAccount", "PV 1", "a/b", "x" * 80):
        with pytest.raises(ValueError, match="not a unit id"):
            await cloud.unit(bad)
    with pytest.raises(ValueError, match="unknown battery state"):
        await cloud.set_state(UNIT, "turbo")
    with pytest.raises(ValueError, match="not both"):
        await cloud.set_state(
            UNIT, "normal", until=NOW + timedelta(hours=1), duration=timedelta(hours=1)
        )
    with pytest.raises(ValueError, match="not a unit id"):
        await cloud.set_state("../x", "normal")
    with pytest.raises(ValueError, match="API key"):
        PowervaultCloud(cloud._transport.session, "")
    assert canned.seen == []


async def test_set_state_and_cancel(
    canned: CannedServer, cloud: PowervaultCloud
) -> None:
    canned.answer(f"POST /v4/unit/{UNIT}/stateOverride", OK)
    override = await cloud.set_state(UNIT, "force-charge")
    assert override == Override(
        NOW, NOW + timedelta(hours=24), BatteryState.FORCE_CHARGE
    )
    assert canned.seen[-1].body == {
        "stateOverrides": [
            {
                "start": "2025-06-02 11:00:00",
                "end": "2025-06-03 11:00:00",
                "state": "force-charge",
            }
        ]
    }
    await cloud.set_state(UNIT, BatteryState.DORMANT, duration=timedelta(minutes=30))
    assert canned.seen[-1].body["stateOverrides"][0]["end"] == "2025-06-02 11:30:00"
    await cloud.set_state(UNIT, "normal", until=datetime(2025, 6, 2, 18, tzinfo=UTC))
    assert canned.seen[-1].body["stateOverrides"][0]["end"] == "2025-06-02 18:00:00"
    await cloud.cancel_override(UNIT)
    assert canned.seen[-1].body == {
        "stateOverrides": [
            {
                "start": "2025-06-02 11:00:00",
                "end": "2025-06-02 11:00:00",
                "state": "normal",
            }
        ]
    }
    assert all(s.headers["x-api-key"] == API_KEY for s in canned.seen)


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        ({"message": "failure"}, StateRejectedError),
        ({}, StateRejectedError),
        (["success"], InvalidResponseError),
    ],
)
async def test_set_state_not_confirmed(
    canned: CannedServer, cloud: PowervaultCloud, answer: object, error: type[Exception]
) -> None:
    canned.answer(f"POST /v4/unit/{UNIT}/stateOverride", answer)
    with pytest.raises(error):
        await cloud.set_state(UNIT, "normal")
    # Without a message, the overrides in the answer are confirmation enough.
    canned.answer(f"POST /v4/unit/{UNIT}/stateOverride", {"stateOverrides": []})
    await cloud.set_state(UNIT, "normal")


@pytest.mark.parametrize("status", [401, 403])
async def test_rejected_key(
    canned: CannedServer, cloud: PowervaultCloud, status: int
) -> None:
    canned.answer(
        "GET /v4/customerAccount",
        web.json_response({"message": "Forbidden"}, status=status),
    )
    with pytest.raises(AuthenticationError) as info:
        await cloud.account()
    assert API_KEY not in str(info.value)
    assert len(canned.seen) == 1  # never retried


async def test_not_found(canned: CannedServer, cloud: PowervaultCloud) -> None:
    with pytest.raises(NotFoundError, match="404") as info:
        await cloud.unit("PV-9999")
    assert isinstance(info.value, VendorApiError)
    assert len(canned.seen) == 1
    canned.answer(f"GET /v4/unit/{UNIT}", web.Response(status=404, text="No such unit"))
    with pytest.raises(NotFoundError, match="No such unit"):
        await cloud.unit(UNIT)


async def test_server_error_then_success_on_reads(
    canned: CannedServer, cloud: PowervaultCloud
) -> None:
    canned.answer(
        "GET /v4/customerAccount",
        web.Response(status=500, text="oops"),
        web.Response(status=503),
        ACCOUNT,
    )
    assert await cloud.account() == Account(123, "Home")
    assert len(canned.seen) == 3


async def test_server_errors_exhaust_retries(
    canned: CannedServer, cloud: PowervaultCloud
) -> None:
    canned.answer("GET /v4/customerAccount", lambda: web.Response(status=502))
    with pytest.raises(CannotConnectError, match="502"):
        await cloud.account()
    assert len(canned.seen) == 3


async def test_post_is_never_retried(
    canned: CannedServer, cloud: PowervaultCloud
) -> None:
    canned.answer(f"POST /v4/unit/{UNIT}/stateOverride", web.Response(status=500), OK)
    with pytest.raises(CannotConnectError):
        await cloud.set_state(UNIT, "normal")
    assert len(canned.paths("POST")) == 1


@pytest.mark.parametrize(
    "body",
    [
        "<html><body>Bad gateway</body></html>",
        "",
        "{not json",
        "null",
        "x" * (9 * 1024 * 1024),
        '{"customerAccount": ' * 5000,
    ],
)
async def test_bodies_that_are_not_json(
    canned: CannedServer, cloud: PowervaultCloud, body: str
) -> None:
    canned.answer(
        "GET /v4/customerAccount",
        lambda: web.Response(text=body, content_type="text/html"),
    )
    with pytest.raises(InvalidResponseError):
        await cloud.account()


async def test_large_answer_is_read_whole(
    canned: CannedServer, cloud: PowervaultCloud
) -> None:
    rows = [
        row(f"2025-06-{1 + i // 288:02d}T{i // 12 % 24:02d}:{i % 12 * 5:02d}:00Z")
        for i in range(2016)
    ]
    canned.answer(f"GET /v4/unit/{UNIT}/data", {"data": rows})
    assert len(await cloud.data(UNIT, Period.PAST_WEEK)) == 2016


async def test_timeout(canned: CannedServer, session: aiohttp.ClientSession) -> None:
    release = asyncio.Event()

    async def slow() -> web.Response:
        await release.wait()
        return web.json_response(ACCOUNT)

    canned.answer("GET /v4/customerAccount", slow)
    cloud = PowervaultCloud(session, API_KEY, base_url=canned.url + "/v4", timeout=0.1)
    with pytest.raises(ApiTimeoutError):
        await cloud.account()
    assert len(canned.seen) == 1  # a timeout is not retried
    release.set()  # let the server's handler end before the test does
    await asyncio.sleep(0.05)


async def test_connection_refused(
    session: aiohttp.ClientSession, socket_enabled: None
) -> None:
    cloud = PowervaultCloud(
        session, API_KEY, base_url="http://127.0.0.1:9", timeout=1.0
    )
    with pytest.raises(CannotConnectError) as info:
        await cloud.account()
    assert API_KEY not in str(info.value)


async def test_key_never_logged(
    canned: CannedServer, cloud: PowervaultCloud, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    canned.answer(
        "GET /v4/customerAccount",
        web.Response(status=500, text=f"bad key {API_KEY}"),
        {"echo": API_KEY, **ACCOUNT},
    )
    canned.answer(
        f"POST /v4/unit/{UNIT}/stateOverride",
        web.Response(status=401, text=f"no {API_KEY}"),
    )
    await cloud.account()
    with pytest.raises(AuthenticationError) as info:
        await cloud.set_state(UNIT, "normal")
    assert API_KEY not in str(info.value)
    assert "Request GET" in caplog.text
    assert API_KEY not in caplog.text
    assert all(API_KEY not in str(record.args) for record in caplog.records)
