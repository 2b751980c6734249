# ruff: noqa: INP001  (a standalone script, not a package)
"""Compare HomeWizard P1 latency and cost: HA core's `homewizard` against our `homewizard_v2`.

Runs one Home Assistant per side, one after the other, against a fresh simulated
P1 meter (HTTPS with a test CA) whose power changes every second. Measures, after
a warm-up: device-to-state latency of the power sensor, HTTP requests the device
received, CPU time of the HA process and state writes of the side's entities.
Prints a table, then one JSON summary line.
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
import datetime as dt
import importlib.metadata
import importlib.util
import json
import os
from pathlib import Path
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import homeassistant
from homeassistant.const import __version__ as HA_VERSION

from simulators.homewizard import HomeWizardDevice
from simulators.runner import start_simulator
from simulators.tls import TestCA

ROOT = Path(__file__).resolve().parents[1]
SUPPORT = Path(__file__).resolve().with_suffix("")
LAUNCHER = ROOT / "scripts" / "hass_launcher.py"
CORE_MANIFEST = Path(homeassistant.__file__).parent / "components/homewizard/manifest.json"
LIBRARY = "python-homewizard-energy"
HOST = "127.0.0.1"
TOKEN = "B3C4D5E6F708192A3B4C5D6E7F809112"  # noqa: S105 - a simulator token
POWER_BASE = 1000  # the driver sets POWER_BASE, POWER_BASE + 1, ... watts
START_TIMEOUT = 180.0
PUSH_TIMEOUT = 30.0
STOP_TIMEOUT = 60.0
POLL = 0.01
ENTRY_CREATED = "2026-01-01T00:00:00+00:00"


@dataclass(frozen=True, slots=True)
class Side:
    """One integration under test and how its config entry looks."""

    name: str
    domain: str
    entry_id: str
    push: bool

    def entry_data(self, device: HomeWizardDevice, address: str) -> dict[str, str]:
        """Return the config entry data the integration's config flow would store."""
        if self.push:
            return {"host": address, "token": TOKEN, "identity": device.identity}
        return {"ip_address": address, "token": TOKEN}

    def entry_unique_id(self, device: HomeWizardDevice) -> str:
        """Return the config entry's unique id (core: product type and serial)."""
        if self.push:
            return device.serial
        return f"{device.model.product_type}_{device.serial}"

    def power_unique_id(self, device: HomeWizardDevice) -> str:
        """Return the unique id of the active power sensor."""
        key = "power_w" if self.push else "active_power_w"
        return f"{self.entry_unique_id(device)}_{key}"


CORE = Side("core", "homewizard", "01JBENCHCORE0000000000000000", push=False)
OURS = Side("ours", "homewizard_v2", "01JBENCHOURS0000000000000000", push=True)


@dataclass(slots=True)
class Window:
    """What was sampled at the start and end of the measured window."""

    start: float = 0.0
    end: float = 0.0
    cpu: tuple[float, float] = (0.0, 0.0)
    requests: tuple[Counter[str], Counter[str]] = field(
        default_factory=lambda: (Counter(), Counter())
    )

    @property
    def minutes(self) -> float:
        """Return the window's length in minutes."""
        return (self.end - self.start) / 60


@dataclass(frozen=True, slots=True)
class SideResult:
    """The figures of one side."""

    side: str
    power_entity: str
    latency_p50_ms: float
    latency_p95_ms: float
    changes_seen: int
    changes_set: int
    requests_per_min: float
    requests_by_path: dict[str, int]
    requests_after_push: int | None
    requests_after_push_per_min: float | None
    cpu_s_per_min: float
    state_writes_per_min: float
    entities: int


# Setup


def library_pin() -> str:
    """Return the `python-homewizard-energy` version HA core's manifest pins."""
    manifest = json.loads(CORE_MANIFEST.read_text(encoding="utf-8"))
    pins = [r for r in manifest["requirements"] if r.startswith(f"{LIBRARY}==")]
    return pins[0].split("==", 1)[1]


def installed_version() -> str | None:
    """Return the installed library version, or None if it cannot be imported."""
    if importlib.util.find_spec("homewizard_energy") is None:
        return None
    return importlib.metadata.version(LIBRARY)


