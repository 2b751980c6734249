"""`python -m energy_api apsystems ...` against the simulated cloud on a real socket.

`main()` runs `asyncio.run`, so it is called in a thread while the simulator is
served by the test's event loop.
"""

import asyncio
from datetime import datetime
import json
from pathlib import Path
import subprocess
import sys
from zoneinfo import ZoneInfo

from aiohttp import web
import pytest

from energy_api.apsystems import AccountRejectedError, SignatureRejectedError
from energy_api.apsystems.cli import diagnosis
from energy_api.cli import main
from energy_api.errors import InvalidResponseError
from simulators.apsystems import APP_ID, APP_SECRET, SID, ApsystemsCloud
from simulators.base import SimulatedDevice
from simulators.faults import Fault, FaultKind
from simulators.pytest_plugin import StartSimulator
from simulators.tls import TestCA

LONDON = ZoneInfo("Europe/London")


async def run(argv: list[str]) -> int:
    """Run `main(argv)` in a thread: it runs its own event loop."""
    return await asyncio.to_thread(main, argv)


class NoData(SimulatedDevice):
    """A cloud that answers every path with code 1001 (no data)."""

    def routes(self) -> list[web.RouteDef]:
        async def no_data(request: web.Request) -> web.Response:
            return web.json_response({"code": 1001, "data": None})

        return [web.get("/{tail:.*}", no_data)]


def args(url: str, command: str, *extra: str, secret: str = APP_SECRET) -> list[str]:
    return [
        "apsystems",
        command,
        "--app-id",
        APP_ID,
        "--app-secret",
        secret,
        "--sid",
        SID,
        "--base-url",
        url,
        *extra,
    ]


@pytest.fixture(name="cloud_url")
async def fixture_cloud_url(simulator: StartSimulator) -> str:
    return (await simulator(ApsystemsCloud())).url


