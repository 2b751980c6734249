"""Command line `python -m energy_api`."""

import json
import subprocess
import sys

import pytest

from energy_api.cli import main


def test_solar_prints_the_window(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["solar", "--latitude", "51.5", "--longitude", "0", "--date", "2026-06-21"]
    assert main([*args, "--timezone", "Europe/London", "--before-sunrise", "30"]) == 0
    window = json.loads(capsys.readouterr().out)
    assert window["start"].startswith("2026-06-21T03:")
    assert (
        main(["solar", "--latitude", "75", "--longitude", "0", "--date", "2026-12-21"])
        == 0
    )
    assert json.loads(capsys.readouterr().out) is None


def test_plan_prints_polls(capsys: pytest.CaptureFixture[str]) -> None:
    args = [
        "plan",
        "--latitude",
        "51.5",
        "--longitude",
        "0",
        "--start",
        "2026-06-01T00:00",
    ]
    assert main([*args, "--count", "3"]) == 0
    polls = json.loads(capsys.readouterr().out)
    assert len(polls) == 3
    assert polls[0] == "2026-06-01T04:01:00+00:00"
    assert main([*args, "--spent", "1000"]) == 0
    assert json.loads(capsys.readouterr().out)[0].startswith("2026-07-01T")
    polar = [
        "plan",
        "--latitude",
        "89.9",
        "--longitude",
        "0",
        "--start",
        "2026-10-01T00:00",
    ]
    assert main([*polar, "--count", "400"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 400


def test_module_entry_point_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "energy_api", "--help"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0
    assert "solar" in result.stdout
    assert "plan" in result.stdout