def ensure_library() -> str:
    """Install the pinned library with pip unless importable at that version."""
    pin = library_pin()
    if installed_version() != pin:
        command = [sys.executable, "-m", "pip", "install", "--ignore-requires-python"]
        subprocess.run([*command, f"{LIBRARY}=={pin}"], check=True)  # noqa: S603
        importlib.invalidate_caches()
    return pin


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
    return port


def configuration(output: Path) -> str:
    """Return a minimal `configuration.yaml`: HTTP on loopback, quiet log, the probe."""
    return f"""homeassistant:
  name: Benchmark
  latitude: 52.37
  longitude: 4.89
  elevation: 0
  time_zone: Europe/Amsterdam
  unit_system: metric
  currency: EUR
  country: NL
http:
  server_host: {HOST}
  server_port: {free_port()}
logger:
  default: warning
bench_probe:
  output: {json.dumps(str(output))}
"""


def config_entry(side: Side, device: HomeWizardDevice, address: str) -> dict[str, Any]:
    """Return one stored config entry, as `ConfigEntry.as_dict` writes it."""
    return {
        "created_at": ENTRY_CREATED,
        "data": side.entry_data(device, address),
        "discovery_keys": {},
        "disabled_by": None,
        "domain": side.domain,
        "entry_id": side.entry_id,
        "minor_version": 1,
        "modified_at": ENTRY_CREATED,
        "options": {},
        "pref_disable_new_entities": False,
        "pref_disable_polling": False,
        "source": "user",
        "subentries": [],
        "title": device.model.product_name,
        "unique_id": side.entry_unique_id(device),
        "version": 1,
    }


def write_config(
    config_dir: Path, side: Side, device: HomeWizardDevice, address: str
) -> Path:
    """Write the config dir of one side; return where the probe records go."""
    output = config_dir / "probe.jsonl"
    (config_dir / "configuration.yaml").write_text(configuration(output), "utf-8")
    storage = config_dir / ".storage"
    storage.mkdir()
    entries = {
        "version": 1,
        "minor_version": 5,
        "key": "core.config_entries",
        "data": {"entries": [config_entry(side, device, address)]},
    }
    (storage / "core.config_entries").write_text(json.dumps(entries), "utf-8")
    custom = config_dir / "custom_components"
    custom.mkdir()
    (custom / "bench_probe").symlink_to(SUPPORT / "bench_probe")
    if side.push:
        (custom / side.domain).symlink_to(ROOT / "custom_components" / side.domain)
    return output


