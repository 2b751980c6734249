"""Faults, a revoked key, an unknown or silent unit, secrets in logs (calls: test_polling).

Real sockets to the simulators, HA's clock moved by `freezer`. A hanging request
ends at the client's timeout (cloud 15 s, local 10 s): under frozen time that
timer fires only when time moves, so `refresh_at` moves time past it once the
request has reached the simulator.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
import logging
import re

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.powervault.const import (
    CONF_API_KEY,
    CONF_CONNECTION,
    CONF_UNIT_ID,
    CONNECTION_CLOUD,
    DEVELOPMENT_CLOUD_URL_ENV,
    DOMAIN,
    ISSUE_UNIT_SILENT,
)
from custom_components.powervault.coordinator import PowervaultCoordinator
from custom_components.powervault.energy import KINDS, ROW
from simulators.faults import Fault, FaultKind
from simulators.powervault import (
    ACCOUNT_ID,
    DEFAULT_API_KEY,
    DEFAULT_UNIT_ID,
    PowervaultCloudSim,
)
from simulators.powervault.device import PowervaultDevice
from simulators.pytest_plugin import StartSimulator
from tests.ha_helpers import run_until

from .conftest import CLOUD_UNIT, START, Cloud, Local, set_up

UNIT_PATH = f"/unit/{CLOUD_UNIT}"
DATA = f"{UNIT_PATH}/data"
SCHEDULE = f"{UNIT_PATH}/schedule"
OVERRIDES = f"{UNIT_PATH}/stateOverride"
TELEMETRY = "/api/latest-telemetry"
# Past both client timeouts (cloud 15 s, local 10 s).
HANG_STEP = timedelta(seconds=16)
# Loop turns a request may take to reach the simulator (it takes a handful).
MAX_SPINS = 10_000
CLOUD = "powervault_p4"
LOCAL = "powervault_p3"
# What a failing read makes unavailable (README, troubleshooting): power, charge, state.
LIVE_KEYS = (
    "sensor.{}_battery",
    "sensor.{}_grid_power",
    "sensor.{}_battery_power",
    "sensor.{}_solar_power",
    "sensor.{}_home_power",
    "select.{}_battery_state",
)
ENERGY_KEYS = (
    "grid_import",
    "grid_export",
    "battery_charged",
    "battery_discharged",
    "solar_production",
    "home_consumption",
)
# What the one error line says for each fault that fails a read.
FAULT_LOGS = {
    FaultKind.STATUS: "Cannot reach the Powervault: HTTP 500",
    FaultKind.HANG: "did not answer in time",
    FaultKind.MALFORMED: "answer that could not be read",
    FaultKind.TRUNCATED: "answer that could not be read",
    FaultKind.HTML: "answer that could not be read",
    FaultKind.EMPTY: "answer that could not be read",
    FaultKind.HUGE: "answer that could not be read",
    FaultKind.VENDOR_ERROR: "answer that could not be read",
    FaultKind.DROP: "Cannot reach the Powervault",
}
ACCOUNT_TEXT = re.compile(rf"customerAccountId\W{{0,4}}{ACCOUNT_ID}\b")

CLOUD_FAULTS = [pytest.param(kind, id=str(kind)) for kind in FaultKind]
LOCAL_FAULTS = [pytest.param(kind, id=str(kind)) for kind in FaultKind]


def tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return what was logged with a traceback at WARNING or above: what users see."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.levelno >= logging.WARNING and record.exc_info
    ]


def shown_log(caplog: pytest.LogCaptureFixture) -> str:
    """Return the log at INFO and above, tracebacks included: what a default log shows.

    Home Assistant itself (2026.10) logs the full exception behind an update or
    set-up failure at DEBUG, so DEBUG records are left out.
    """
    formatter = logging.Formatter()
    return "\n".join(
        formatter.format(record)
        for record in caplog.records
        if record.levelno >= logging.INFO
    )


def calls(device: PowervaultDevice) -> int:
    """Return how many vendor requests the simulator has received."""
    return sum(device.requests.values())


async def start_cloud(
    simulator: StartSimulator,
    monkeypatch: pytest.MonkeyPatch,
    freezer: FrozenDateTimeFactory,
    *,
    publish_seconds: int,
    drop_every: int,
) -> Cloud:
    """Start a simulated cloud with these knobs; the integration reaches it."""
    freezer.move_to(START)
    sim = await simulator(
        PowervaultCloudSim(publish_seconds=publish_seconds, drop_every=drop_every)
    )
    monkeypatch.setenv(DEVELOPMENT_CLOUD_URL_ENV, sim.url)
    return Cloud(sim)


async def refresh_at(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    coordinator: PowervaultCoordinator,
    device: PowervaultDevice,
    due: datetime,
) -> None:
    """Run the refresh planned at `due`; under a hang, move time past the client timeout."""
    before = calls(device)
    freezer.move_to(due)
    async_fire_time_changed(hass, due)
    fault = device.faults.fault
    if fault is not None and fault.kind is FaultKind.HANG:
        for _ in range(MAX_SPINS):
            if calls(device) > before or coordinator.next_refresh is not None:
                break
            await asyncio.sleep(0)
        if coordinator.next_refresh is None:  # still waiting for the answer
            freezer.tick(HANG_STEP)
            async_fire_time_changed(hass, dt_util.utcnow())
    await hass.async_block_till_done(wait_background_tasks=True)


async def drive(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    coordinator: PowervaultCoordinator,
    device: PowervaultDevice,
    end: datetime,
    after_each: Callable[[], None] | None = None,
) -> None:
    """Like `run_until`, through hanging requests too; `after_each` runs after each refresh."""
    while (due := coordinator.next_refresh) is not None and due <= end:
        await refresh_at(hass, freezer, coordinator, device, due)
        if after_each is not None:
            after_each()
    if dt_util.utcnow() < end:
        await run_until(hass, freezer, coordinator, end)


def entity_states(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, str]:
    """Return the state of each entity of `entry`, by entity id."""
    registry = er.async_get(hass)
    return {
        item.entity_id: state.state
        for item in er.async_entries_for_config_entry(registry, entry.entry_id)
        if (state := hass.states.get(item.entity_id)) is not None
    }


def energy(hass: HomeAssistant, name: str) -> dict[str, float]:
    """Return the six energy totals shown (kWh); fail if one is not a number."""
    values = {}
    for key in ENERGY_KEYS:
        state = hass.states.get(f"sensor.{name}_{key}")
        assert state is not None, key
        values[key] = float(state.state)
    return values


def assert_not_lower(now: dict[str, float], before: dict[str, float]) -> None:
    """Check that each total is at least what it was."""
    for key, value in now.items():
        assert value >= before[key], (key, value, before[key])


def measured_at(hass: HomeAssistant, name: str) -> datetime:
    """Return the time of the values shown (the *Measured at* sensor)."""
    state = hass.states.get(f"sensor.{name}_measured_at")
    assert state is not None
    moment = dt_util.parse_datetime(state.state)
    assert moment is not None, state.state
    return moment


def assert_nothing_turned_unknown(before: dict[str, str], now: dict[str, str]) -> None:
    """Check that no entity that had a value shows `unknown` (lost ones are unavailable)."""
    lost = [
        entity_id
        for entity_id, state in now.items()
        if state == STATE_UNKNOWN and before.get(entity_id) not in (None, STATE_UNKNOWN)
    ]
    assert not lost, (dt_util.utcnow(), lost)


def live_states(hass: HomeAssistant, name: str) -> dict[str, str]:
    """Return the states of the power, charge and battery state entities."""
    found = {}
    for key in LIVE_KEYS:
        state = hass.states.get(key.format(name))
        assert state is not None, key
        found[key.format(name)] = state.state
    return found


def assert_failure_logged_once(
    caplog: pytest.LogCaptureFixture, kind: FaultKind
) -> None:
    """Check one error line saying what went wrong, then one line for the recovery."""
    errors = [
        record.getMessage()
        for record in caplog.records
        if record.levelno >= logging.ERROR
    ]
    assert len(errors) == 1, errors
    assert errors[0].startswith("Error fetching powervault data: "), errors
    assert FAULT_LOGS[kind] in errors[0], errors
    assert caplog.text.count("Fetching powervault data recovered") == 1


def silent_issue(hass: HomeAssistant, entry: MockConfigEntry) -> ir.IssueEntry | None:
    """Return the entry's *no new data from the cloud* repair, if raised."""
    return ir.async_get(hass).async_get_issue(
        DOMAIN, f"{ISSUE_UNIT_SILENT}_{entry.entry_id}"
    )


