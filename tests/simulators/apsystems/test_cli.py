"""Registration, `--speed`, `--state`, the command line and frozen time."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path
import sys

import aiohttp
from freezegun.api import FrozenDateTimeFactory
import pytest

from simulators import DEVICES, __main__ as cli
from simulators.apsystems import APP_ID, APP_SECRET, ApsystemsCloud, SystemConfig
from simulators.apsystems.testing import (
    ApsystemsTestClient,
    DataClock,
    sign,
    system_path,
)
from simulators.pytest_plugin import StartSimulator
from tests.paths import REPO

from .conftest import StartCloud

DETAILS = system_path("details")
TIMEOUT = 10


def test_registered_devices() -> None:
    cloud = DEVICES["apsystems"]()
    assert isinstance(cloud, ApsystemsCloud)
    assert len(cloud.model.inverter_by_uid) == 6
    develop = DEVICES["apsystems-develop"]()
    assert isinstance(develop, ApsystemsCloud)
    assert [len(ecu.inverters) for ecu in develop.model.ecus] == [4]
    assert develop.system == SystemConfig.develop()


def test_configure() -> None:
    base = DataClock(dt.datetime(2025, 6, 18, tzinfo=dt.UTC))
    cloud = ApsystemsCloud(clock=base)
    cloud.configure({"speed": "60"})
    base.advance(dt.timedelta(minutes=2))
    assert cloud.data_clock() == dt.datetime(2025, 6, 18, 2, tzinfo=dt.UTC)
    with pytest.raises(ValueError, match="speed must be positive"):
        cloud.configure({"speed": "-1"})
    with pytest.raises(ValueError, match="does not support --serial"):
        cloud.configure({"serial": "x"})


def test_a_meter_needs_an_ecu() -> None:
    with pytest.raises(ValueError, match="a meter needs an ECU"):
        ApsystemsCloud(SystemConfig(ecus=[], meter=True))


def test_other_devices_refuse_speed(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit, match="does not support --speed"):
        cli.main(["demo", "--speed", "2"])


async def test_call_counts_survive_a_restart(aps: StartCloud, tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    client = await aps(quota=3)
    client.cloud.configure({"state": str(path)})
    for _ in range(2):
        assert (await client.get(DETAILS)).code == 0
    assert json.loads(path.read_text()) == {
        "device": "apsystems",
        "calls": {APP_ID: {"2025-06": 2}},
    }
    again = await aps(quota=3)
    again.cloud.keep_state(path)
    assert again.cloud.calls_in_month(APP_ID, "2025-06") == 2
    assert (await again.get(DETAILS)).code == 0
    assert (await again.get(DETAILS)).code == 2005


def test_state_of_another_device_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text(json.dumps({"model": "kwh1", "counters": {}}))
    with pytest.raises(ValueError, match="not hold the state of an APsystems cloud"):
        ApsystemsCloud().keep_state(path)


async def test_frozen_time_moves_both_clocks(
    simulator: StartSimulator, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to("2025-06-18 11:07:00")
    sim = await simulator(ApsystemsCloud())
    async with aiohttp.ClientSession() as session:
        client = ApsystemsTestClient(sim, session)
        assert (await client.get(DETAILS)).code == 0
        summary = await client.data(system_path("summary"))
        freezer.tick(dt.timedelta(hours=1))
        later = await client.data(system_path("summary"))
    assert later["today"] > summary["today"]
    assert sim.device.state()["published"] == "2025-06-18T12:00:00+00:00"
    assert sim.device.calls_in_month(APP_ID, "2025-06") == 3


@pytest.mark.usefixtures("socket_enabled")
async def test_command_line(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "simulators",
        "apsystems-develop",
        "--port",
        "0",
        "--speed",
        "60",
        "--state",
        str(state),
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        line = await asyncio.wait_for(proc.stdout.readline(), TIMEOUT)
        url = line.decode().strip().removeprefix("listening on ")
        assert url.startswith("http://127.0.0.1:")
        headers = sign(APP_ID, APP_SECRET, DETAILS)
        async with (
            aiohttp.ClientSession() as session,
            session.get(url + DETAILS, headers=headers) as response,
        ):
            body = json.loads(await response.text())
        assert body["code"] == 0
        assert body["data"]["sid"] == "AZ12649A3DFF"
        saved = json.loads(state.read_text())
        assert sum(saved["calls"][APP_ID].values()) == 1
    finally:
        proc.kill()
        await proc.wait()


def test_time_warp_option_sets_the_data_clock() -> None:
    """`--time-warp EPOCH,START,SPEED` makes the data clock show START at EPOCH."""
    from datetime import UTC, datetime  # noqa: PLC0415

    from energy_api.timewarp import TimeWarp  # noqa: PLC0415
    from simulators.apsystems import ApsystemsCloud  # noqa: PLC0415

    start = datetime(2026, 6, 10, 10, 0, tzinfo=UTC)
    cloud = ApsystemsCloud()
    cloud.configure({"time_warp": str(TimeWarp(datetime.now(UTC), start, 20))})
    assert abs((cloud.data_clock() - start).total_seconds()) < 120
