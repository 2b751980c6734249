"""Check that scripts/develop gives a newcomer a usable Home Assistant.

Usage: python scripts/check_develop.py (after scripts/setup; scripts/test runs it)

Runs scripts/develop beside anything else: a copy of config/configuration.yaml in a
temporary folder, its own simulator state and free ports (your config/ and .develop/
are not touched). It onboards a user through HA's onboarding HTTP API as the frontend
does; checks over the websocket API what the frontend loads before it shows anything
(get_config, get_panels, get_services) and that the simulated devices' power and energy
sensors show numbers (get_states); restarts HA from its API and checks that it comes
back while the simulators run on; pairs a simulator started by hand with the shared
CA, as README says; stops scripts/develop as Ctrl-C does and checks that nothing it
started is left; then starts it again and checks that the energy totals did not go
back. Prints each check; exits 1 at the first failure, keeping the temporary folder
(logs) for a look.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
import os
from pathlib import Path
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from typing import Any

import aiohttp

REPO = Path(__file__).resolve().parent.parent
PREFIX = "check-develop-"
START_TIMEOUT = 120.0
READY_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0
PANELS = {"energy", "history", "logbook", "config"}
SIMULATOR_LINE = re.compile(r"^simulator (\S+): listening on", re.MULTILINE)
RESTART_LINE = "Home Assistant restarts"
# Signs in the output that HA lacked a package of requirements_develop.txt.
FORBIDDEN = ("Attempting install of", "No module named")


class CheckFailedError(Exception):
    """A check failed; the message says which and why."""


def ok(message: str) -> None:
    """Report a passed check."""
    print(f"check_develop: ok: {message}", flush=True)  # noqa: T201


def free_port() -> int:
    """Return a TCP port free on all addresses right now."""
    with socket.socket() as probe:
        probe.bind(("", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Develop:
    """A running scripts/develop and the file with its (and HA's) output."""

    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        """Return everything scripts/develop printed so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")

    def assert_running(self) -> None:
        """Fail if scripts/develop has exited."""
        if (code := self.process.poll()) is not None:
            raise CheckFailedError(f"scripts/develop exited with {code}")


@contextmanager
def running_develop(folder: Path, port: int, log: Path) -> Iterator[Develop]:
    """Run scripts/develop on `folder` in a session of its own; stop it after."""
    env = os.environ | {
        "DEVELOP_CONFIG": str(folder / "config"),
        "DEVELOP_STATE": str(folder / "state"),
        "DEVELOP_PORT": str(port),
        "DEVELOP_SIMULATOR_PORT": "0",
        "DEVELOP_SKIP_SETUP": "1",
        "DEVELOP_PYTHON": sys.executable,
    }
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our own script
            [REPO / "scripts" / "develop"],
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    ok(f"scripts/develop started, Home Assistant on port {port}, output in {log}")
    develop = Develop(process, log)
    try:
        yield develop
    except BaseException:
        with suppress(CheckFailedError):
            stop(develop)
        raise
    stop(develop)


def stop(develop: Develop) -> None:
    """Stop scripts/develop as Ctrl-C does; fail if anything it started is left."""
    group = develop.process.pid  # its own process group
    try:
        os.killpg(group, signal.SIGINT)
        develop.process.wait(STOP_TIMEOUT)
        deadline = time.monotonic() + STOP_TIMEOUT
        while time.monotonic() < deadline:
            os.killpg(group, 0)  # raises once no process of the group is left
            time.sleep(0.2)
    except ProcessLookupError:
        ok("Ctrl-C stopped scripts/develop, Home Assistant and the simulators")
        return
    except subprocess.TimeoutExpired:
        pass
    os.killpg(group, signal.SIGKILL)
    develop.process.wait()
    raise CheckFailedError("processes were left after Ctrl-C (killed now)")


class Websocket:
    """HA's websocket API, authenticated."""

    def __init__(self, connection: aiohttp.ClientWebSocketResponse) -> None:
        """Wrap an authenticated connection."""
        self._connection = connection
        self._id = 0

    async def send(self, kind: str, **fields: Any) -> None:
        """Send a command without waiting for its result."""
        self._id += 1
        await self._connection.send_json({"id": self._id, "type": kind, **fields})

    async def call(self, kind: str, **fields: Any) -> Any:
        """Send a command; return its result, fail if it is an error."""
        await self.send(kind, **fields)
        while (answer := await self._connection.receive_json())["id"] != self._id:
            pass
        if not answer["success"]:
            raise CheckFailedError(f"websocket {kind}: {answer['error']}")
        return answer["result"]

    async def event(self) -> Any:
        """Return the data of the next event of a subscription."""
        while (message := await self._connection.receive_json())["type"] != "event":
            pass
        return message["event"]["data"]

    async def close(self) -> None:
        """Close the connection."""
        await self._connection.close()


class HomeAssistant:
    """HA's HTTP and websocket APIs, as the frontend uses them."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        """Talk to HA at `url`; log in with `onboard` or `log_in`."""
        self.session = session
        self.url = url
        self.client_id = url + "/"
        self.refresh_token = ""
        self.access_token = ""

    async def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """Return the decoded JSON answer (with the access token); fail unless a 200."""
        headers = {"Authorization": f"Bearer {self.access_token}"}
        url = self.url + path
        async with self.session.request(
            method, url, headers=headers, **kwargs
        ) as answer:
            if answer.status != 200:
                raise CheckFailedError(
                    f"{method} {path}: {answer.status} {await answer.text()}"
                )
            return await answer.json()

    async def wait_until_up(self, develop: Develop) -> None:
        """Wait until HA answers HTTP."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            develop.assert_running()
            with suppress(aiohttp.ClientError):
                async with self.session.get(self.url + "/manifest.json") as answer:
                    if answer.status == 200:
                        return
            await asyncio.sleep(0.5)
        raise CheckFailedError(
            f"Home Assistant did not answer within {START_TIMEOUT} s"
        )

    async def _token(self, grant: dict[str, str]) -> None:
        tokens = await self.request("POST", "/auth/token", data=grant)
        self.access_token = tokens["access_token"]
        self.refresh_token = tokens.get("refresh_token", self.refresh_token)

    async def onboard(self) -> None:
        """Onboard a user as the frontend does, and log in as that user."""
        user = {"name": "Check", "username": "check", "password": "check-develop"}
        user |= {"client_id": self.client_id, "language": "en"}
        code = (await self.request("POST", "/api/onboarding/users", json=user))[
            "auth_code"
        ]
        await self._token(
            {
                "grant_type": "authorization_code",
                "code": code,
                "client_id": self.client_id,
            }
        )
        await self.request("POST", "/api/onboarding/core_config")
        await self.request("POST", "/api/onboarding/analytics")
        redirect = {
            "client_id": self.client_id,
            "redirect_uri": self.client_id + "?auth_callback=1",
        }
        await self.request("POST", "/api/onboarding/integration", json=redirect)
        steps = await self.request("GET", "/api/onboarding")
        if not all(step["done"] for step in steps):
            raise CheckFailedError(f"onboarding not done: {steps}")
        ok(f"onboarded a user: {', '.join(step['step'] for step in steps)}")

    async def log_in(self) -> None:
        """Get a new access token with the refresh token."""
        grant = {"grant_type": "refresh_token", "refresh_token": self.refresh_token}
        await self._token(grant | {"client_id": self.client_id})

    async def websocket(self) -> Websocket:
        """Connect to the websocket API and authenticate."""
        connection = await self.session.ws_connect(self.url + "/api/websocket")
        await connection.receive_json()  # auth_required
        await connection.send_json({"type": "auth", "access_token": self.access_token})
        if (answer := await connection.receive_json())["type"] != "auth_ok":
            raise CheckFailedError(f"websocket authentication: {answer}")
        return Websocket(connection)


async def check_frontend_data(ws: Websocket) -> None:
    """Check what the frontend loads before it shows anything."""
    deadline = time.monotonic() + START_TIMEOUT
    while (config := await ws.call("get_config"))["state"] != "RUNNING":
        if time.monotonic() > deadline:
            raise CheckFailedError(
                f"HA still {config['state']} after {START_TIMEOUT} s"
            )
        await asyncio.sleep(0.5)
    if "homewizard_v2" not in config["components"]:
        raise CheckFailedError(f"homewizard_v2 not loaded: {config['components']}")
    ok(f"get_config: HA {config['version']} running, homewizard_v2 loaded")
    panels = await ws.call("get_panels")
    if missing := PANELS - set(panels):
        raise CheckFailedError(f"get_panels: missing {sorted(missing)}")
    ok(f"get_panels: {', '.join(sorted(PANELS))} among {len(panels)} panels")
    services = await ws.call("get_services")
    count = sum(len(actions) for actions in services.values())
    ok(f"get_services: {count} actions of {len(services)} domains")


# Config entries scripts/develop adds, per integration.
SIMULATED_ENTRIES = {"homewizard_v2": 2, "apsystems_openapi": 1, "powervault": 2}
# The simulated APsystems cloud runs 20x fast: its power must change within this time.
SOLAR_CHANGE_TIMEOUT = 150.0
SOLAR_POWER = "sensor.apsystems_649a_power"


async def check_solar_power_changes(ws: Websocket) -> None:
    """Wait until the simulated APsystems system's power shows a new value."""
    deadline = time.monotonic() + SOLAR_CHANGE_TIMEOUT
    first = None
    while time.monotonic() < deadline:
        states = {s["entity_id"]: s["state"] for s in await ws.call("get_states")}
        shown = states.get(SOLAR_POWER)
        if first is None:
            first = shown
        elif shown != first:
            ok(f"{SOLAR_POWER} changed from {first} to {shown} W")
            return
        await asyncio.sleep(2)
    raise CheckFailedError(
        f"{SOLAR_POWER} stayed at {first} for {SOLAR_CHANGE_TIMEOUT} s"
    )


def numeric(state: dict[str, Any]) -> bool:
    """Return whether the state is a number."""
    try:
        float(state["state"])
    except ValueError:
        return False
    return True


async def simulated_totals(ws: Websocket) -> dict[str, float]:
    """Wait until each simulated device shows a numeric power and energy total.

    Return the energy totals by entity id.
    """
    registry = await ws.call("config/entity_registry/list")
    ours = {e["entity_id"]: e for e in registry if e["platform"] in SIMULATED_ENTRIES}
    for platform, expected in SIMULATED_ENTRIES.items():
        entries = {
            e["config_entry_id"] for e in ours.values() if e["platform"] == platform
        }
        if len(entries) != expected:
            raise CheckFailedError(
                f"{platform} entities of {len(entries)} entries, not {expected}"
            )
    entries = {e["config_entry_id"] for e in ours.values()}
    deadline = time.monotonic() + READY_TIMEOUT
    while True:
        found: dict[str, dict[str, dict[str, Any]]] = {entry: {} for entry in entries}
        for state in await ws.call("get_states"):
            attributes = state["attributes"]
            kind = attributes.get("device_class")
            if state["entity_id"] not in ours or not numeric(state):
                continue
            if kind == "power" or (
                kind == "energy" and attributes.get("state_class") == "total_increasing"
            ):
                found[ours[state["entity_id"]]["config_entry_id"]].setdefault(
                    kind, state
                )
        if all(len(kinds) == 2 for kinds in found.values()):
            break
        if time.monotonic() > deadline:
            raise CheckFailedError(f"no numeric power and energy sensors: {found}")
        await asyncio.sleep(1)
    totals = {}
    for kinds in found.values():
        shown = ", ".join(
            f"{s['entity_id']} = {s['state']} {s['attributes']['unit_of_measurement']}"
            for s in kinds.values()
        )
        ok(f"simulated device shows {shown}")
        totals[kinds["energy"]["entity_id"]] = float(kinds["energy"]["state"])
    return totals


def check_not_lower(
    before: dict[str, float], after: dict[str, float], when: str
) -> None:
    """Fail if an energy total went back."""
    for entity_id, total in before.items():
        if after[entity_id] < total:
            raise CheckFailedError(
                f"{entity_id} went from {total} to {after[entity_id]} {when}"
            )
    ok(f"energy totals did not go back {when}")


async def restart(ha: HomeAssistant, develop: Develop, ws: Websocket) -> None:
    """Restart HA from its API; wait until scripts/develop has started it again."""
    # HA may close the connection before it answers.
    await ws.send("call_service", domain="homeassistant", service="restart")
    await ws.close()
    deadline = time.monotonic() + START_TIMEOUT
    while RESTART_LINE not in develop.output():
        develop.assert_running()
        if time.monotonic() > deadline:
            raise CheckFailedError("Home Assistant was not restarted")
        await asyncio.sleep(0.5)
    await ha.wait_until_up(develop)
    ok("restart from HA's API: scripts/develop started Home Assistant again")


async def pair_by_hand(ha: HomeAssistant, ca_dir: Path) -> None:
    """Start a simulator by hand with the shared CA, as README says, and pair it.

    Pair it through HA's config flow as the frontend does, then delete the entry.
    """
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "simulators", "homewizard-kwh1"),
        *("--tls", "--ca-dir", str(ca_dir)),
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None  # noqa: S101 - for mypy
        line = ""
        async with asyncio.timeout(10):
            while not line.startswith("listening on "):
                if not (line := (await process.stdout.readline()).decode()):
                    raise CheckFailedError("the simulator started by hand exited")
        url = line.removeprefix("listening on ").strip()
        host = url.removeprefix("https://")
        ws = await ha.websocket()
        await ws.call("subscribe_events", event_type="data_entry_flow_progressed")
        start = {"handler": "homewizard_v2", "show_advanced_options": False}
        flow = await ha.request("POST", "/api/config/config_entries/flow", json=start)
        path = f"/api/config/config_entries/flow/{flow['flow_id']}"
        step = await ha.request("POST", path, json={"host": host})
        if step["type"] != "progress":
            raise CheckFailedError(f"pairing {host}: {step}")
        async with ha.session.post(url + "/_sim/press", ssl=False) as answer:
            answer.raise_for_status()
        async with asyncio.timeout(READY_TIMEOUT):
            # As the frontend does: fetch the flow when HA says it changed.
            while step["type"] == "progress":
                while (await ws.event())["flow_id"] != flow["flow_id"]:
                    pass
                step = await ha.request("GET", path)
            await ws.close()
            if step["type"] != "create_entry":
                raise CheckFailedError(f"pairing {host}: {step}")
            entry_id, state = step["result"]["entry_id"], ""
            while state != "loaded":
                await asyncio.sleep(0.5)
                entries = await ha.request("GET", "/api/config/config_entries/entry")
                state = next(e["state"] for e in entries if e["entry_id"] == entry_id)
        ok(f"paired {step['title']} started by hand on {host}: HA trusts the shared CA")
        await ha.request("DELETE", f"/api/config/config_entries/entry/{entry_id}")
    finally:
        process.terminate()
        await process.wait()