class FaultRun:
    """A fault held while HA polls, checked at every refresh, then its recovery."""

    def __init__(
        self, hass: HomeAssistant, entry: MockConfigEntry, prefix: str, kind: FaultKind
    ) -> None:
        """Note the states and totals before `kind` is switched on."""
        self.hass, self.entry, self.prefix, self.kind = hass, entry, prefix, kind
        self.before = entity_states(hass, entry)
        self.totals = energy(hass, prefix)
        self.failing = kind is not FaultKind.CONTENT_TYPE
        self.seen: list[dict[str, str]] = []

    def check(self) -> None:
        """Nothing unknown, no total lower; note the live entities' states."""
        assert_nothing_turned_unknown(self.before, entity_states(self.hass, self.entry))
        assert_not_lower(energy(self.hass, self.prefix), self.totals)
        self.seen.append(live_states(self.hass, self.prefix))

    async def run(
        self,
        freezer: FrozenDateTimeFactory,
        coordinator: PowervaultCoordinator,
        device: PowervaultDevice,
        end: datetime,
    ) -> None:
        """Hold the fault until `end`: live entities unavailable (if it fails reads)."""
        device.set_fault(Fault(self.kind))
        await drive(self.hass, freezer, coordinator, device, end, self.check)
        assert device.faults.fault is not None, "the fault lasted"
        device.clear_fault()
        for states in self.seen:
            unavailable = {
                key for key, state in states.items() if state == STATE_UNAVAILABLE
            }
            assert unavailable == (set(states) if self.failing else set()), states

    async def recover(
        self,
        freezer: FrozenDateTimeFactory,
        coordinator: PowervaultCoordinator,
        device: PowervaultDevice,
        within: timedelta,
    ) -> datetime:
        """Refresh at the next planned time (due `within`); all back; return it."""
        due = coordinator.next_refresh
        assert due is not None
        assert due - dt_util.utcnow() <= within
        await refresh_at(self.hass, freezer, coordinator, device, due)
        states = entity_states(self.hass, self.entry)
        assert_nothing_turned_unknown(self.before, states)
        assert STATE_UNAVAILABLE not in states.values(), states
        return due


