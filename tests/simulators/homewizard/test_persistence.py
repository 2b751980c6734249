"""Counters kept across restarts (`--state`), device time and the shared CA."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
import datetime as dt
import json
from pathlib import Path
import ssl
import sys
from typing import Any

import aiohttp
import pytest

from simulators import DEVICES, HomeWizardDevice
from simulators.homewizard import device as device_module
from simulators.homewizard.measurement import EPOCH, EXTERNAL_METERS
from simulators.homewizard.testing import FakeClock
from tests.paths import REPO as ROOT

TIMEOUT = 10
MODELS = ["p1_3phase", "p1_1phase", "kwh1", "kwh3", "battery"]
MONOTONIC_FIELDS = ("monthly_power_peak_w", "cycles")


def totals(measurement: dict[str, Any]) -> dict[str, float]:
    """Return the fields that must never go back: energy totals, peak, cycles."""
    return {
        name: value
        for name, value in measurement.items()
        if name.startswith("energy_") or name in MONOTONIC_FIELDS
    }


def kept_device(model: str, path: Path, clock: FakeClock) -> HomeWizardDevice:
    device = HomeWizardDevice(model, clock=clock)
    device.configure({"state": str(path)})
    return device


@pytest.mark.parametrize("model", MODELS)
def test_restarted_device_continues_from_saved_counters(
    tmp_path: Path, model: str
) -> None:
    path = tmp_path / "state.json"
    clock = FakeClock()
    first = kept_device(model, path, clock)
    start = first.measurement()
    for _ in range(30):
        clock.advance(60)
        before = first.measurement()
    assert totals(before) != totals(start)

    # The restart begins from the same clock reading, as a new process would.
    again = kept_device(model, path, FakeClock())
    after = again.measurement()
    for name, value in totals(before).items():
        assert after[name] >= value, name
    if model == "battery":
        assert after["state_of_charge_pct"] == before["state_of_charge_pct"]
    assert json.loads(path.read_text())["model"] == model


def test_saves_only_when_a_reported_counter_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writes: list[Path] = []
    real = device_module.write_atomically

    def count(path: Path, text: str) -> None:
        writes.append(path)
        real(path, text)

    monkeypatch.setattr(device_module, "write_atomically", count)
    clock = FakeClock()
    device = kept_device("kwh1", tmp_path / "kwh1.json", clock)
    device.measurement()
    device.measurement()
    assert len(writes) == 1
    clock.advance(600)
    device.measurement()
    assert len(writes) == 2


def test_a_device_without_state_writes_nothing(tmp_path: Path) -> None:
    device = HomeWizardDevice("kwh1", clock=FakeClock())
    device.measurement()
    assert not list(tmp_path.iterdir())


def test_state_of_another_model_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    kept_device("kwh1", path, FakeClock()).measurement()
    with pytest.raises(ValueError, match="holds the state of a kwh1, not a battery"):
        kept_device("battery", path, FakeClock())


def test_p1_telegram_saves_too(tmp_path: Path) -> None:
    path = tmp_path / "p1.json"
    device = kept_device("p1_3phase", path, FakeClock())
    device.telegram()
    saved = json.loads(path.read_text())["counters"]
    assert saved["import_kwh"] == device.source.counters()["import_kwh"]


def test_external_meters_follow_device_time_not_the_start() -> None:
    day = dt.timedelta(days=1)
    device = HomeWizardDevice(clock=FakeClock(), start_time=EPOCH + day)
    gas = device.measurement()["external"][0]
    base, rate, _, period = EXTERNAL_METERS["gas_meter"]
    assert gas["type"] == "gas_meter"
    # The value is the one of the last update, at most one period ago.
    latest = base + rate * day.total_seconds()
    assert latest - rate * period <= gas["value"] <= latest


def test_command_line_devices_show_the_local_time() -> None:
    device = DEVICES["homewizard-p1"]()
    shown = dt.datetime.fromisoformat(device.measurement()["timestamp"])
    local = dt.datetime.now(dt.UTC).astimezone().replace(tzinfo=None)
    assert abs(shown - local) < dt.timedelta(minutes=1)


@asynccontextmanager
async def serve(*args: str) -> AsyncIterator[str]:
    """Run `python -m simulators ARGS` and yield its URL; stop it with SIGTERM after."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "simulators",
        *args,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None
    try:
        while True:
            line = (await asyncio.wait_for(proc.stdout.readline(), TIMEOUT)).decode()
            assert line, "the simulator exited"
            if line.startswith("listening on "):
                break
        yield line.removeprefix("listening on ").strip()
        proc.terminate()
        assert await asyncio.wait_for(proc.wait(), TIMEOUT) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def measure(url: str, token: str, context: ssl.SSLContext) -> dict[str, Any]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            url + "/api/measurement",
            headers={"Authorization": f"Bearer {token}"},
            ssl=context,
        ) as response,
    ):
        assert response.status == 200
        result: dict[str, Any] = await response.json()
        return result


@pytest.mark.usefixtures("socket_enabled")
async def test_restarted_command_line_keeps_counters_and_ca(tmp_path: Path) -> None:
    token = "0123456789ABCDEF0123456789ABCDEF"
    args = ["--tls", "--ca-dir", str(tmp_path / "ca"), "--token", token]
    args += ["--state", str(tmp_path / "battery.json")]
    async with serve("homewizard-battery", *args) as url:
        context = ssl.create_default_context(cafile=tmp_path / "ca" / "ca.pem")
        context.check_hostname = False
        before = await measure(url, token, context)
    async with serve("homewizard-battery", *args) as url:
        after = await measure(url, token, context)
    for name, value in totals(before).items():
        assert after[name] >= value, name


def test_monthly_peak_is_never_in_the_future() -> None:
    start = dt.datetime(2026, 12, 2, 8, 0)
    device = HomeWizardDevice(clock=FakeClock(), start_time=start)
    device.set_power(0)  # below the peak: it stays the one the device started with
    peak_at = device.measurement()["monthly_power_peak_timestamp"]
    assert dt.datetime.fromisoformat(peak_at) <= start
