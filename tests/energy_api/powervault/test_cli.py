"""`python -m energy_api powervault ...` against the simulators on real sockets.

`main()` runs `asyncio.run`, so it is called in a thread while the simulator is
served by the test's event loop.
"""

import asyncio
from datetime import UTC, datetime, timedelta
import json
from typing import Any

import pytest

from energy_api.cli import main
from energy_api.powervault import cli
from simulators.powervault import (
    DEFAULT_API_KEY,
    PowervaultCloudSim,
    PowervaultLocalSim,
)
from simulators.pytest_plugin import StartSimulator

from .conftest import CannedServer


async def run(argv: list[str]) -> int:
    return await asyncio.to_thread(main, ["powervault", *argv])


def output(capsys: pytest.CaptureFixture[str]) -> Any:
    return json.loads(capsys.readouterr().out)


@pytest.fixture(name="cloud_args")
async def fixture_cloud_args(simulator: StartSimulator) -> list[str]:
    sim = await simulator(PowervaultCloudSim(drop_every=0))
    return ["--api-key", DEFAULT_API_KEY, "--base-url", sim.url + "/v4"]


@pytest.fixture(name="local_args")
async def fixture_local_args(simulator: StartSimulator) -> list[str]:
    sim = await simulator(PowervaultLocalSim("p3x"))
    return ["--host", sim.host, "--port", str(sim.port)]


async def test_cloud_commands(
    cloud_args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert await run(["status", *cloud_args]) == 0
    listing = output(capsys)
    assert listing["account"]["id"] == 123
    assert [u["id"] for u in listing["units"]] == ["PV-1001", "PV-1002"]

    assert await run(["status", *cloud_args, "--unit", "PV-1001"]) == 0
    status = output(capsys)
    assert status["unit"]["firmware"] == "4.2.17"
    assert status["effective_state"]["source"] == "schedule"
    assert set(status["schedule"]["days"]) >= {"monday", "sunday"}

    assert (
        await run(["data", *cloud_args, "--unit", "PV-1001", "--period", "past-hour"])
        == 0
    )
    rows = output(capsys)
    assert 12 <= len(rows) <= 13
    assert {"time", "soc_pct", "grid_power_w", "battery_power_w"} <= set(rows[0])

    assert (
        await run(
            [
                "set-state",
                "force-charge",
                *cloud_args,
                "--unit",
                "PV-1001",
                "--duration",
                "30",
            ]
        )
        == 0
    )
    override = output(capsys)
    start, end = (datetime.fromisoformat(override[k]) for k in ("start", "end"))
    assert (end - start, override["state"]) == (timedelta(minutes=30), "force-charge")

    assert await run(["status", *cloud_args, "--unit", "PV-1001"]) == 0
    assert output(capsys)["effective_state"]["state"] == "force-charge"

    until = (datetime.now(UTC) + timedelta(hours=2)).replace(microsecond=0, tzinfo=None)
    assert (
        await run(
            [
                "set-state",
                "dormant",
                *cloud_args,
                "--unit",
                "PV-1001",
                "--until",
                until.isoformat(),
            ]
        )
        == 0
    )
    assert output(capsys)["end"] == until.replace(tzinfo=UTC).isoformat()

    assert await run(["cancel", *cloud_args, "--unit", "PV-1001"]) == 0
    assert output(capsys) == {"cancelled": True}
    assert await run(["status", *cloud_args, "--unit", "PV-1001"]) == 0
    assert output(capsys)["effective_state"]["source"] == "schedule"


async def test_cloud_errors(
    cloud_args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = ["--api-key", "not-the-key", *cloud_args[2:]]
    assert await run(["status", *wrong]) == 1
    err = capsys.readouterr().err
    assert "AuthenticationError" in err
    assert "API key was rejected" in err
    assert "not-the-key" not in err
    assert await run(["status", *cloud_args, "--unit", "PV-9999"]) == 1
    assert "--unit" in capsys.readouterr().err
    assert await run(["data", *cloud_args]) == 1
    assert "--unit is required" in capsys.readouterr().err
    assert await run(["status"]) == 1
    assert "--api-key" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        await run(["set-state", "turbo", *cloud_args, "--unit", "PV-1001"])


async def test_env_api_key(
    cloud_args: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(cli.ENV_API_KEY, DEFAULT_API_KEY)
    assert await run(["status", *cloud_args[2:]]) == 0
    assert output(capsys)["account"]["id"] == 123


async def test_local_commands(
    local_args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert await run(["status", *local_args]) == 0
    status = output(capsys)
    assert (status["health"], status["unit_id"], status["platform"]) == (
        True,
        "008a2564",
        "p3x",
    )
    assert status["telemetry"]["soc_pct"] is not None
    assert status["effective_state"]["state"] in {"normal", "force-charge"}

    assert await run(["data", *local_args]) == 0
    assert "home_power_w" in output(capsys)
    assert await run(["data", *local_args, "--period", "today"]) == 1
    assert "needs the cloud" in capsys.readouterr().err

    assert await run(["set-state", "only-discharge", *local_args]) == 0
    assert output(capsys)["state"] == "only-discharge"
    assert await run(["status", *local_args]) == 0
    assert output(capsys)["effective_state"]["source"] == "override"
    assert await run(["cancel", *local_args]) == 0
    assert output(capsys) == {"cancelled": True}
    assert await run(["status", *local_args]) == 0
    assert output(capsys)["overrides"] == []


async def test_local_unreachable(
    canned: CannedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await run(["status", "--host", "127.0.0.1", "--port", str(canned.port)]) == 1
    assert "NotFoundError" in capsys.readouterr().err
    assert await run(["status", "--host", "127.0.0.1", "--port", "9"]) == 1
    err = capsys.readouterr().err
    assert "CannotConnectError" in err
    assert "diagnosis" not in err
    assert await run(["status", "--host", "a/b"]) == 1
    assert "not a host" in capsys.readouterr().err


def test_json_default() -> None:
    assert cli._json_default(timedelta(minutes=1)) == 60.0
    assert cli._json_default(object()).startswith("<object")