def check_output(develop: Develop, folder: Path) -> None:
    """Fail on signs that HA lacked packages, or on simulators started twice or not kept."""
    output = develop.output()
    for sign in FORBIDDEN:
        if lines := [line for line in output.splitlines() if sign in line]:
            raise CheckFailedError(f"the output has {sign!r}: {lines[:5]}")
    ok(
        f"nothing installed at run time nor missing (no {' / '.join(map(repr, FORBIDDEN))})"
    )
    started = SIMULATOR_LINE.findall(output)
    if not started or len(started) != len(set(started)):
        raise CheckFailedError(f"simulators started: {started}")
    ok(f"simulators started once: {', '.join(started)}")
    kept = {path.stem for path in (folder / "state" / "counters").glob("*.json")}
    if kept != set(started):
        raise CheckFailedError(f"counters kept for {sorted(kept)}, not {started}")
    ok(f"the simulators keep their counters in {folder / 'state' / 'counters'}")


async def check(folder: Path) -> None:
    """Run every check, with two runs of scripts/develop on `folder`."""
    port = free_port()
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        ha = HomeAssistant(session, f"http://127.0.0.1:{port}")
        with running_develop(folder, port, folder / "develop-1.log") as develop:
            await ha.wait_until_up(develop)
            ok("Home Assistant answers")
            await ha.onboard()
            async with session.get(ha.url + "/") as answer:
                if answer.status != 200 or "<html" not in await answer.text():
                    raise CheckFailedError(f"GET /: {answer.status}")
            ok("GET / serves the frontend")
            ws = await ha.websocket()
            await check_frontend_data(ws)
            first = await simulated_totals(ws)
            await check_solar_power_changes(ws)
            await restart(ha, develop, ws)
            await ha.log_in()
            ws = await ha.websocket()
            await check_frontend_data(ws)
            second = await simulated_totals(ws)
            await ws.close()
            check_not_lower(first, second, "over a restart from HA's API")
            await pair_by_hand(ha, folder / "state" / "ca")
            check_output(develop, folder)
        with running_develop(folder, port, folder / "develop-2.log") as develop:
            await ha.wait_until_up(develop)
            await ha.log_in()
            ws = await ha.websocket()
            await check_frontend_data(ws)
            third = await simulated_totals(ws)
            await ws.close()
            check_not_lower(second, third, "over a new start of scripts/develop")
            check_output(develop, folder)


