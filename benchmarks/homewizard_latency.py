# ruff: noqa: INP001  (a standalone script, not a package)
"""Compare HomeWizard P1 latency and cost: HA core's `homewizard` against our `homewizard_v2`.

Runs one Home Assistant per side, both at the same time, each against a fresh
simulated P1 meter (HTTPS with a test CA). One driver sets the same new power on
both meters about once a second (a P1 meter's telegram cadence), at random phases.
After a warm-up both sides measure over the same window: the lag a user sees (from
each set until the power sensor shows that value or a later one), the latency of
the values that were shown, HTTP requests the device received, CPU time of the HA
process and state writes of the side's entities. Prints a table, then one JSON
summary line.
The HA-side helpers (a state-recording probe component and the sitecustomize that
makes core's library trust the test CA) are in `benchmarks/homewizard_latency_ha/`.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
import datetime as dt
import importlib.metadata
import importlib.util
import json
import os
from pathlib import Path
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from typing import Any, NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import homeassistant
import homeassistant.const

from simulators.homewizard import HomeWizardDevice
from simulators.runner import start_simulator
from simulators.tls import TestCA

ROOT = Path(__file__).resolve().parents[1]
SUPPORT = Path(__file__).resolve().with_name("homewizard_latency_ha")
LAUNCHER = ROOT / "scripts" / "hass_launcher.py"
CORE_MANIFEST = (
    Path(homeassistant.__file__).parent / "components/homewizard/manifest.json"
)
LIBRARY = "python-homewizard-energy"
CA_MARKER = "bench sitecustomize: homewizard_energy trusts"
HOST = "127.0.0.1"
TOKEN = "B3C4D5E6F708192A3B4C5D6E7F809112"  # noqa: S105 - a simulator token
# The driver sets POWER_BASE, POWER_BASE - 1, ... watts: distinct values that never
# exceed the simulated monthly peak (1111 W), so the peak sensors stay still.
POWER_BASE = 1000
# Each driver step is one telegram of the meter, pushed at once, as a real P1 meter
# pushes one frame per telegram (one a second). The time to the next step is drawn
# uniformly from TELEGRAM_MIN..TELEGRAM_MAX s: one a second on average, and, as the
# width is one whole second, each step's phase against any whole-second grid (core
# polls at whole monotonic seconds plus a fixed offset) is uniform and independent
# of the last; against ours' pacing cycle, which starts at the push it takes, the
# phases are random too. A fixed cadence would let a pacing interval line up with it.
TELEGRAM_MIN = 0.5
TELEGRAM_MAX = 1.5
# The simulator's own periodic push: longer than any step, so it never adds a second
# frame, with the previous power, between two steps.
PUSH_INTERVAL = 2 * TELEGRAM_MAX
# After the window, HA keeps running (and the driver driving) at least this long, so
# that every value set in the window has had the time to show.
TAIL_MIN = 12.0
START_TIMEOUT = 180.0
PUSH_TIMEOUT = 30.0
STOP_TIMEOUT = 60.0
POLL = 0.01
CORE_POLL = 5.0  # HA core's homewizard UPDATE_INTERVAL
ENTRY_CREATED = "2026-01-01T00:00:00+00:00"
LOG_LEVEL = re.compile(
    r"^(?:\x1b\[[\d;]*m)?\d{4}-\d\d-\d\d [\d:.]+ (WARNING|ERROR|CRITICAL) "
)

type Record = tuple[float, str, str | None]


@dataclass(frozen=True, slots=True)
class Options:
    """Command-line options."""

    seconds: float
    warmup: float
    core_poll: float | None
    ours_interval: float | None
    keep_logs: Path | None
    seed: int

    @property
    def tail(self) -> float:
        """Return how long HA runs on after the window: two cycles of the slower side."""
        cycle = max(self.core_poll or CORE_POLL, self.ours_interval or 0.0)
        return max(TAIL_MIN, 2 * cycle + 2)

    def entry_options(self, side: Side) -> dict[str, float]:
        """Return the side's config entry options: the defaults unless overridden."""
        if side.push and self.ours_interval is not None:
            return {"min_write_interval": self.ours_interval}
        return {}