# 2. Every fault, on the cloud and on a local P3


@pytest.mark.parametrize("cloud", [0], ids=["no_drops"], indirect=True)
@pytest.mark.parametrize("kind", CLOUD_FAULTS)
async def test_cloud_fault_then_recovery(
    hass: HomeAssistant,
    cloud: Cloud,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    kind: FaultKind,
) -> None:
    """15 minutes of a fault (an hourly state read falls in it), then recovery.

    During it the power, charge and battery state are unavailable (valid JSON under
    another content type is no fault), the totals stay and never drop, nothing turns
    unknown, nothing logs a traceback and the failure is logged once. The next
    planned refresh after it shows the row due; every missed row is counted, exactly.
    """
    device = cloud.sim.device
    entry = cloud.entry()
    coordinator = await set_up(hass, entry)
    await run_until(hass, freezer, coordinator, START + timedelta(minutes=53))
    shown = measured_at(hass, CLOUD)
    fault = FaultRun(hass, entry, CLOUD, kind)
    await fault.run(freezer, coordinator, device, START + timedelta(minutes=68))
    assert len(fault.seen) == 3
    due = await fault.recover(freezer, coordinator, device, within=ROW)
    assert measured_at(hass, CLOUD) == due.replace(second=0) - ROW > shown

    await run_until(hass, freezer, coordinator, START + timedelta(minutes=90))
    assert_not_lower(energy(hass, CLOUD), fault.totals)
    ledger = coordinator.ledger.data
    gap = ledger.missing_since(dt_util.utcnow())
    assert gap is not None
    assert gap <= ROW
    assert ledger.first_row is not None
    assert ledger.last_row is not None
    rows = (ledger.last_row - ledger.first_row) // ROW + 1
    assert len(ledger.seen_rows) == rows, "no row left out"
    model = device.model(CLOUD_UNIT)
    for energy_kind in KINDS:
        assert ledger.totals_kwh[energy_kind] == pytest.approx(
            model.energy_kwh(energy_kind, ledger.first_row, ledger.last_row + ROW),
            abs=1e-6,
        ), energy_kind
    assert tracebacks(caplog) == []
    assert "Traceback" not in shown_log(caplog)
    if fault.failing:
        assert_failure_logged_once(caplog, kind)