def remove(folder: Path) -> None:
    """Delete a folder this check made, after making sure that is what it is."""
    temp = Path(tempfile.gettempdir()).resolve()
    folder = folder.resolve()
    assert folder.parent == temp, folder  # noqa: S101 - never delete anything else
    assert folder.name.startswith(PREFIX), folder  # noqa: S101
    shutil.rmtree(folder)


def main() -> int:
    """Run the check; return the exit code."""
    started = time.monotonic()
    # Stopped from outside (a CI timeout): stop scripts/develop too, on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("check_develop: terminated"))
    # Started with SIGINT ignored (in the background), scripts/develop would inherit
    # that, and could not be stopped as Ctrl-C does.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    folder = Path(tempfile.mkdtemp(prefix=PREFIX))
    (folder / "config").mkdir()
    shutil.copy(REPO / "config" / "configuration.yaml", folder / "config")
    try:
        asyncio.run(check(folder))
    except Exception as err:  # noqa: BLE001 - every failure is reported alike
        logs = sorted(folder.glob("develop-*.log"))
        tail = logs[-1].read_text(errors="replace").splitlines()[-40:] if logs else []
        print(*tail, f"check_develop: FAILED: {err!r}", sep="\n", file=sys.stderr)  # noqa: T201
        print(f"check_develop: output kept in {folder}", file=sys.stderr)  # noqa: T201
        return 1
    remove(folder)
    ok(f"all passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