@dataclass(frozen=True, slots=True)
class Side:
    """One integration under test and how its config entry looks."""

    name: str
    domain: str
    entry_id: str
    push: bool

    def entry_data(self, device: HomeWizardDevice, address: str) -> dict[str, str]:
        """Return the config entry data the integration's config flow stores."""
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
class Schedule:
    """The measured window both sides share: fixed once both are ready."""

    warmup: float
    seconds: float
    tail: float
    start: float | None = None  # monotonic
    wall_start: float = 0.0

    def fix(self) -> float:
        """Fix the window to start `warmup` s from now, unless fixed; return its start."""
        if self.start is None:
            self.start = time.monotonic() + self.warmup
            self.wall_start = time.time() + self.warmup
        return self.start


@dataclass(slots=True)
class Window:
    """Wall times, HA CPU seconds and device requests at the window's start and end."""

    start: float = 0.0
    end: float = 0.0
    cpu: list[float] = field(default_factory=list)
    requests: list[Counter[str]] = field(default_factory=list)

    @property
    def minutes(self) -> float:
        """Return the window's length in minutes."""
        return (self.end - self.start) / 60

    def contains(self, moment: float) -> bool:
        """Return whether `moment` (wall time) falls in the window."""
        return self.start <= moment < self.end


@dataclass(frozen=True, slots=True)
class SideResult:
    """The figures of one side."""

    side: str
    power_entity: str
    lag_ms: tuple[float, float]
    lag_shown: int
    lag_missing: int
    latency_ms: tuple[float, float]
    changes_seen: int
    changes_set: int
    requests_per_min: float
    requests_by_path: dict[str, int]
    requests_before_push: int | None
    requests_after_push: int | None
    requests_after_push_per_min: float | None
    cpu_s_per_min: float
    state_writes_per_min: float
    entities: int
    log_counts: tuple[int, int]


# Setup


def library_pin() -> str:
    """Return the `python-homewizard-energy` version HA core's manifest pins."""
    manifest = json.loads(CORE_MANIFEST.read_text(encoding="utf-8"))
    pins = [r for r in manifest["requirements"] if r.startswith(f"{LIBRARY}==")]
    return str(pins[0].split("==", 1)[1])


def installed_version() -> str | None:
    """Return the installed library version, or None if it cannot be imported."""
    if importlib.util.find_spec("homewizard_energy") is None:
        return None
    return importlib.metadata.version(LIBRARY)


def ensure_library() -> str:
    """Install the pinned library with pip unless it imports at that version."""
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


def config_entry(
    side: Side, device: HomeWizardDevice, address: str, options: dict[str, float]
) -> dict[str, Any]:
    """Return one stored config entry, with the keys `ConfigEntry.as_dict` writes."""
    return {
        "created_at": ENTRY_CREATED,
        "data": side.entry_data(device, address),
        "discovery_keys": {},
        "disabled_by": None,
        "domain": side.domain,
        "entry_id": side.entry_id,
        "minor_version": 1,
        "modified_at": ENTRY_CREATED,
        "options": options,
        "pref_disable_new_entities": False,
        "pref_disable_polling": False,
        "source": "user",
        "subentries": [],
        "title": device.model.product_name,
        "unique_id": side.entry_unique_id(device),
        "version": 1,
    }


def write_config(
    config_dir: Path,
    side: Side,
    device: HomeWizardDevice,
    address: str,
    options: dict[str, float],
) -> None:
    """Write one side's config dir: configuration, config entry, custom components."""
    output = config_dir / "probe.jsonl"
    (config_dir / "configuration.yaml").write_text(configuration(output), "utf-8")
    storage = config_dir / ".storage"
    storage.mkdir()
    entries = {
        "version": 1,
        "minor_version": 5,
        "key": "core.config_entries",
        "data": {"entries": [config_entry(side, device, address, options)]},
    }
    (storage / "core.config_entries").write_text(json.dumps(entries), "utf-8")
    custom = config_dir / "custom_components"
    custom.mkdir()
    (custom / "bench_probe").symlink_to(SUPPORT / "bench_probe")
    if side.push:
        (custom / side.domain).symlink_to(ROOT / "custom_components" / side.domain)


