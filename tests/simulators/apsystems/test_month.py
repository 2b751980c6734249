"""A month of calls on a fast data clock: cheap, counted, and always consistent."""

from __future__ import annotations

import datetime as dt
import time

from simulators.apsystems import APP_ID
from simulators.apsystems.testing import DataClock, system_path

from .conftest import StartCloud, wh

STEP = dt.timedelta(minutes=45)


async def test_a_month_of_calls(aps: StartCloud, data_clock: DataClock) -> None:
    data_clock.now = dt.datetime(2025, 5, 31, 23, 0, tzinfo=dt.UTC)  # 1 June, 00:00 BST
    client = await aps(quota=960)
    cloud = client.cloud
    started = time.perf_counter()
    lifetime = 0
    calls = 0
    while data_clock.now < dt.datetime(2025, 6, 30, 23, 0, tzinfo=dt.UTC):
        summary = await client.data(system_path("summary"))
        hourly = await client.get(system_path("energy"), {"energy_level": "hourly"})
        calls += 2
        assert wh(summary["lifetime"]) >= lifetime
        lifetime = wh(summary["lifetime"])
        assert lifetime == round(cloud.lifetime_kwh(data_clock.now) * 1000)
        if summary["today"] is None:
            assert hourly.code == 1001
        else:
            closed = sum(wh(v) for v in hourly.data if v != "0")
            assert closed <= wh(summary["today"])
        data_clock.advance(STEP * 2)
    assert calls == 960
    assert time.perf_counter() - started < 30
    assert cloud.calls_in_month(APP_ID, "2025-06") == 960
    daily = await client.data(
        system_path("energy"), energy_level="daily", date_range="2025-06"
    )
    assert sum(wh(v) for v in daily) == wh(summary["month"])
    assert (await client.get(system_path("summary"))).code == 0  # July: a new month
