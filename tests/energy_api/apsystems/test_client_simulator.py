"""The client against the simulated EMA cloud over real sockets: values, faults, quota."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
import math
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from energy_api.apsystems import (
    AccountRejectedError,
    ApsystemsClient,
    BusyError,
    EnergyLevel,
    QuotaExhaustedError,
    ServiceError,
    SignatureRejectedError,
    last_value,
    next_month_start,
)
from energy_api.errors import (
    ApiTimeoutError,
    CannotConnectError,
    InvalidResponseError,
)
from simulators.apsystems import APP_ID, APP_SECRET, SID, ApsystemsCloud, SystemConfig
from simulators.faults import Fault, FaultKind
from simulators.pytest_plugin import StartSimulator
from simulators.runner import RunningSimulator

from .conftest import Calls

LONDON = ZoneInfo("Europe/London")
# The data clock: mid-afternoon in London; DAY is the whole day before.
DATA_NOW = datetime(2025, 6, 3, 14, 7, tzinfo=UTC)
TODAY = date(2025, 6, 3)
DAY = date(2025, 6, 2)
ECU = "216000012345"
DS3 = "703000000001"
QS1 = "801000000001"


@dataclass
class Cloud:
    """A running simulated cloud, our client of it and the calls it announced."""

    sim: RunningSimulator[ApsystemsCloud]
    client: ApsystemsClient
    calls: Calls

    @property
    def device(self) -> ApsystemsCloud:
        return self.sim.device


type StartCloud = Callable[..., Awaitable[Cloud]]


@pytest.fixture(name="start_cloud")
def fixture_start_cloud(
    simulator: StartSimulator, session: aiohttp.ClientSession
) -> StartCloud:
    """Start a cloud (default: data clock at `DATA_NOW`) and a client for it."""

    async def start(
        cloud: ApsystemsCloud | None = None,
        *,
        app_id: str = APP_ID,
        app_secret: str = APP_SECRET,
        **options: Any,
    ) -> Cloud:
        device = cloud or ApsystemsCloud(clock=lambda: DATA_NOW)
        sim = await simulator(device)
        calls = Calls()
        client = ApsystemsClient(
            session,
            app_id,
            app_secret,
            base_url=sim.url,
            timezone=LONDON,
            on_request=calls,
            **options,
        )
        return Cloud(sim, client, calls)

    return start


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), LONDON)


async def test_system_endpoints_match_the_truth(start_cloud: StartCloud) -> None:
    cloud = await start_cloud()
    client = cloud.client
    details = await client.system_details(SID)
    assert details is not None
    assert (details.sid, details.timezone, details.ecus) == (
        SID,
        "Europe/London",
        (ECU,),
    )
    assert details.zone == LONDON
    assert details.create_date == date(2024, 5, 1)
    ecus = await client.inverters(SID)
    assert ecus is not None
    (ecu,) = ecus
    assert ecu.eid == ECU
    assert [(i.uid, i.channels) for i in ecu.inverters][:1] == [(DS3, 2)]
    assert sorted(i.channels for i in ecu.inverters) == [2, 2, 2, 2, 4, 4]

    hourly = await client.system_energy(SID, EnergyLevel.HOURLY, DAY.isoformat())
    assert hourly == pytest.approx(cloud.device.hourly_truth(DAY))
    assert len(hourly) == 24
    total = cloud.device.production_kwh(local_midnight(DAY), local_midnight(TODAY))
    assert sum(v or 0 for v in hourly) == pytest.approx(total)

    summary = await client.system_summary(SID)
    assert summary is not None
    assert summary.lifetime == pytest.approx(cloud.device.lifetime_kwh(DATA_NOW))
    assert summary.today is not None
    assert summary.today > 0
    daily = await client.system_energy(SID, EnergyLevel.DAILY, "2025-06")
    assert daily is not None
    assert daily[DAY.day - 1] == pytest.approx(total)
    monthly = await client.system_energy(SID, EnergyLevel.MONTHLY, "2025")
    assert monthly is not None
    assert len(monthly) == 12
    yearly = await client.system_energy(SID, EnergyLevel.YEARLY)
    assert yearly is not None
    assert cloud.calls.names == [
        "system_details",
        "inverters",
        "system_energy",
        "system_summary",
        "system_energy",
        "system_energy",
        "system_energy",
    ]
    assert cloud.device.calls_in_month(APP_ID, "2025-06") == 7


async def test_ecu_and_inverter_endpoints(start_cloud: StartCloud) -> None:
    cloud = await start_cloud()
    client = cloud.client
    day_total = cloud.device.production_kwh(local_midnight(DAY), local_midnight(TODAY))

    ecu_summary = await client.ecu_summary(SID, ECU)
    assert ecu_summary is not None
    assert ecu_summary.lifetime is not None
    ecu_hourly = await client.ecu_energy(SID, ECU, EnergyLevel.HOURLY, DAY.isoformat())
    assert sum(v or 0 for v in ecu_hourly or ()) == pytest.approx(day_total)
    minutely = await client.ecu_minutely(SID, ECU, DAY)
    assert minutely is not None
    assert minutely.times
    assert all(t.tzinfo is LONDON for t in minutely.times)
    assert minutely.times == tuple(sorted(minutely.times))
    assert len(minutely.energy_kwh) == len(minutely.power_w) == len(minutely.times)
    assert sum(v or 0 for v in minutely.energy_kwh) == pytest.approx(day_total)

    inverter = await client.inverter_summary(SID, QS1)
    assert inverter is not None
    assert set(inverter.lifetime) == {1, 2, 3, 4}
    channels = await client.inverter_energy(
        SID, DS3, EnergyLevel.HOURLY, DAY.isoformat()
    )
    assert channels is not None
    assert set(channels) == {1, 2}
    readings = await client.inverter_minutely(SID, DS3, DAY)
    assert readings is not None
    assert set(readings.dc_power_w) == {1, 2}
    assert len(readings.ac_power_w) == len(readings.times) > 0
    assert last_value(readings.ac_frequency_hz) is not None

    power = await client.batch_power(SID, ECU, DAY)
    assert power is not None
    assert (DS3, 1) in power.power_w
    assert (QS1, 4) in power.power_w
    energy = await client.batch_energy(SID, ECU, DAY)
    assert energy is not None
    assert sum(v or 0 for v in energy.energy_kwh.values()) == pytest.approx(
        day_total, abs=0.01 * len(energy.energy_kwh)
    )

    assert len(cloud.calls.names) == len(cloud.device.calls) == 8


async def test_meter_and_storage_endpoints(start_cloud: StartCloud) -> None:
    cloud = await start_cloud(
        ApsystemsCloud(SystemConfig(meter=True, storage=True), clock=lambda: DATA_NOW)
    )
    client = cloud.client
    meters = await client.meters(SID)
    assert meters
    meter = await client.meter_summary(SID, meters[0])
    assert meter is not None
    assert meter.lifetime.produced is not None
    period = await client.meter_period(
        SID, meters[0], EnergyLevel.HOURLY, DAY.isoformat()
    )
    assert period is not None
    assert len(period.times) == len(period.produced) > 0
    meter_minutely = await client.meter_period(
        SID, meters[0], EnergyLevel.MINUTELY, DAY.isoformat()
    )
    assert meter_minutely is not None
    assert len(meter_minutely.times) == len(meter_minutely.consumed) > 0

    ecus = await client.inverters(SID)
    assert ecus is not None
    storage = next(ecu for ecu in ecus if ecu.has_storage)
    latest = await client.storage_latest(SID, storage.eid)
    assert latest is not None
    assert latest.soc is not None
    assert 0 <= latest.soc <= 100
    totals = await client.storage_summary(SID, storage.eid)
    assert totals is not None
    assert totals.lifetime.charge is not None
    series = await client.storage_period(
        SID, storage.eid, EnergyLevel.HOURLY, DAY.isoformat()
    )
    assert series is not None
    assert series.series
    assert all(len(s) == len(series.times) for s in series.series.values())
    assert len(cloud.calls.names) == len(cloud.device.calls) == 8


async def test_no_data_for_a_future_day(start_cloud: StartCloud) -> None:
    cloud = await start_cloud()
    tomorrow = TODAY + timedelta(days=1)
    assert await cloud.client.ecu_minutely(SID, ECU, tomorrow) is None
    assert (
        await cloud.client.system_energy(SID, EnergyLevel.HOURLY, tomorrow.isoformat())
        is None
    )
    assert cloud.calls.names == ["ecu_minutely", "system_energy"]


async def test_defaults_are_today_in_the_system_timezone(
    start_cloud: StartCloud,
) -> None:
    # Data clock and client clock both the real time: "today" is the same day.
    cloud = await start_cloud(ApsystemsCloud())
    assert await cloud.client.system_energy(SID, EnergyLevel.HOURLY) is not None
    today = datetime.now(LONDON).date()
    assert cloud.device.calls[0][2].endswith(SID)
    hourly = await cloud.client.system_energy(
        SID, EnergyLevel.HOURLY, today.isoformat()
    )
    assert hourly is not None
    assert len(hourly) == 24


async def test_octet_stream_answers(start_cloud: StartCloud) -> None:
    cloud = await start_cloud(
        ApsystemsCloud(clock=lambda: DATA_NOW, octet_stream_every=1)
    )
    summary = await cloud.client.system_summary(SID)
    assert summary is not None
    assert summary.lifetime is not None


async def test_http_500_then_success_is_retried_signed_and_counted(
    start_cloud: StartCloud,
) -> None:
    cloud = await start_cloud()
    cloud.device.set_fault(Fault(FaultKind.STATUS, status=500, count=1))
    assert await cloud.client.system_summary(SID) is not None
    assert cloud.calls.names == ["system_summary", "system_summary"]
    # Both attempts reached the cloud and count against the quota.
    assert cloud.device.calls_in_month(APP_ID, "2025-06") == 2
    assert [code for *_, code in cloud.device.calls][-1] == 0


async def test_dropped_connection_is_retried(start_cloud: StartCloud) -> None:
    cloud = await start_cloud(retry_attempts=3)
    cloud.device.set_fault(Fault(FaultKind.DROP, count=2))
    assert await cloud.client.system_details(SID) is not None
    # aiohttp itself sends an idempotent request once more, unchanged, when the
    # connection drops (RFC 9112 §9.3.1): the cloud saw one request we did not
    # announce. Our own retry (attempt 2) is announced and signed afresh.
    assert len(cloud.calls.names) == 2
    assert len(cloud.device.calls) == 3
    cloud.device.set_fault(Fault(FaultKind.STATUS, status=502))
    with pytest.raises(CannotConnectError, match="HTTP 502"):
        await cloud.client.system_details(SID)
    assert len(cloud.calls.names) == len(cloud.device.calls) - 1 == 5


async def test_vendor_error_is_not_retried(start_cloud: StartCloud) -> None:
    cloud = await start_cloud()
    cloud.device.set_fault(Fault(FaultKind.VENDOR_ERROR, count=1))
    with pytest.raises(ServiceError) as caught:
        await cloud.client.system_summary(SID)
    assert caught.value.code == 5000
    assert cloud.calls.names == ["system_summary"]


@pytest.mark.parametrize(
    "fault",
    [
        Fault(FaultKind.HTML),
        Fault(FaultKind.EMPTY),
        Fault(FaultKind.MALFORMED),
        Fault(FaultKind.HUGE, size=6 * 1024 * 1024),
        Fault(FaultKind.TRUNCATED),
    ],
    ids=lambda fault: str(fault.kind),
)
async def test_broken_bodies(start_cloud: StartCloud, fault: Fault) -> None:
    cloud = await start_cloud()
    cloud.device.set_fault(fault)
    with pytest.raises(InvalidResponseError):
        await cloud.client.system_summary(SID)
    assert cloud.calls.names == ["system_summary"]


async def test_timeout(start_cloud: StartCloud) -> None:
    cloud = await start_cloud(timeout=0.3)
    cloud.device.set_fault(Fault(FaultKind.HANG, delay=3, count=1))
    with pytest.raises(ApiTimeoutError):
        await cloud.client.system_summary(SID)
    assert cloud.calls.names == ["system_summary"]


async def test_wrong_secret_and_clock_are_4000(start_cloud: StartCloud) -> None:
    cloud = await start_cloud(app_secret="wrongwrong12")
    with pytest.raises(SignatureRejectedError, match="clock"):
        await cloud.client.system_details(SID)
    late = await start_cloud(clock=DATA_NOW.timestamp)
    with pytest.raises(SignatureRejectedError):
        await late.client.system_details(SID)
    # Both count against the quota: the App Id is known.
    assert cloud.device.calls_in_month(APP_ID, "2025-06") == 1


async def test_unknown_app_id_is_2001(start_cloud: StartCloud) -> None:
    cloud = await start_cloud(app_id="f" * 32)
    with pytest.raises(AccountRejectedError) as caught:
        await cloud.client.system_details(SID)
    assert caught.value.code == 2001
    assert "f" * 32 not in str(caught.value)


async def test_quota_exhausted_until_next_month(start_cloud: StartCloud) -> None:
    cloud = await start_cloud(ApsystemsCloud(clock=lambda: DATA_NOW, quota=1))
    assert await cloud.client.system_details(SID) is not None
    with pytest.raises(QuotaExhaustedError) as caught:
        await cloud.client.system_summary(SID)
    expected = next_month_start(datetime.now(LONDON))
    assert caught.value.resets_at == expected
    assert caught.value.resets_at.tzinfo is LONDON
    assert caught.value.retry_after is not None
    assert caught.value.retry_after == pytest.approx(
        expected.timestamp() - datetime.now(UTC).timestamp(), abs=5
    )
    assert cloud.calls.names == ["system_details", "system_summary"]


async def test_burst_limit_is_7002(start_cloud: StartCloud) -> None:
    cloud = await start_cloud(
        ApsystemsCloud(clock=lambda: DATA_NOW, burst_limit=1, burst_window=60)
    )
    await cloud.client.system_details(SID)
    with pytest.raises(BusyError) as caught:
        await cloud.client.system_details(SID)
    assert caught.value.code == 7002
    assert caught.value.retry_after == 60.0
    assert len(cloud.calls.names) == 2


async def test_minutely_gaps(start_cloud: StartCloud) -> None:
    cloud = await start_cloud(ApsystemsCloud(clock=lambda: DATA_NOW, gap_every=7))
    minutely = await cloud.client.ecu_minutely(SID, ECU, DAY)
    assert minutely is not None
    steps = {b - a for a, b in zip(minutely.times, minutely.times[1:], strict=False)}
    assert timedelta(minutes=10) in steps
    assert not any(v is not None and math.isnan(v) for v in minutely.power_w)