def hass_env(side: Side, ca_file: Path, core_poll: float | None) -> dict[str, str]:
    """Return the HA process environment: the test CA, trusted the side's way."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if side.push:
        env["HOMEWIZARD_V2_DEVELOPMENT_CA"] = str(ca_file)
    else:
        env["PYTHONPATH"] = str(SUPPORT / "core_ca")
        env["BENCH_HOMEWIZARD_CA"] = str(ca_file)
        if core_poll is not None:
            env["BENCH_HOMEWIZARD_POLL"] = str(core_poll)
    return env


# The HA process


@asynccontextmanager
async def hass_process(
    config_dir: Path, env: dict[str, str], log: Path
) -> AsyncIterator[asyncio.subprocess.Process]:
    """Run HA on `config_dir` (never pip); always stop it on leaving."""
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(LAUNCHER),
            "-c",
            str(config_dir),
            "--skip-pip",
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
    """Stop HA with SIGTERM if it still runs; SIGKILL it after `STOP_TIMEOUT`."""
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
    limit: float,
    what: str,
) -> None:
    """Wait until `condition()` holds; fail if HA exits or `limit` seconds pass."""
    deadline = time.monotonic() + limit
    while not condition():
        if process.returncode is not None:
            raise RuntimeError(f"HA exited ({process.returncode}) before {what}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"Timed out after {limit:.0f} s waiting for {what}")
        await asyncio.sleep(POLL)


def cpu_seconds(pid: int) -> float:
    """Return the CPU seconds the threads of process `pid` have run so far (Linux).

    The scheduler's nanosecond run times (`/proc/<pid>/task/*/schedstat`): utime and
    stime count whole 10 ms ticks, too coarse for a process that is idle 99 % of the
    time. Falls back to utime + stime where schedstat is missing.
    """
    total_ns = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        with suppress(OSError):
            total_ns += int((task / "schedstat").read_text("ascii").split()[0])
    if total_ns:
        return total_ns / 1e9
    stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# The device side


class Driver:
    """Sets the same new, distinct power on every meter, on average once a second.

    The steps are `TELEGRAM_MIN`..`TELEGRAM_MAX` s apart, drawn from `random.Random(seed)`.
    """

    def __init__(self, devices: Iterable[HomeWizardDevice], seed: int) -> None:
        """Drive `devices` with the steps of `seed`."""
        self._devices = list(devices)
        self._random = random.Random(seed)
        self.set_at: dict[int, float] = {}

    async def run(self) -> None:
        """Set POWER_BASE - k watts at step k, until cancelled."""
        due = time.monotonic()
        step = 0
        while True:
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            watts = POWER_BASE - step
            for device in self._devices:
                device.set_power(watts)
            self.set_at[watts] = time.time()
            step += 1
            due += self._random.uniform(TELEGRAM_MIN, TELEGRAM_MAX)


class PushWatch:
    """Notes the time and the request count when the first websocket opens."""

    def __init__(self, device: HomeWizardDevice) -> None:
        """Watch `device`."""
        self._device = device
        self.up_at: float | None = None
        self.requests_at_up = 0

    async def run(self) -> None:
        """Poll the device's websocket count until one is open."""
        while self._device.ws_connections == 0:  # noqa: ASYNC110 - no event to await
            await asyncio.sleep(POLL)
        self.up_at = time.time()
        self.requests_at_up = self._device.requests.total()


# One side


@dataclass(slots=True)
class Run:
    """What one side's run leaves for the analysis."""

    side: Side
    device: HomeWizardDevice
    window: Window
    set_at: dict[int, float]
    records: list[Record]
    registry: list[dict[str, Any]]
    push: PushWatch | None
    log: list[str]


async def sleep_until(moment: float, process: asyncio.subprocess.Process) -> None:
    """Sleep until `moment` (monotonic); fail if HA exits meanwhile."""
    while (left := moment - time.monotonic()) > 0:
        if process.returncode is not None:
            raise RuntimeError(f"HA exited ({process.returncode}) while measuring")
        await asyncio.sleep(min(left, 1.0))


async def measure(
    process: asyncio.subprocess.Process, device: HomeWizardDevice, schedule: Schedule
) -> Window:
    """Sample HA CPU time and device requests at the shared window's start and end.

    Then let HA run for the schedule's tail, so the window's last values can show.
    """
    start = schedule.fix()
    window = Window(schedule.wall_start, schedule.wall_start + schedule.seconds)
    await sleep_until(start, process)
    window.cpu.append(cpu_seconds(process.pid))
    window.requests.append(Counter(device.requests))
    await sleep_until(start + schedule.seconds, process)
    window.cpu.append(cpu_seconds(process.pid))
    window.requests.append(Counter(device.requests))
    await sleep_until(start + schedule.seconds + schedule.tail, process)
    return window