def hass_env(side: Side, ca_file: Path) -> dict[str, str]:
    """Return the HA process environment: the test CA, trusted the side's way."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if side.push:
        env["HOMEWIZARD_V2_DEVELOPMENT_CA"] = str(ca_file)
    else:
        env["PYTHONPATH"] = str(SUPPORT / "core_ca")
        env["BENCH_HOMEWIZARD_CA"] = str(ca_file)
    return env


# The HA process


@asynccontextmanager
async def hass_process(
    config_dir: Path, env: dict[str, str], log: Path
) -> AsyncIterator[asyncio.subprocess.Process]:
    """Run HA on `config_dir` (no pip); always stop it with SIGTERM, then SIGKILL."""
    command = [str(LAUNCHER), "-c", str(config_dir), "--skip-pip"]
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            *command,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            yield process
        finally:
            await stop_process(process)


async def stop_process(process: asyncio.subprocess.Process) -> None:
    """Stop HA cleanly if it still runs; kill it after `STOP_TIMEOUT`."""
    if process.returncode is not None:
        return
    with suppress(ProcessLookupError):
        process.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), STOP_TIMEOUT)
    except TimeoutError:
        with suppress(ProcessLookupError):
            process.kill()
        await process.wait()


async def wait_for(
    condition: Callable[[], bool],
    process: asyncio.subprocess.Process,
    timeout: float,
    what: str,
) -> None:
    """Wait until `condition()` holds; fail if HA exits or `timeout` passes."""
    deadline = time.monotonic() + timeout
    while not condition():
        if process.returncode is not None:
            raise RuntimeError(f"HA exited ({process.returncode}) before {what}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"Timed out after {timeout:.0f} s waiting for {what}")
        await asyncio.sleep(POLL)


def cpu_seconds(pid: int) -> float:
    """Return the user + system CPU seconds of process `pid` so far (Linux)."""
    stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# The device side


class Driver:
    """Sets a new, distinct power about every second and remembers when.

    The period is `1 + 1 / seconds` s, so over a window of `seconds` the changes
    sweep one full second against HA's polls (whole monotonic seconds plus a fixed
    offset) instead of keeping one arbitrary phase.
    """

    def __init__(self, device: HomeWizardDevice, period: float) -> None:
        """Drive `device` every `period` seconds."""
        self._device = device
        self._period = period
        self.set_at: dict[int, float] = {}

    async def run(self) -> None:
        """Set POWER_BASE + k watts at start + k periods, until cancelled."""
        start = time.monotonic()
        step = 0
        while True:
            due = start + step * self._period
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            watts = POWER_BASE + step
            self._device.set_power(watts)
            self.set_at[watts] = time.time()
            step += 1


class PushWatch:
    """Notes the time and request count when the first websocket opens."""

    def __init__(self, device: HomeWizardDevice) -> None:
        """Watch `device`."""
        self._device = device
        self.up_at: float | None = None
        self.requests_at_up = 0

    async def run(self) -> None:
        """Poll the device's websocket count until one is open."""
        while self._device.ws_connections == 0:
            await asyncio.sleep(POLL)
        self.up_at = time.time()
        self.requests_at_up = self._device.requests.total()


# One side


@dataclass(slots=True)
class Run:
    """What one side's run leaves behind for the analysis."""

    side: Side
    device: HomeWizardDevice
    window: Window
    set_at: dict[int, float]
    records: list[tuple[float, str, str | None]]
    registry: list[dict[str, Any]]
    push: PushWatch | None


async def measure(
    process: asyncio.subprocess.Process,
    device: HomeWizardDevice,
    seconds: float,
) -> Window:
    """Sample CPU time and requests around `seconds` of normal running."""
    window = Window()
    window.start, window.cpu = time.time(), (cpu_seconds(process.pid), 0.0)
    first = Counter(device.requests)
    deadline = time.monotonic() + seconds
    await wait_for(lambda: time.monotonic() >= deadline, process, seconds + 5, "end")
    window.end, window.cpu = time.time(), (window.cpu[0], cpu_seconds(process.pid))
    window.requests = (first, Counter(device.requests))
    return window


async def run_hass(
    side: Side, device: HomeWizardDevice, config_dir: Path, ca_file: Path, args: Any
) -> tuple[Window, PushWatch | None]:
    """Start HA for `side`, wait for it, warm up, measure, and stop it."""
    output = config_dir / "probe.jsonl"
    ready = output.with_name(f"{output.name}.ready")
    watch = PushWatch(device) if side.push else None
    watcher = asyncio.create_task(watch.run()) if watch else None
    env = hass_env(side, ca_file)
    try:
        async with hass_process(config_dir, env, config_dir.parent / "hass.out") as ha:
            await wait_for(ready.exists, ha, START_TIMEOUT, "HA to start")
            if watch is not None:
                await wait_for(lambda: watch.up_at is not None, ha, PUSH_TIMEOUT, "push")
            await asyncio.sleep(args.warmup)
            window = await measure(ha, device, args.seconds)
    finally:
        if watcher is not None:
            watcher.cancel()
    return window, watch


