"""The local P3/P3X API over a real socket: telemetry, signs, override, chart data."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest

from simulators.powervault import PowervaultLocalSim
from simulators.powervault.testing import DataClock

from .conftest import StartClient, utc


def flat(records: list[dict[str, Any]]) -> dict[str, Any]:
    return {r["measurement"]: r["value"] for r in records}


async def test_identity(local: StartClient) -> None:
    p3 = await local("p3")
    assert await p3.get("/api/health") == {"status": "ok"}
    assert await p3.get("/api/unit-id") == {"uid": "008a2564"}
    assert await p3.get("/api/platform") == {"platform": "p3"}
    p3x = await local("p3x")
    assert (await p3x.get("/api/platform"))["platform"].lower() == "p3x"
    with pytest.raises(ValueError, match="unknown platform"):
        PowervaultLocalSim("p9")  # type: ignore[arg-type]


async def test_telemetry_records_and_signs(
    local: StartClient, data_clock: DataClock
) -> None:
    client = await local("p3")
    model = client.device.models["008a2564"]
    data_clock.now = utc(2025, 6, 18, 11, 7, 10)
    records = await client.get("/api/latest-telemetry")
    record = records[0]
    assert set(record) == {
        "created_at",
        "id",
        "measurement",
        "timestamp",
        "unit",
        "value",
    }
    assert record["timestamp"] == int(data_clock.now.timestamp())
    values = flat(records)
    step = model.step(data_clock.now)
    assert values["aux1Power"] == pytest.approx(-step.solar_w, abs=0.05)
    assert values["aux1Power"] < 0
    assert values["gridPower"] == pytest.approx(step.grid_w, abs=0.05)
    assert values["batteryPower"] == pytest.approx(step.battery_w, abs=0.05)
    assert values["socUsable"] == pytest.approx(model.soc_pct(data_clock.now), abs=0.05)
    for name in (
        "gridCurrent",
        "batteryCurrent",
        "inverterVoltage",
        "inverterFrequency",
        "temperature",
        "cpuTemperature",
        "vocTemperature",
        "vocHumidity",
        "vocCO2",
        "vocVOC",
        "socAverage",
        "maxChargePower",
        "maxDischargePower",
    ):
        assert isinstance(values[name], float), name
    assert values["maxDischargePower"] < 0
    assert values["requestedState"] == "N"
    assert values["string1cell1Voltage"] > 3
    assert "string3cell4Temperature" in values
    # force-discharge: batteryPower negative, at the maximum
    await client.post(
        "/api/state-override",
        {
            "start": "2025-06-18 11:07:00",
            "end": "2025-06-18 13:07:00",
            "state": "force-discharge",
        },
    )
    data_clock.advance(dt.timedelta(minutes=1))
    values = flat(await client.get("/api/latest-telemetry"))
    assert values["batteryPower"] == -3000
    assert values["actualState"] == "C"
    assert values["requestedState"] == "D"
    assert values["gridPower"] == pytest.approx(
        model.step(data_clock.now).home_w - 3000 + values["aux1Power"], abs=0.2
    )


async def test_p3x_pylontech(local: StartClient) -> None:
    values = flat(await (await local("p3x")).get("/api/latest-telemetry"))
    assert values["pylontechModule2cell15Voltage"] > 3
    assert "string1cell1Voltage" not in values
    assert values["pylontechMinCellVoltage"] <= values["pylontechMaxCellVoltage"]
    assert values["pylontechMinCellTemperature"] < values["pylontechMaxCellTemperature"]
    assert "pylontechAvgMOSFETTemperature" in values


async def test_schedule_and_single_override(
    local: StartClient, data_clock: DataClock
) -> None:
    client = await local()
    schedule = await client.get("/api/schedule")
    assert "schedule" not in schedule
    assert schedule["sunday"][1]["state"] == "force-charge"
    assert await client.get("/api/state-override") == {}
    body = {
        "start": "2025-06-18 11:07:00",
        "end": "2025-06-18 12:07:00",
        "state": "disable",
    }
    assert await client.post("/api/state-override", body) == {"status": "ok"}
    assert await client.get("/api/state-override") == body
    model = client.device.models["008a2564"]
    soc = model.soc_pct(data_clock.now)
    data_clock.advance(dt.timedelta(minutes=30))
    assert model.soc_pct(data_clock.now) == pytest.approx(soc)
    data_clock.advance(dt.timedelta(minutes=31))
    assert await client.get("/api/state-override") == {}
    bad = await client.request(
        "POST", "/api/state-override", body={**body, "state": "boost"}
    )
    assert (bad.status, bad.body["status"]) == (400, "error")


async def test_chart_data_matches_truth(
    local: StartClient, data_clock: DataClock
) -> None:
    client = await local()
    model = client.device.models["008a2564"]
    start, end = utc(2025, 6, 18, 9), utc(2025, 6, 18, 10)
    samples = await client.get(
        "/api/chart-data", start="2025-06-18T09:00:00Z", end="2025-06-18T10:00:00Z"
    )
    assert len(samples) == 120
    assert samples[0]["timestamp"] == "2025-06-18T09:00:00Z"
    assert samples[1]["timestamp"] == "2025-06-18T09:00:30Z"
    assert set(samples[0]) == {
        "timestamp",
        "gridPower",
        "batteryPower",
        "aux1Power",
        "homePower",
        "socUsable",
    }
    hours = 30 / 3600 / 1000
    solar = -sum(s["aux1Power"] for s in samples) * hours
    home = sum(s["homePower"] for s in samples) * hours
    imported = sum(max(s["gridPower"], 0) for s in samples) * hours
    exported = sum(max(-s["gridPower"], 0) for s in samples) * hours
    charged = sum(max(s["batteryPower"], 0) for s in samples) * hours
    assert solar == pytest.approx(model.energy_kwh("solar", start, end), abs=1e-5)
    assert home == pytest.approx(model.energy_kwh("home", start, end), abs=1e-5)
    assert imported == pytest.approx(
        model.energy_kwh("grid_import", start, end), abs=1e-5
    )
    assert exported == pytest.approx(
        model.energy_kwh("grid_export", start, end), abs=1e-5
    )
    assert charged == pytest.approx(
        model.energy_kwh("battery_charge", start, end), abs=1e-5
    )
    for s in samples:
        assert s["gridPower"] == pytest.approx(
            s["homePower"] + s["batteryPower"] + s["aux1Power"], abs=0.01
        )
    # only complete steps: up to 11:06:30 at 11:07:00
    recent = await client.get(
        "/api/chart-data", start="2025-06-18T11:00:00Z", end="2025-06-18T12:00:00Z"
    )
    assert recent[-1]["timestamp"] == "2025-06-18T11:06:30Z"


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2025-06-18T09:00:00Z"},
        {"start": "yesterday", "end": "2025-06-18T10:00:00Z"},
        {"start": "2025-06-01T00:00:00Z", "end": "2025-06-18T10:00:00Z"},
    ],
)
async def test_chart_data_rejects(local: StartClient, params: dict[str, str]) -> None:
    client = await local()
    result = await client.request("GET", "/api/chart-data", params=params)
    assert result.status == 400
    assert result.body["status"] == "error"


async def test_a_local_day_of_polls(local: StartClient, data_clock: DataClock) -> None:
    client = await local("p3x")
    data_clock.now = utc(2025, 6, 18)
    device = client.device
    started = time.perf_counter()
    previous = device.models["008a2564"].counters_wh()
    for _ in range(720):  # every 2 minutes over the wire
        data_clock.advance(dt.timedelta(minutes=2))
        values = flat(await client.get("/api/latest-telemetry"))
        assert 5 <= values["socUsable"] <= 100
    for _ in range(8640):  # and the next day every 10 s, in process
        data_clock.advance(dt.timedelta(seconds=10))
        assert isinstance(device.telemetry(), list)  # type: ignore[attr-defined]
    counters = device.models["008a2564"].counters_wh()
    assert all(counters[k] >= previous[k] for k in counters)
    assert time.perf_counter() - started < 30