async def run_hass(
    side: Side,
    device: HomeWizardDevice,
    config_dir: Path,
    options: Options,
    ready_together: asyncio.Barrier,
    schedule: Schedule,
) -> tuple[Window, PushWatch | None]:
    """Start HA for `side`, wait for it (and push) and the other side, then measure."""
    ready = config_dir / "probe.jsonl.ready"
    watch = PushWatch(device) if side.push else None
    watcher = asyncio.create_task(watch.run()) if watch else None
    env = hass_env(side, config_dir.parent / "ca.pem", options.core_poll)
    try:
        async with hass_process(config_dir, env, config_dir.parent / "hass.out") as ha:
            await wait_for(ready.exists, ha, START_TIMEOUT, "HA to start")
            if watch is not None:
                await wait_for(
                    lambda: watch.up_at is not None, ha, PUSH_TIMEOUT, "push"
                )
            await ready_together.wait()
            window = await measure(ha, device, schedule)
    finally:
        if watcher is not None:
            watcher.cancel()
    return window, watch


def load_records(path: Path) -> list[Record]:
    """Read the probe's `[time, entity_id, state]` lines."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [(float(t), str(e), s) for t, e, s in map(json.loads, lines)]


def load_registry(config_dir: Path) -> list[dict[str, Any]]:
    """Return the entity registry entries HA saved when it stopped."""
    path = config_dir / ".storage" / "core.entity_registry"
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))["data"]
    return list(data["entities"])


def read_log(tmp: Path) -> list[str]:
    """Return HA's console output (stdout and stderr) as lines."""
    path = tmp / "hass.out"
    return path.read_text("utf-8", "replace").splitlines() if path.exists() else []


def keep_logs(tmp: Path, side: Side, target: Path | None) -> None:
    """Copy HA's console output to `target`, if given."""
    if target is not None and (tmp / "hass.out").exists():
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(tmp / "hass.out", target / f"{side.name}.log")


async def run_side(
    side: Side,
    device: HomeWizardDevice,
    set_at: dict[int, float],
    ca: TestCA,
    options: Options,
    ready_together: asyncio.Barrier,
    schedule: Schedule,
) -> Run:
    """Run one side against its simulated P1 meter; return its raw data."""
    device.add_token(TOKEN)
    context = ca.server_context(device.server_certificate(ca, HOST))
    with tempfile.TemporaryDirectory(prefix=f"hw-latency-{side.name}-") as name:
        tmp = Path(name)
        (tmp / "ca.pem").write_bytes(ca.ca_pem)
        config_dir = tmp / "config"
        config_dir.mkdir()
        async with await start_simulator(device, host=HOST, ssl_context=context) as sim:
            address = f"{HOST}:{sim.port}"
            write_config(config_dir, side, device, address, options.entry_options(side))
            try:
                window, watch = await run_hass(
                    side, device, config_dir, options, ready_together, schedule
                )
            except Exception:
                print("\n".join(read_log(tmp)[-40:]), file=sys.stderr)
                raise
            finally:
                keep_logs(tmp, side, options.keep_logs)
        records = load_records(config_dir / "probe.jsonl")
        registry = load_registry(config_dir)
        log = read_log(tmp)
    return Run(side, device, window, set_at, records, registry, watch, log)


# Analysis


def percentile(values: Iterable[float], fraction: float) -> float:
    """Return the `fraction` quantile (linear interpolation); NaN if empty."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def p50_p95_ms(delays: list[float]) -> tuple[float, float]:
    """Return the median and 95th percentile of `delays` (s) in ms."""
    return percentile(delays, 0.5) * 1000, percentile(delays, 0.95) * 1000


def as_watts(state: str | None) -> int | None:
    """Return a state as whole watts; None if it is not a whole number."""
    try:
        value = float(state or "nan")
    except ValueError:
        return None
    return int(value) if value.is_integer() else None


def power_entity(run: Run) -> str:
    """Return the entity id of the side's active power sensor, from the registry."""
    unique_id = run.side.power_unique_id(run.device)
    for entity in run.registry:
        if entity["platform"] == run.side.domain and entity["unique_id"] == unique_id:
            return str(entity["entity_id"])
    raise RuntimeError(f"{run.side.name}: no entity with unique id {unique_id}")


