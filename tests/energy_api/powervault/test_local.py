"""The local (P3/P3X) client over a real loopback socket against canned answers."""

from datetime import UTC, datetime, timedelta

import aiohttp
from aiohttp import web
import pytest

from energy_api.errors import CannotConnectError, InvalidResponseError
from energy_api.powervault import (
    BatteryState,
    NotFoundError,
    Override,
    PowervaultLocal,
    StateRejectedError,
)
from energy_api.powervault.local import base_url

from .conftest import NOW, CannedServer
from .payloads import OVERRIDES, SCHEDULE_DAYS, TELEMETRY, record

OK = {"status": "ok"}


def test_base_url() -> None:
    assert base_url("192.168.1.100") == "http://192.168.1.100:5000/api"
    assert base_url(" pv.local ", 8080) == "http://pv.local:8080/api"
    assert base_url("fe80::1") == "http://[fe80::1]:5000/api"
    assert base_url("[::1]") == "http://[::1]:5000/api"
    for bad in ("", "a/b", "x@y", "a b"):
        with pytest.raises(ValueError, match="not a host"):
            base_url(bad)
    with pytest.raises(ValueError, match="not a port"):
        base_url("1.2.3.4", 0)


async def test_reads(canned: CannedServer, local: PowervaultLocal) -> None:
    canned.answer("GET /api/health", OK)
    canned.answer("GET /api/unit-id", {"uid": "008a2564"})
    canned.answer("GET /api/platform", {"platform": "P3X"})
    canned.answer("GET /api/latest-telemetry", TELEMETRY)
    canned.answer("GET /api/schedule", SCHEDULE_DAYS)
    canned.answer("GET /api/state-override", OVERRIDES["stateOverrides"][0], {})
    assert await local.health() is True
    assert await local.unit_id() == "008a2564"
    assert await local.platform() == "p3x"
    telemetry = await local.telemetry()
    assert telemetry.battery_power_w == 1500.0
    assert telemetry.soc_pct == 81.5
    schedule = await local.schedule()
    assert schedule.days["monday"][1].state is BatteryState.NORMAL
    override = await local.override()
    assert override is not None
    assert override.state is BatteryState.FORCE_DISCHARGE
    assert await local.override() is None


async def test_unhealthy_and_bad_shapes(
    canned: CannedServer, local: PowervaultLocal
) -> None:
    canned.answer("GET /api/health", {"status": "starting"})
    canned.answer("GET /api/unit-id", {"uid": None})
    canned.answer("GET /api/platform", {})
    canned.answer("GET /api/latest-telemetry", {"gridPower": 1})
    assert await local.health() is False
    with pytest.raises(InvalidResponseError, match="uid"):
        await local.unit_id()
    with pytest.raises(InvalidResponseError, match="platform"):
        await local.platform()
    with pytest.raises(InvalidResponseError):
        await local.telemetry()
    canned.answer("GET /api/health", ["ok"])
    with pytest.raises(InvalidResponseError):
        await local.health()


async def test_chart_data(canned: CannedServer, local: PowervaultLocal) -> None:
    canned.answer(
        "GET /api/chart-data",
        [
            [
                record("gridPower", 100.0),
                record("batteryPower", 200.0),
                record("aux1Power", -1000.0),
            ],
            {
                "timestamp": 1748862030,
                "gridPower": -300,
                "batteryPower": -100,
                "aux1Power": 0,
            },
        ],
    )
    start = datetime(2025, 6, 2, 12, tzinfo=UTC) - timedelta(hours=1)
    samples = await local.chart_data(start, NOW)
    assert [s.grid_power_w for s in samples] == [100.0, -300.0]
    assert samples[0].battery_power_w == -200.0
    assert samples[0].home_power_w == 900.0
    assert canned.seen[-1].query == {
        "start": "2025-06-02T11:00:00Z",
        "end": "2025-06-02T11:00:00Z",
    }
    with pytest.raises(ValueError, match="aware"):
        await local.chart_data(datetime(2025, 6, 2), NOW)


async def test_set_state_and_cancel(
    canned: CannedServer, local: PowervaultLocal
) -> None:
    canned.answer("POST /api/state-override", OK)
    override = await local.set_state("only-charge", duration=timedelta(hours=2))
    assert override == Override(NOW, NOW + timedelta(hours=2), BatteryState.ONLY_CHARGE)
    assert canned.seen[-1].body == {
        "start": "2025-06-02 11:00:00",
        "end": "2025-06-02 13:00:00",
        "state": "only-charge",
    }
    await local.cancel_override()
    assert canned.seen[-1].body == {
        "start": "2025-06-02 11:00:00",
        "end": "2025-06-02 11:00:00",
        "state": "normal",
    }
    with pytest.raises(ValueError, match="unknown battery state"):
        await local.set_state("boost")
    assert len(canned.seen) == 2


@pytest.mark.parametrize("answer", [{"status": "error"}, {}, {"status": None}])
async def test_set_state_rejected(
    canned: CannedServer, local: PowervaultLocal, answer: object
) -> None:
    canned.answer("POST /api/state-override", answer)
    with pytest.raises(StateRejectedError):
        await local.set_state("normal")


async def test_errors(canned: CannedServer, local: PowervaultLocal) -> None:
    with pytest.raises(NotFoundError):
        await local.chart_data(NOW, NOW)
    canned.answer("GET /api/health", web.Response(status=500), OK)
    assert await local.health() is True
    canned.answer("POST /api/state-override", web.Response(status=503), OK)
    with pytest.raises(CannotConnectError):
        await local.set_state("normal")
    assert len(canned.paths("POST")) == 1
    canned.answer("GET /api/schedule", web.Response(text="<html></html>"))
    with pytest.raises(InvalidResponseError):
        await local.schedule()


async def test_default_clock(
    canned: CannedServer, session: aiohttp.ClientSession
) -> None:
    canned.answer("POST /api/state-override", OK)
    local = PowervaultLocal(session, "127.0.0.1", port=canned.port)
    before = datetime.now(UTC).replace(microsecond=0)
    override = await local.set_state("normal")
    assert before <= override.start <= datetime.now(UTC)
