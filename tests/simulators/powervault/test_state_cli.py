"""Registration, options, the state file and the command line."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path
import sys

import aiohttp
import pytest

from simulators import DEVICES
from simulators.powervault import (
    KINDS,
    PowervaultCloudSim,
    PowervaultLocalSim,
    Schedule,
)
from simulators.powervault.testing import DataClock
from tests.paths import REPO

from .conftest import NOW, StartClient, utc

TIMEOUT = 10


def test_registered_devices() -> None:
    assert isinstance(DEVICES["powervault-cloud"](), PowervaultCloudSim)
    p3 = DEVICES["powervault-p3"]()
    p3x = DEVICES["powervault-p3x"]()
    assert isinstance(p3, PowervaultLocalSim)
    assert p3.platform == "p3"
    assert isinstance(p3x, PowervaultLocalSim)
    assert p3x.platform == "p3x"


def test_configure_clock_and_key() -> None:
    base = DataClock(NOW)
    cloud = PowervaultCloudSim(clock=base)
    cloud.configure({"speed": "60", "token": "secret"})
    base.advance(dt.timedelta(minutes=1))
    assert cloud.now() == NOW + dt.timedelta(hours=1)
    assert cloud.api_key == "secret"
    assert cloud.models["PV-1001"].clock() == cloud.now()
    local = PowervaultLocalSim(clock=base)
    local.configure({"time_warp": f"{NOW.timestamp():.0f},{NOW.timestamp():.0f},1"})
    assert abs(local.now() - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)
    with pytest.raises(ValueError, match="does not support --serial"):
        local.configure({"serial": "x"})
    with pytest.raises(ValueError, match="speed must be positive"):
        local.configure({"speed": "0"})


async def test_counters_persist_across_restarts(
    cloud: StartClient, data_clock: DataClock, tmp_path: Path
) -> None:
    path = tmp_path / "pv.json"
    client = await cloud()
    client.device.keep_state(path)
    body = {
        "stateOverrides": [
            {
                "start": "2025-06-18 11:07:00",
                "end": "2025-06-19 11:07:00",
                "state": "disable",
            }
        ]
    }
    await client.post("/unit/PV-1001/stateOverride", body)
    data_clock.advance(dt.timedelta(hours=3))
    await client.get("/customerAccount")
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["device"] == "powervault"
    first = client.device.models["PV-1001"]
    counters = first.counters_wh()
    soc = first.soc_pct(data_clock.now)
    # a new process, later: continues from the file
    data_clock.advance(dt.timedelta(hours=1))
    again = PowervaultCloudSim(clock=data_clock)
    again.configure({"state": str(path)})
    model = again.models["PV-1001"]
    assert model.anchor() == utc(2025, 6, 18, 14, 7)
    assert model.soc_pct(model.anchor()) == pytest.approx(soc)
    restored = model.counters_wh(model.anchor())
    assert restored == pytest.approx(counters)
    later = model.counters_wh()
    assert all(later[k] >= restored[k] for k in KINDS)
    assert model.effective_state(data_clock.now) == ("disable", "override")
    assert model.soc_pct(data_clock.now) == pytest.approx(soc)
    # a checkpoint before the anchor keeps the saved values
    assert model.checkpoint(utc(2025, 6, 1))["counters_wh"] == pytest.approx(counters)
    state = again.state()
    assert state["units"]["PV-1001"]["state"] == "disable"


def test_state_file_of_another_device(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"device": "apsystems"}), encoding="utf-8")
    with pytest.raises(ValueError, match="not hold the state of a Powervault"):
        PowervaultLocalSim().keep_state(path)


def test_set_schedule_applies_from_now() -> None:
    clock = DataClock(NOW)
    local = PowervaultLocalSim(clock=clock, schedule=Schedule.every_day())
    model = local.model
    assert model.effective_state(NOW) == ("normal", "default")
    model.set_schedule(Schedule.every_day(("00:00:00", "23:59:59", "dormant")))
    assert model.effective_state(NOW) == ("dormant", "schedule")
    assert model.effective_state(NOW - dt.timedelta(minutes=1)) == ("normal", "default")
    assert local.state()["units"]["008a2564"]["state"] == "dormant"


@pytest.mark.usefixtures("socket_enabled")
async def test_command_line_serves(tmp_path: Path) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "simulators",
        "powervault-p3",
        "--port",
        "0",
        "--state",
        str(tmp_path / "p3.json"),
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        line = (await asyncio.wait_for(proc.stdout.readline(), TIMEOUT)).decode()
        assert line.startswith("listening on http://127.0.0.1:")
        url = line.strip().removeprefix("listening on ")
        async with (
            aiohttp.ClientSession() as session,
            session.get(url + "/api/health") as response,
        ):
            assert await response.json() == {"status": "ok"}
        assert json.loads((tmp_path / "p3.json").read_text())["device"] == "powervault"
    finally:
        proc.terminate()
        await asyncio.wait_for(proc.wait(), TIMEOUT)