@pytest.mark.parametrize("kind", LOCAL_FAULTS)
async def test_local_fault_then_recovery(
    hass: HomeAssistant,
    local: Local,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    kind: FaultKind,
) -> None:
    """A P3 polled each minute: 15 minutes of a fault, then recovery.

    As on the cloud during it; the next poll after it shows new values, and the
    gap is filled from chart-data: each total matches the unit's energy.
    """
    device = local.sim.device
    entry = local.entry(poll_interval=60)
    coordinator = await set_up(hass, entry)
    ledger = coordinator.ledger.data
    first = ledger.last_sample
    assert first is not None
    await run_until(hass, freezer, coordinator, START + timedelta(minutes=10))
    fault = FaultRun(hass, entry, LOCAL, kind)
    await fault.run(freezer, coordinator, device, START + timedelta(minutes=25))
    assert len(fault.seen) >= 10
    due = await fault.recover(freezer, coordinator, device, within=timedelta(minutes=1))
    assert abs(measured_at(hass, LOCAL) - due) <= timedelta(seconds=30)

    await run_until(hass, freezer, coordinator, START + timedelta(minutes=35))
    assert_not_lower(energy(hass, LOCAL), fault.totals)
    assert ledger.last_sample is not None
    for energy_kind in KINDS:
        assert ledger.totals_kwh[energy_kind] == pytest.approx(
            device.model.energy_kwh(energy_kind, first, ledger.last_sample),
            rel=1e-3,
            abs=1e-3,
        ), energy_kind
    assert tracebacks(caplog) == []
    assert "Traceback" not in shown_log(caplog)
    if fault.failing:
        assert_failure_logged_once(caplog, kind)


async def test_local_empty_telemetry_leaves_no_gap_in_totals(
    hass: HomeAssistant, local: Local, freezer: FrozenDateTimeFactory
) -> None:
    """A P3 answering `[]` to latest-telemetry for 15 minutes: chart-data fills the gap."""
    device = local.sim.device
    coordinator = await set_up(hass, local.entry(poll_interval=60))
    ledger = coordinator.ledger.data
    first = ledger.last_sample
    assert first is not None
    await run_until(hass, freezer, coordinator, START + timedelta(minutes=10))
    device.set_fault(Fault(FaultKind.VENDOR_ERROR, body=[], path_prefix=TELEMETRY))
    await run_until(hass, freezer, coordinator, START + timedelta(minutes=25))
    device.clear_fault()
    await run_until(hass, freezer, coordinator, START + timedelta(minutes=35))
    assert ledger.last_sample is not None
    # Each poll in the fault fills from chart-data up to its last whole 30-s step,
    # held until the next read: within 1 %; the 15 minutes lost would be ~40 %.
    for energy_kind in KINDS:
        assert ledger.totals_kwh[energy_kind] == pytest.approx(
            device.model.energy_kwh(energy_kind, first, ledger.last_sample),
            rel=1e-2,
            abs=1e-3,
        ), energy_kind


# 3. A revoked key, an unknown unit


