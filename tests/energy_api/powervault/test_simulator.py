"""The clients against the Powervault simulators on real sockets, checked against the model."""

from datetime import UTC, datetime, timedelta
import itertools

import aiohttp
import pytest

from energy_api.errors import (
    AuthenticationError,
    CannotConnectError,
    InvalidResponseError,
)
from energy_api.powervault import (
    BatteryState,
    NotFoundError,
    Period,
    PowervaultCloud,
    PowervaultLocal,
    effective_state,
    energy_kwh,
)
from simulators.faults import Fault, FaultKind
from simulators.powervault import (
    ACCOUNT_ID,
    DEFAULT_API_KEY,
    LONDON,
    PowervaultCloudSim,
    PowervaultLocalSim,
)
from simulators.powervault.cloud import DEFAULT_DROP_EVERY
from simulators.powervault.testing import DataClock
from simulators.pytest_plugin import StartSimulator

# Monday 2025-06-02, 13:02:30 in London: the 12:00 UTC slot is 150 s old.
NOW = datetime(2025, 6, 2, 12, 2, 30, tzinfo=UTC)
UNIT = "PV-1001"
# 06:02:30 in London: today's answer stays small (72 rows).
EARLY = datetime(2025, 6, 2, 5, 2, 30, tzinfo=UTC)


@pytest.fixture(name="clock")
def fixture_clock() -> DataClock:
    return DataClock(NOW)


async def start_cloud(
    simulator: StartSimulator,
    session: aiohttp.ClientSession,
    clock: DataClock,
    drop_every: int = DEFAULT_DROP_EVERY,
) -> tuple[PowervaultCloudSim, PowervaultCloud]:
    sim = await simulator(PowervaultCloudSim(clock=clock, drop_every=drop_every))
    client = PowervaultCloud(
        session, DEFAULT_API_KEY, base_url=sim.url + "/v4", timeout=5.0, clock=clock
    )
    return sim.device, client


async def test_cloud_account_units_and_latest(
    simulator: StartSimulator, session: aiohttp.ClientSession, clock: DataClock
) -> None:
    sim, cloud = await start_cloud(simulator, session, clock)
    account = await cloud.account()
    assert account.id == ACCOUNT_ID
    units = await cloud.units(account.id)
    assert [(u.id, u.model) for u in units] == [("PV-1001", "P4"), ("PV-1002", "P5")]
    unit = await cloud.unit(UNIT)
    assert unit.firmware == "4.2.17"
    (blank,) = await cloud.data(UNIT)
    assert blank.time == datetime(2025, 6, 2, 12, tzinfo=UTC)
    assert blank.soc_pct is None
    *_, latest, in_progress = await cloud.data(UNIT, Period.PAST_HOUR)
    assert in_progress.time == blank.time
    model = sim.model(UNIT)
    start, upto = (
        datetime(2025, 6, 2, 11, 55, tzinfo=UTC),
        datetime(2025, 6, 2, 12, tzinfo=UTC),
    )
    assert latest.time == start

    def mean(kind: str) -> float:
        return model.mean_w(kind, start, upto)

    assert latest.grid_power_w == pytest.approx(
        mean("grid_import") - mean("grid_export"), abs=0.01
    )
    assert latest.battery_power_w == pytest.approx(
        mean("battery_discharge") - mean("battery_charge"), abs=0.01
    )
    assert latest.solar_power_w == pytest.approx(mean("solar"), abs=0.01)
    assert latest.home_power_w == pytest.approx(mean("home"), abs=0.01)
    grid, battery, solar = (
        latest.grid_power_w,
        latest.battery_power_w,
        latest.solar_power_w,
    )
    assert grid is not None
    assert battery is not None
    assert solar is not None
    assert solar > 0  # a June noon
    # The balance holds in HA's signs.
    assert latest.home_power_w == pytest.approx(grid + battery + solar, abs=0.01)
    assert latest.soc_pct == pytest.approx(model.soc_pct(upto), abs=0.06)