def power_states(run: Run, entity_id: str) -> list[tuple[float, int]]:
    """Return (time, watts) of the power sensor's numeric state changes, in order."""
    states = (
        (at, as_watts(state))
        for at, entity, state in run.records
        if entity == entity_id
    )
    return sorted((at, watts) for at, watts in states if watts is not None)


def window_sets(run: Run) -> dict[int, float]:
    """Return the powers the driver set during the window, with their wall times."""
    return {w: at for w, at in run.set_at.items() if run.window.contains(at)}


def latencies(sets: dict[int, float], shown: list[tuple[float, int]]) -> list[float]:
    """Return state time minus set time of every set value that became the state."""
    first: dict[int, float] = {}
    for at, watts in shown:
        if watts in sets and watts not in first:
            first[watts] = at - sets[watts]
    return list(first.values())


class Lags(NamedTuple):
    """The lag of every value set in the window that showed, and how many did not."""

    delays: list[float]
    missing: int


def lags(
    sets: dict[int, float], set_at: dict[int, float], shown: list[tuple[float, int]]
) -> Lags:
    """Return, per value set in the window, the lag a user sees.

    That is the time from the set until the first state change of the power sensor,
    at or after the set, that shows that value or a value set later: a value skipped
    (by pacing, or between two polls) counts as shown when a later one is.
    """
    changes = [(at, set_at[w]) for at, w in shown if w in set_at]
    times = [at for at, _ in changes]
    delays, missing = [], 0
    for set_time in sorted(sets.values()):
        index = bisect.bisect_left(times, set_time)
        first = next((at for at, when in changes[index:] if when >= set_time), None)
        if first is None:
            missing += 1
        else:
            delays.append(first - set_time)
    return Lags(delays, missing)


def entry_entities(run: Run) -> set[str]:
    """Return the entity ids registered for the side's config entry."""
    entry_id = run.side.entry_id
    return {e["entity_id"] for e in run.registry if e["config_entry_id"] == entry_id}


def requests_after_push(run: Run) -> tuple[int | None, float | None]:
    """Return the requests after the websocket opened, in all and per minute."""
    if run.push is None or run.push.up_at is None:
        return None, None
    count = run.window.requests[1].total() - run.push.requests_at_up
    return count, count / ((run.window.end - run.push.up_at) / 60)


def requests_before_push(run: Run) -> int | None:
    """Return the requests before the websocket opened (start-up reads)."""
    return None if run.push is None else run.push.requests_at_up


def log_counts(run: Run) -> tuple[int, int]:
    """Return HA's logged warnings and errors; check the CA patch ran (core)."""
    if not run.side.push and not any(CA_MARKER in line for line in run.log):
        raise RuntimeError("core: the sitecustomize CA patch did not run")
    levels = Counter(m[1] for m in map(LOG_LEVEL.match, run.log) if m is not None)
    return levels["WARNING"], levels["ERROR"] + levels["CRITICAL"]


def analyse(run: Run) -> SideResult:
    """Turn one side's raw data into its figures."""
    window = run.window
    entity_id = power_entity(run)
    sets, shown = window_sets(run), power_states(run, entity_id)
    delays = latencies(sets, shown)
    if not delays:
        raise RuntimeError(f"{run.side.name}: no power value reached HA")
    lag = lags(sets, run.set_at, shown)
    if lag.missing:
        print(
            f"{run.side.name}: {lag.missing} value(s) set in the window never showed",
            file=sys.stderr,
        )
    entities = entry_entities(run)
    writes = sum(1 for at, e, _ in run.records if window.contains(at) and e in entities)
    requests = window.requests[1] - window.requests[0]
    after_push, after_push_rate = requests_after_push(run)
    return SideResult(
        side=run.side.name,
        power_entity=entity_id,
        lag_ms=p50_p95_ms(lag.delays),
        lag_shown=len(lag.delays),
        lag_missing=lag.missing,
        latency_ms=p50_p95_ms(delays),
        changes_seen=len(delays),
        changes_set=len(sets),
        requests_per_min=requests.total() / window.minutes,
        requests_by_path=dict(sorted(requests.items())),
        requests_before_push=requests_before_push(run),
        requests_after_push=after_push,
        requests_after_push_per_min=after_push_rate,
        cpu_s_per_min=(window.cpu[1] - window.cpu[0]) / window.minutes,
        state_writes_per_min=writes / window.minutes,
        entities=len(entities),
        log_counts=log_counts(run),
    )