def load_records(path: Path) -> list[tuple[float, str, str | None]]:
    """Read the probe's `[time, entity_id, state]` lines."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [(float(t), str(e), s) for t, e, s in map(json.loads, lines)]


def load_registry(config_dir: Path) -> list[dict[str, Any]]:
    """Return the entity registry entries HA saved on stop."""
    path = config_dir / ".storage" / "core.entity_registry"
    entities: list[dict[str, Any]] = json.loads(path.read_text("utf-8"))["data"][
        "entities"
    ]
    return entities


async def run_side(side: Side, ca: TestCA, ca_file: Path, args: Any) -> Run:
    """Run one side against a fresh simulated P1 meter; return its raw data."""
    device = HomeWizardDevice("p1_3phase", push_interval=1.0)
    device.add_token(TOKEN)
    context = ca.server_context(device.server_certificate(ca, HOST))
    with tempfile.TemporaryDirectory(prefix=f"hw-latency-{side.name}-") as tmp:
        config_dir = Path(tmp, "config")
        config_dir.mkdir()
        async with await start_simulator(device, host=HOST, ssl_context=context) as sim:
            write_config(config_dir, side, device, f"{HOST}:{sim.port}")
            driver = Driver(device, 1 + 1 / args.seconds)
            driving = asyncio.create_task(driver.run())
            try:
                window, watch = await run_hass(side, device, config_dir, ca_file, args)
            except BaseException:
                print(tail(Path(tmp, "hass.out")), file=sys.stderr)
                raise
            finally:
                driving.cancel()
        records = load_records(config_dir / "probe.jsonl")
        registry = load_registry(config_dir)
    return Run(side, device, window, driver.set_at, records, registry, watch)


def tail(path: Path, lines: int = 40) -> str:
    """Return the last lines of HA's output, for errors."""
    if not path.exists():
        return ""
    return "\n".join(path.read_text("utf-8", "replace").splitlines()[-lines:])


# Analysis


def percentile(values: list[float], fraction: float) -> float:
    """Return the `fraction` quantile (linear interpolation), NaN if empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def power_entity(run: Run) -> str:
    """Return the entity id of the side's active power sensor."""
    unique_id = run.side.power_unique_id(run.device)
    for entity in run.registry:
        if entity["platform"] == run.side.domain and entity["unique_id"] == unique_id:
            return str(entity["entity_id"])
    raise RuntimeError(f"{run.side.name}: no entity with unique id {unique_id}")


def latencies(run: Run, entity_id: str) -> tuple[list[float], int]:
    """Return state-minus-set latencies (s) of values set in the window, and the set count."""
    window = run.window
    in_window = {
        watts: at
        for watts, at in run.set_at.items()
        if window.start <= at < window.end
    }
    seen: dict[int, float] = {}
    for at, entity, state in run.records:
        watts = as_watts(state) if entity == entity_id else None
        if watts in in_window and watts not in seen:
            seen[watts] = at - in_window[watts]
    return list(seen.values()), len(in_window)


def as_watts(state: str | None) -> int | None:
    """Return a state as whole watts, None if it is not a number."""
    try:
        value = float(state or "nan")
    except ValueError:
        return None
    return round(value) if value == value and value.is_integer() else None


def entry_entities(run: Run) -> set[str]:
    """Return the entity ids registered for the side's config entry."""
    entry_id = run.side.entry_id
    return {e["entity_id"] for e in run.registry if e["config_entry_id"] == entry_id}


def requests_after_push(run: Run) -> tuple[int | None, float | None]:
    """Return requests after the websocket opened, in all and per minute."""
    if run.push is None or run.push.up_at is None:
        return None, None
    count = run.window.requests[1].total() - run.push.requests_at_up
    return count, count / ((run.window.end - run.push.up_at) / 60)


def analyse(run: Run) -> SideResult:
    """Turn one side's raw data into its figures."""
    window = run.window
    entity_id = power_entity(run)
    delays, set_count = latencies(run, entity_id)
    entities = entry_entities(run)
    writes = sum(
        1
        for at, entity, _ in run.records
        if window.start <= at < window.end and entity in entities
    )
    requests = window.requests[1] - window.requests[0]
    after_push, after_push_rate = requests_after_push(run)
    return SideResult(
        side=run.side.name,
        power_entity=entity_id,
        latency_p50_ms=percentile(delays, 0.5) * 1000,
        latency_p95_ms=percentile(delays, 0.95) * 1000,
        changes_seen=len(delays),
        changes_set=set_count,
        requests_per_min=requests.total() / window.minutes,
        requests_by_path=dict(sorted(requests.items())),
        requests_after_push=after_push,
        requests_after_push_per_min=after_push_rate,
        cpu_s_per_min=(window.cpu[1] - window.cpu[0]) / window.minutes,
        state_writes_per_min=writes / window.minutes,
        entities=len(entities),
    )