async def test_cloud_latest_row_is_blank(
    simulator: StartSimulator, session: aiohttp.ClientSession, clock: DataClock
) -> None:
    clock.now = datetime(2025, 6, 2, 12, 5, 30, tzinfo=UTC)
    _, cloud = await start_cloud(simulator, session, clock)
    (latest,) = await cloud.data(UNIT)
    assert latest.time == datetime(2025, 6, 2, 12, 5, tzinfo=UTC)
    assert latest.soc_pct is None
    assert latest.grid_power_w is None
    assert energy_kwh(latest, "solar_generated_w") is None


async def test_cloud_today_energy_matches_the_model(
    simulator: StartSimulator, session: aiohttp.ClientSession, clock: DataClock
) -> None:
    clock.now = EARLY
    sim, cloud = await start_cloud(simulator, session, clock, drop_every=0)
    rows = await cloud.data(UNIT, Period.TODAY)
    midnight = datetime(2025, 6, 2, tzinfo=LONDON)
    assert rows[0].time == midnight
    assert rows[-2].time == datetime(2025, 6, 2, 4, 55, tzinfo=UTC)
    assert rows[-1].time == datetime(2025, 6, 2, 5, tzinfo=UTC)  # in progress
    assert rows[-1].soc_pct is None
    assert len(rows) == 12 * 6 + 1
    assert any((r.solar_generated_w or 0.0) > 0 for r in rows)
    model = sim.model(UNIT)
    end = datetime(2025, 6, 2, 5, tzinfo=UTC)
    for field, kind in (
        ("solar_generated_w", "solar_generated"),
        ("home_consumed_w", "home_consumed"),
        ("grid_to_home_w", "grid_to_home"),
        ("battery_from_grid_w", "battery_from_grid"),
        ("battery_from_solar_w", "battery_from_solar"),
        ("battery_to_home_w", "battery_to_home"),
        ("solar_exported_w", "solar_exported"),
        ("solar_to_home_w", "solar_to_home"),
        ("battery_exported_w", "battery_exported"),
    ):
        total = sum(energy_kwh(row, field) or 0.0 for row in rows)
        assert total == pytest.approx(
            model.energy_kwh(kind, midnight, end), abs=1e-3
        ), field
    # The default schedule force-charges from 00:30 to 04:29:59 London time.
    charging = [
        r
        for r in rows
        if datetime(2025, 6, 2, 1, tzinfo=LONDON)
        <= r.time
        < datetime(2025, 6, 2, 4, tzinfo=LONDON)
    ]
    assert all((r.battery_power_w or 0.0) <= 0 for r in charging)
    assert any((r.battery_power_w or 0.0) < 0 for r in charging)


@pytest.mark.parametrize("period", list(Period))
async def test_cloud_every_period(
    simulator: StartSimulator,
    session: aiohttp.ClientSession,
    clock: DataClock,
    period: Period,
) -> None:
    clock.now = EARLY
    _, cloud = await start_cloud(simulator, session, clock)
    rows = await cloud.data(UNIT, period)
    assert rows
    assert all(a.time < b.time for a, b in itertools.pairwise(rows))
    complete = [r for r in rows if r.time + timedelta(minutes=5) <= EARLY]
    assert all(r.soc_pct is not None for r in complete)
    assert all(r.soc_pct is None for r in rows[len(complete) :])
    if period is Period.PAST_HOUR:
        assert 12 <= len(rows) <= 13
        assert len(complete) == len(rows) - 1


async def test_cloud_state_control_round_trip(
    simulator: StartSimulator, session: aiohttp.ClientSession, clock: DataClock
) -> None:
    sim, cloud = await start_cloud(simulator, session, clock)
    model = sim.model(UNIT)
    schedule = await cloud.schedule(UNIT)
    assert await cloud.overrides(UNIT) == []
    for hour in range(24):
        at = datetime(2025, 6, 2, hour, 17, tzinfo=UTC)
        state, _ = model.effective_state(at)
        assert effective_state(at, schedule, []).state == BatteryState(state.value), at

    override = await cloud.set_state(
        UNIT, BatteryState.FORCE_DISCHARGE, duration=timedelta(hours=1)
    )
    assert await cloud.overrides(UNIT) == [override]
    found = effective_state(clock(), schedule, await cloud.overrides(UNIT))
    assert (found.state, found.source, found.until) == (
        BatteryState.FORCE_DISCHARGE,
        "override",
        datetime(2025, 6, 2, 13, 2, 30, tzinfo=UTC),
    )
    assert model.effective_state(clock())[0].value == "force-discharge"
    soc_before = model.soc_pct(clock())
    clock.advance(timedelta(minutes=10))
    assert model.soc_pct(clock()) < soc_before

    await cloud.cancel_override(UNIT)
    overrides = await cloud.overrides(UNIT)
    found = effective_state(clock(), schedule, overrides)
    assert (found.state, found.source) == (BatteryState.NORMAL, "schedule")
    assert model.effective_state(clock() + timedelta(seconds=1))[1] == "schedule"