async def test_revoked_key_starts_reauth_and_stops_polling(
    hass: HomeAssistant,
    cloud: Cloud,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The cloud rejects the key: a reauth flow for the entry, then no call for an hour."""
    device = cloud.sim.device
    entry = cloud.entry()
    coordinator = await set_up(hass, entry)
    await run_until(hass, freezer, coordinator, START + timedelta(minutes=30))
    assert not hass.config_entries.flow.async_progress()
    device.api_key = "a-new-key"
    await run_until(hass, freezer, coordinator, START + timedelta(minutes=40))
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    assert flows[0]["context"]["entry_id"] == entry.entry_id
    spent = Counter(device.requests)
    await run_until(hass, freezer, coordinator, START + timedelta(minutes=100))
    assert Counter(device.requests) == spent, "no call while the key is rejected"
    assert hass.states.get(f"sensor.{CLOUD}_grid_power").state == STATE_UNAVAILABLE
    assert tracebacks(caplog) == []


async def test_unknown_unit_at_setup_is_retried(
    hass: HomeAssistant, cloud: Cloud, caplog: pytest.LogCaptureFixture
) -> None:
    """A unit the account does not have (404): set-up is retried, the log says why."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Powervault P4",
        unique_id="PV-9999",
        data={
            CONF_CONNECTION: CONNECTION_CLOUD,
            CONF_API_KEY: DEFAULT_API_KEY,
            CONF_UNIT_ID: "PV-9999",
        },
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert cloud.sim.device.requests["/unit/PV-9999"] == 1
    assert "not found (check the unit id)" in caplog.text
    assert tracebacks(caplog) == []
    assert "Traceback" not in shown_log(caplog)


async def test_unit_gone_makes_values_unavailable(
    hass: HomeAssistant,
    cloud: Cloud,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The cloud forgets the unit (404): values unavailable, totals kept, one clear line."""
    device = cloud.sim.device
    entry = cloud.entry()
    coordinator = await set_up(hass, entry)
    await run_until(hass, freezer, coordinator, START + timedelta(minutes=30))
    totals = energy(hass, CLOUD)
    unit = device.units.pop(CLOUD_UNIT)
    await run_until(hass, freezer, coordinator, START + timedelta(minutes=60))
    states = live_states(hass, CLOUD)
    assert set(states.values()) == {STATE_UNAVAILABLE}, states
    assert energy(hass, CLOUD) == totals
    errors = [
        record.getMessage()
        for record in caplog.records
        if record.levelno >= logging.ERROR
    ]
    assert len(errors) == 1, errors
    assert "not found (check the unit id)" in errors[0]
    device.units[CLOUD_UNIT] = unit
    await run_until(hass, freezer, coordinator, START + timedelta(minutes=66))
    states = live_states(hass, CLOUD)
    assert STATE_UNAVAILABLE not in states.values(), states
    assert tracebacks(caplog) == []


# 4. A silent unit


def stop_publishing(device: PowervaultCloudSim, how: str) -> None:
    """Make the cloud answer without new complete rows: blank rows, or none at all."""
    if how == "blank_rows":
        device.publish_seconds = 10**7
    else:
        device.set_fault(
            Fault(FaultKind.VENDOR_ERROR, body={"data": []}, path_prefix=DATA)
        )


@pytest.mark.parametrize("how", ["blank_rows", "no_rows"])
async def test_silent_unit_raises_and_clears_a_repair(
    hass: HomeAssistant,
    cloud: Cloud,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    how: str,
) -> None:
    """No new row for over 2 hours: a repair, within the call budget; rows again: it goes."""
    device = cloud.sim.device
    entry = cloud.entry()
    coordinator = await set_up(hass, entry)
    await run_until(hass, freezer, coordinator, START + timedelta(minutes=28))
    newest = measured_at(hass, CLOUD)
    totals = energy(hass, CLOUD)
    stop_publishing(device, how)
    await run_until(hass, freezer, coordinator, newest + timedelta(hours=1))
    before = Counter(device.requests)
    await run_until(hass, freezer, coordinator, newest + timedelta(hours=2))
    silent_hour = Counter(device.requests) - before
    assert silent_hour.total() <= 14, silent_hour
    assert silent_issue(hass, entry) is None, "not silent for 2 hours yet"

    await run_until(hass, freezer, coordinator, newest + timedelta(hours=2, minutes=6))
    issue = silent_issue(hass, entry)
    assert issue is not None
    assert issue.translation_key == ISSUE_UNIT_SILENT
    assert measured_at(hass, CLOUD) == newest
    assert_not_lower(energy(hass, CLOUD), totals)

    device.publish_seconds = 15
    device.clear_fault()
    await run_until(hass, freezer, coordinator, newest + timedelta(hours=2, minutes=12))
    assert silent_issue(hass, entry) is None
    assert measured_at(hass, CLOUD) > newest + timedelta(hours=2)
    gap = coordinator.ledger.data.missing_since(dt_util.utcnow())
    assert gap is not None
    assert gap <= ROW
    now_totals = energy(hass, CLOUD)
    assert_not_lower(now_totals, totals)
    assert now_totals["grid_import"] > totals["grid_import"], "the silent rows counted"
    assert tracebacks(caplog) == []


# 5. No secret in debug logs


def lines_with(text: str, needle: str) -> list[str]:
    """Return the lines of `text` that contain `needle`."""
    return [line for line in text.splitlines() if needle in line]


async def set_battery_state(
    hass: HomeAssistant, entry: MockConfigEntry, state: str, duration: dict[str, int]
) -> None:
    """Call `powervault.set_battery_state` for `entry`."""
    await hass.services.async_call(
        DOMAIN,
        "set_battery_state",
        {"config_entry_id": entry.entry_id, "state": state, "duration": duration},
        blocking=True,
    )


async def run_cloud_with_debug_logs(
    hass: HomeAssistant,
    cloud: Cloud,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Set up at DEBUG, poll 3 hours with two faults, set the battery state."""
    caplog.set_level(logging.DEBUG)
    device = cloud.sim.device
    entry = cloud.entry()
    coordinator = await set_up(hass, entry)
    await run_until(hass, freezer, coordinator, START + timedelta(hours=1))
    device.set_fault(Fault(FaultKind.STATUS, status=500, count=1))
    await run_until(hass, freezer, coordinator, START + timedelta(hours=1, minutes=6))
    device.set_fault(Fault(FaultKind.HTML, count=1))
    await run_until(hass, freezer, coordinator, START + timedelta(hours=2))
    await set_battery_state(hass, entry, "force-discharge", {"hours": 1})
    await run_until(hass, freezer, coordinator, START + timedelta(hours=3))
    assert device.faults.fault is None, "both faults were met"
    assert "Request GET" in caplog.text
    assert "Response GET" in caplog.text
    assert "Request POST" in caplog.text


async def test_debug_logs_hide_the_key_unit_and_account(
    hass: HomeAssistant,
    cloud: Cloud,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Cloud polling, faults and an action at DEBUG: no key, unit id or account id."""
    await run_cloud_with_debug_logs(hass, cloud, freezer, caplog)
    assert lines_with(caplog.text, DEFAULT_API_KEY) == []
    assert lines_with(caplog.text, CLOUD_UNIT) == []
    assert ACCOUNT_TEXT.findall(caplog.text) == []


async def test_debug_logs_hide_the_local_unit_id(
    hass: HomeAssistant,
    local: Local,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A P3 polled at DEBUG, with a fault and an action: its unit id is never logged."""
    caplog.set_level(logging.DEBUG)
    device = local.sim.device
    entry = local.entry()
    coordinator = await set_up(hass, entry)
    await run_until(hass, freezer, coordinator, START + timedelta(minutes=10))
    device.set_fault(Fault(FaultKind.DROP, count=1))
    await run_until(hass, freezer, coordinator, START + timedelta(minutes=20))
    await set_battery_state(hass, entry, "force-charge", {"minutes": 30})
    await run_until(hass, freezer, coordinator, START + timedelta(minutes=30))
    assert device.faults.fault is None, "the fault was met"
    assert "Request GET" in caplog.text
    assert "Request POST" in caplog.text
    assert lines_with(caplog.text, DEFAULT_UNIT_ID) == []