# Report


def table(core: SideResult, ours: SideResult) -> list[str]:
    """Return the comparison table as Markdown lines."""

    def cell(value: float | None, digits: int = 1) -> str:
        return "-" if value is None else f"{value:.{digits}f}"

    rows: list[tuple[str, str, str]] = [
        ("power entity", core.power_entity, ours.power_entity),
        ("latency p50 (ms)", cell(core.latency_p50_ms), cell(ours.latency_p50_ms)),
        ("latency p95 (ms)", cell(core.latency_p95_ms), cell(ours.latency_p95_ms)),
        (
            "power changes seen / set",
            f"{core.changes_seen} / {core.changes_set}",
            f"{ours.changes_seen} / {ours.changes_set}",
        ),
        ("HTTP requests / min", cell(core.requests_per_min), cell(ours.requests_per_min)),
        (
            "requests after push is up (count, / min)",
            "-",
            f"{ours.requests_after_push} ({cell(ours.requests_after_push_per_min, 2)})",
        ),
        ("requests by path (window)", paths(core), paths(ours)),
        ("HA CPU s / min", cell(core.cpu_s_per_min, 2), cell(ours.cpu_s_per_min, 2)),
        (
            "state writes / min",
            cell(core.state_writes_per_min),
            cell(ours.state_writes_per_min),
        ),
        ("entities of the entry", str(core.entities), str(ours.entities)),
    ]
    lines = [
        "| metric | core `homewizard` (poll 5 s) | ours `homewizard_v2` (push) |",
        "|---|---:|---:|",
    ]
    lines += [f"| {name} | {a} | {b} |" for name, a, b in rows]
    return lines


def paths(result: SideResult) -> str:
    """Return the window's requests by path, compactly."""
    return ", ".join(f"{p} {n}" for p, n in result.requests_by_path.items()) or "none"


def summary(core: SideResult, ours: SideResult) -> dict[str, float | None]:
    """Return the final JSON summary."""
    after_push = ours.requests_after_push_per_min
    return {
        "latency_p50_ms_ours": round(ours.latency_p50_ms, 1),
        "latency_p50_ms_core": round(core.latency_p50_ms, 1),
        "latency_ratio": round(ours.latency_p50_ms / core.latency_p50_ms, 4),
        "requests_per_min_ours": None if after_push is None else round(after_push, 2),
        "requests_per_min_core": round(core.requests_per_min, 1),
        "cpu_ratio": round(ours.cpu_s_per_min / core.cpu_s_per_min, 3),
        "state_writes_per_min_ours": round(ours.state_writes_per_min, 1),
        "state_writes_per_min_core": round(core.state_writes_per_min, 1),
    }


async def run_all(args: Any) -> list[SideResult]:
    """Run the sides one after the other with one test CA."""
    ca = TestCA.create()
    results = []
    with tempfile.TemporaryDirectory(prefix="hw-latency-ca-") as tmp:
        ca_file = Path(tmp, "ca.pem")
        ca_file.write_bytes(ca.ca_pem)
        for side in (CORE, OURS):
            print(f"{side.name}: running {side.domain} ...", file=sys.stderr)
            results.append(analyse(await run_side(side, ca, ca_file, args)))
    return results


def main() -> None:
    """Install the core library if needed, run both sides, print the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120.0, help="measured window")
    parser.add_argument("--warmup", type=float, default=15.0, help="after HA started")
    args = parser.parse_args()
    version = ensure_library()
    started = time.monotonic()
    core, ours = asyncio.run(run_all(args))
    print(
        f"HA {HA_VERSION}, python-homewizard-energy {version}, window {args.seconds:.0f} s"
        f" after {args.warmup:.0f} s warm-up, {dt.datetime.now(dt.UTC):%Y-%m-%d},"
        f" wall {time.monotonic() - started:.0f} s"
    )
    print("\n".join(table(core, ours)))
    print(json.dumps(summary(core, ours)))


if __name__ == "__main__":
    main()