async def test_cloud_errors(
    simulator: StartSimulator, session: aiohttp.ClientSession, clock: DataClock
) -> None:
    device, cloud = await start_cloud(simulator, session, clock)
    with pytest.raises(NotFoundError):
        await cloud.unit("PV-9999")
    with pytest.raises(NotFoundError):
        await cloud.set_state("PV-9999", "normal")
    wrong = PowervaultCloud(
        session, "wrong-key-123", base_url=cloud._transport.base_url
    )
    with pytest.raises(AuthenticationError) as info:
        await wrong.account()
    assert "wrong-key-123" not in str(info.value)
    device.set_fault(Fault(FaultKind.STATUS, status=500, count=2))
    assert (await cloud.account()).id == ACCOUNT_ID
    device.set_fault(Fault(FaultKind.STATUS, status=500, count=1))
    with pytest.raises(CannotConnectError):
        await cloud.set_state(UNIT, "normal")
    for kind in (
        FaultKind.HTML,
        FaultKind.EMPTY,
        FaultKind.MALFORMED,
        FaultKind.TRUNCATED,
    ):
        device.set_fault(Fault(kind, count=1))
        with pytest.raises(InvalidResponseError):
            await cloud.schedule(UNIT)
    device.clear_fault()
    assert (await cloud.schedule(UNIT)).days["monday"]


@pytest.mark.parametrize("platform", ["p3", "p3x"])
async def test_local_against_the_model(
    simulator: StartSimulator,
    session: aiohttp.ClientSession,
    clock: DataClock,
    platform: str,
) -> None:
    sim = await simulator(PowervaultLocalSim(platform, clock=clock))  # type: ignore[arg-type]
    local = PowervaultLocal(session, sim.host, port=sim.port, timeout=5.0, clock=clock)
    model = sim.device.model
    assert await local.health() is True
    assert await local.unit_id() == "008a2564"
    assert await local.platform() == platform
    telemetry = await local.telemetry()
    step = model.step(clock())
    assert telemetry.at == clock().replace(microsecond=0) - timedelta(seconds=0)
    assert telemetry.soc_pct == pytest.approx(model.soc_pct(clock()), abs=0.06)
    assert telemetry.battery_power_w == pytest.approx(-step.battery_w, abs=0.06)
    assert telemetry.solar_power_w == pytest.approx(step.solar_w, abs=0.06)
    assert telemetry.grid_power_w == pytest.approx(step.grid_w, abs=0.06)
    assert telemetry.home_power_w == pytest.approx(step.home_w, abs=0.2)
    assert telemetry.max_discharge_power_w == 3000.0
    assert telemetry.cell_voltages_v
    if platform == "p3":
        assert telemetry.cell_temperatures_c
    else:
        assert telemetry.pylontech

    samples = await local.chart_data(clock() - timedelta(minutes=10), clock())
    assert len(samples) == 20
    for sample in samples:
        truth = model.step(sample.time)
        assert sample.home_power_w == pytest.approx(truth.home_w, abs=0.01)
        assert sample.battery_power_w == pytest.approx(-truth.battery_w, abs=0.01)

    schedule = await local.schedule()
    assert await local.override() is None
    override = await local.set_state(
        "force-charge", until=clock() + timedelta(minutes=30)
    )
    assert await local.override() == override
    found = effective_state(clock(), schedule, [override])
    assert (found.state, found.source) == (BatteryState.FORCE_CHARGE, "override")
    assert model.effective_state(clock())[0].value == "force-charge"
    await local.cancel_override()
    assert await local.override() is None
    assert model.effective_state(clock() + timedelta(seconds=1))[1] == "schedule"