# Report


def cell(value: float | None, digits: int = 1) -> str:
    """Format a number for the table; `-` for none."""
    return "-" if value is None else f"{value:.{digits}f}"


def paths(result: SideResult) -> str:
    """Return the window's requests by path, compactly."""
    return ", ".join(f"{p} {n}" for p, n in result.requests_by_path.items()) or "none"


def table(
    core: SideResult, ours: SideResult, core_poll: float, ours_interval: float | None
) -> list[str]:
    """Return the comparison as Markdown table lines."""
    after_push = ours.requests_after_push_per_min
    rows = [
        ("power entity", core.power_entity, ours.power_entity),
        (
            "**lag**: set until shown (or a later value), p50 (ms)",
            cell(core.lag_ms[0]),
            cell(ours.lag_ms[0]),
        ),
        (
            "**lag**: set until shown (or a later value), p95 (ms)",
            cell(core.lag_ms[1]),
            cell(ours.lag_ms[1]),
        ),
        (
            "values set in the window: shown (or a later one) / never",
            f"{core.lag_shown} / {core.lag_missing}",
            f"{ours.lag_shown} / {ours.lag_missing}",
        ),
        (
            "latency of shown values p50 (ms)",
            cell(core.latency_ms[0]),
            cell(ours.latency_ms[0]),
        ),
        (
            "latency of shown values p95 (ms)",
            cell(core.latency_ms[1]),
            cell(ours.latency_ms[1]),
        ),
        (
            "values shown themselves / set",
            f"{core.changes_seen} / {core.changes_set}",
            f"{ours.changes_seen} / {ours.changes_set}",
        ),
        (
            "HTTP requests / min",
            cell(core.requests_per_min),
            cell(ours.requests_per_min),
        ),
        ("requests before push is up (start-up)", "-", str(ours.requests_before_push)),
        (
            "requests after push is up (count, / min)",
            "-",
            f"{ours.requests_after_push} ({cell(after_push, 2)})",
        ),
        ("requests in the window, by path", paths(core), paths(ours)),
        ("HA CPU s / min", cell(core.cpu_s_per_min, 3), cell(ours.cpu_s_per_min, 3)),
        (
            "state writes / min",
            cell(core.state_writes_per_min),
            cell(ours.state_writes_per_min),
        ),
        ("entities of the entry", str(core.entities), str(ours.entities)),
        (
            "HA log warnings / errors",
            "{} / {}".format(*core.log_counts),
            "{} / {}".format(*ours.log_counts),
        ),
    ]
    core_title = f"core `homewizard` (polls every {core_poll:g} s)"
    pace = "default options" if ours_interval is None else f"{ours_interval:g} s"
    ours_title = f"ours `homewizard_v2` (push, {pace})"
    header = [
        f"| metric | {core_title} | {ours_title} |",
        "|---|---:|---:|",
    ]
    return header + [f"| {name} | {a} | {b} |" for name, a, b in rows]


def summary(core: SideResult, ours: SideResult) -> dict[str, float | None]:
    """Return the final JSON summary: the lag first."""
    after_push = ours.requests_after_push_per_min
    return {
        "lag_p50_ms_ours": round(ours.lag_ms[0], 1),
        "lag_p50_ms_core": round(core.lag_ms[0], 1),
        "lag_ratio": round(ours.lag_ms[0] / core.lag_ms[0], 4),
        "lag_p95_ms_ours": round(ours.lag_ms[1], 1),
        "lag_p95_ms_core": round(core.lag_ms[1], 1),
        "latency_p50_ms_ours": round(ours.latency_ms[0], 1),
        "latency_p50_ms_core": round(core.latency_ms[0], 1),
        "latency_ratio": round(ours.latency_ms[0] / core.latency_ms[0], 4),
        "requests_per_min_ours": None if after_push is None else round(after_push, 2),
        "requests_per_min_core": round(core.requests_per_min, 1),
        "requests_after_push_ours": ours.requests_after_push,
        "cpu_ratio": round(ours.cpu_s_per_min / core.cpu_s_per_min, 3),
        "state_writes_per_min_ours": round(ours.state_writes_per_min, 1),
        "state_writes_per_min_core": round(core.state_writes_per_min, 1),
    }