async def test_check_over_tls_with_a_ca(
    simulator: StartSimulator,
    test_ca: TestCA,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_bytes(test_ca.ca_pem)
    url = (await simulator(ApsystemsCloud(), tls=True)).url
    assert await run(args(url, "check", "--ca", str(ca))) == 0
    # Without the CA the certificate is not trusted.
    assert await run(args(url, "check")) == 1
    out, err = capsys.readouterr()
    assert "OK: the App Id, App Secret, SID and this computer's clock" in out
    assert "calls spent: 1" in out
    assert "timezone: Europe/London" in out
    assert "ECUs: 1" in out
    assert "CertificateError" in err
    assert "diagnosis: check the network" in err


async def test_check_wrong_secret_diagnoses_clock_and_secret(
    cloud_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await run(args(cloud_url, "check", secret="wrongwrong12")) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "SignatureRejectedError" in err
    assert "code 4000" in err
    assert "diagnosis: check this computer's clock" in err
    assert "calls spent: 1" in err
    assert "wrongwrong12" not in err


async def test_check_unknown_app_id_and_env_credentials(
    cloud_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APSYSTEMS_APP_ID", "f" * 32)
    monkeypatch.setenv("APSYSTEMS_APP_SECRET", APP_SECRET)
    argv = ["apsystems", "check", "--sid", SID, "--base-url", cloud_url]
    assert await run(argv) == 1
    err = capsys.readouterr().err
    assert "code 2001" in err
    assert "the App Id is not a valid application account" in err
    assert "f" * 32 not in err


async def test_check_quota_says_when_it_resets(
    simulator: StartSimulator, capsys: pytest.CaptureFixture[str]
) -> None:
    url = (await simulator(ApsystemsCloud(quota=0))).url
    assert await run(args(url, "check")) == 1
    err = capsys.readouterr().err
    assert "QuotaExhaustedError" in err
    now = datetime.now(LONDON)
    month = (now.year + now.month // 12, now.month % 12 + 1)
    assert f"resets at {month[0]}-{month[1]:02d}-01T00:00:00" in err
    assert "calls spent: 1" in err


async def test_check_wrong_sid_and_no_data(
    simulator: StartSimulator, cloud_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = args(cloud_url, "check")
    wrong[wrong.index(SID)] = "AZ00000000XX"
    assert await run(wrong) == 1
    err = capsys.readouterr().err
    assert "code 2004" in err
    assert "check that the SID" in err
    assert "AZ00000000XX" not in err
    url = (await simulator(NoData())).url
    assert await run(args(url, "check")) == 1
    out = capsys.readouterr().out
    assert "no data for this system (code 1001)" in out
    assert "calls spent: 1" in out


async def test_summary_hourly_inverters(
    cloud_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await run(args(cloud_url, "summary")) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["calls_spent"] == 1
    assert summary["summary"]["lifetime"] > 0

    assert await run(args(cloud_url, "hourly")) == 0
    hourly = json.loads(capsys.readouterr().out)
    assert hourly["calls_spent"] == 2
    assert hourly["timezone"] == "Europe/London"
    assert hourly["date"] == datetime.now(LONDON).date().isoformat()
    assert len(hourly["hourly_kwh"]) == 24

    assert await run(args(cloud_url, "hourly", "--date", "2025-06-02")) == 0
    dated = json.loads(capsys.readouterr().out)
    assert dated["calls_spent"] == 1
    assert dated["timezone"] is None
    assert dated["total_kwh"] > 0

    assert await run(args(cloud_url, "inverters")) == 0
    (ecu,) = json.loads(capsys.readouterr().out)["ecus"]
    assert ecu["eid"] == "216000012345"
    assert sorted(i["channels"] for i in ecu["inverters"]) == [2, 2, 2, 2, 4, 4]
    assert ecu["has_meter"] is False


async def test_json_commands_without_data(
    simulator: StartSimulator, capsys: pytest.CaptureFixture[str]
) -> None:
    url = (await simulator(NoData())).url
    assert await run(args(url, "summary")) == 0
    assert json.loads(capsys.readouterr().out)["summary"] is None
    assert await run(args(url, "inverters")) == 0
    assert json.loads(capsys.readouterr().out)["ecus"] is None
    assert await run(args(url, "hourly")) == 0
    hourly = json.loads(capsys.readouterr().out)
    assert hourly["calls_spent"] == 2
    assert hourly["hourly_kwh"] is None
    assert hourly["timezone"] is None


async def test_unreachable_and_missing_ca(
    socket_enabled: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await run(args("http://127.0.0.1:1", "summary")) == 1
    err = capsys.readouterr().err
    assert "CannotConnectError" in err
    assert "calls spent: 2" in err
    missing = str(tmp_path / "no.pem")
    assert await run(args("http://127.0.0.1:1", "check", "--ca", missing)) == 1
    assert "error:" in capsys.readouterr().err


async def test_module_entry_point(cloud_url: str) -> None:
    result = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "energy_api", *args(cloud_url, "check")],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "calls spent: 1" in result.stdout
    assert APP_SECRET not in result.stdout + result.stderr


async def test_invalid_answer_needs_no_diagnosis(
    simulator: StartSimulator, capsys: pytest.CaptureFixture[str]
) -> None:
    cloud = ApsystemsCloud()
    cloud.set_fault(Fault(FaultKind.HTML))
    url = (await simulator(cloud)).url
    assert await run(args(url, "summary")) == 1
    err = capsys.readouterr().err
    assert "InvalidResponseError" in err
    assert "diagnosis" not in err
    assert "calls spent: 1" in err


def test_diagnosis_of_other_errors() -> None:
    now = datetime(2025, 6, 1, 12, tzinfo=LONDON)
    assert "check the App Id and App Secret" in (
        diagnosis(AccountRejectedError(2003), now) or ""
    )
    assert diagnosis(InvalidResponseError("HTML"), now) is None
    assert "2025-06-01 12:00:00" in (diagnosis(SignatureRejectedError(), now) or "")