async def run_all(options: Options) -> list[SideResult]:
    """Run core and ours at the same time, one HA each, with one test CA.

    Both measure over the same window, so a busier or quieter host (CPU on a shared
    VM drifts by a factor of 2-3 within minutes) weighs on both sides alike, and one
    driver sets the same powers on both meters at the same moments. If one
    side fails, the other is cancelled. SIGTERM and SIGHUP cancel the run like
    Ctrl-C does, so HA is always stopped.
    """
    task = asyncio.current_task()
    assert task is not None  # noqa: S101 - always inside asyncio.run
    for signum in (signal.SIGTERM, signal.SIGHUP):
        asyncio.get_running_loop().add_signal_handler(signum, task.cancel)
    ca = TestCA.create()
    ready_together = asyncio.Barrier(2)
    schedule = Schedule(options.warmup, options.seconds, options.tail)
    sides = (CORE, OURS)
    devices = [
        HomeWizardDevice("p1_3phase", push_interval=PUSH_INTERVAL) for _ in sides
    ]
    driver = Driver(devices, options.seed)
    print("running homewizard and homewizard_v2 ...", file=sys.stderr, flush=True)
    driving = asyncio.create_task(driver.run())
    try:
        async with asyncio.TaskGroup() as group:
            runs = [
                group.create_task(
                    run_side(
                        side,
                        device,
                        driver.set_at,
                        ca,
                        options,
                        ready_together,
                        schedule,
                    )
                )
                for side, device in zip(sides, devices, strict=True)
            ]
    finally:
        driving.cancel()
        with suppress(asyncio.CancelledError):
            await driving
    return [analyse(run.result()) for run in runs]


def parse_options() -> Options:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seconds", "--duration", type=float, default=120.0, help="measured window (s)"
    )
    parser.add_argument("--warmup", type=float, default=15.0, help="after HA started")
    parser.add_argument(
        "--core-poll",
        type=float,
        help="override core's 5 s poll interval (s), e.g. 1 to compare per update",
    )
    parser.add_argument(
        "--ours-interval",
        type=float,
        help="override ours' minimum time between measurement updates (s), e.g. 0",
    )
    parser.add_argument("--keep-logs", type=Path, help="copy HA's output here")
    parser.add_argument(
        "--seed",
        type=int,
        default=random.SystemRandom().randrange(2**32),
        help="seed of the driver's random steps (default: a fresh one, printed)",
    )
    args = parser.parse_args()
    return Options(
        args.seconds,
        args.warmup,
        args.core_poll,
        args.ours_interval,
        args.keep_logs,
        args.seed,
    )


def revision() -> str:
    """Return the repository's commit (with `-dirty`), or `unknown`."""
    try:
        described = subprocess.run(
            ["git", "describe", "--always", "--dirty"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return described.stdout.strip()


def main() -> None:
    """Install the core library if needed, run both sides, print the results."""
    options = parse_options()
    version = ensure_library()
    started = time.monotonic()
    try:
        core, ours = asyncio.run(run_all(options))
    except (KeyboardInterrupt, asyncio.CancelledError):
        sys.exit("interrupted; Home Assistant was stopped")
    print(
        f"commit {revision()}; HA {homeassistant.const.__version__},"
        f" Python {sys.version.split()[0]}, {LIBRARY} {version};"
        f" {options.seconds:.0f} s measured after {options.warmup:.0f} s warm-up,"
        f" {options.tail:.0f} s tail; driver seed {options.seed}"
        f" (a step every {TELEGRAM_MIN:g}-{TELEGRAM_MAX:g} s);"
        f" {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC;"
        f" wall {time.monotonic() - started:.0f} s"
    )
    core_poll = options.core_poll or CORE_POLL
    print("\n".join(table(core, ours, core_poll, options.ours_interval)))
    print(json.dumps(summary(core, ours)))


if __name__ == "__main__":
    main()
