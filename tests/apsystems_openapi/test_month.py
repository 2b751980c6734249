"""A simulated month: the quota is used, never exceeded, and only in the solar window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest

from custom_components.apsystems_openapi.const import (
    DEFAULT_SUNRISE_OFFSET,
    DEFAULT_SUNSET_OFFSET,
)
from custom_components.apsystems_openapi.vendor.energy_api.schedule.solar import (
    SolarWindow,
)
from simulators.apsystems import APP_ID, ApsystemsCloud, SystemConfig
from simulators.pytest_plugin import StartSimulator
from tests.ha_helpers import run_until

from .conftest import LONDON, Cloud, set_up

WINDOW = SolarWindow(
    51.5,
    -0.12,
    before_sunrise=-timedelta(minutes=DEFAULT_SUNRISE_OFFSET),
    after_sunset=timedelta(minutes=DEFAULT_SUNSET_OFFSET),
)


@pytest.mark.parametrize(
    ("start", "end", "month"),
    [
        (
            datetime(2026, 6, 1, 6, 0, tzinfo=UTC),
            datetime(2026, 6, 30, 22, 0, tzinfo=UTC),
            "2026-06",
        ),
        (
            datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
            datetime(2026, 12, 31, 23, 0, tzinfo=UTC),
            "2026-12",
        ),
    ],
    ids=["june", "december"],
)
async def test_month_stays_within_quota(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: StartSimulator,
    start: datetime,
    end: datetime,
    month: str,
) -> None:
    """A month at 51.5° with 6 inverters: at most 1000 calls, at least 900, all in the window."""
    freezer.move_to(start)
    cloud = Cloud(await simulator(ApsystemsCloud(SystemConfig())))
    coordinator = await set_up(hass, cloud.entry())
    await run_until(hass, freezer, coordinator, end)

    calls = cloud.cloud.calls_in_month(APP_ID, month)
    assert calls <= 1000
    assert calls >= 900
    assert coordinator.calls_used() == calls
    outside = [
        moment
        for moment, app, _path, _code in cloud.cloud.calls
        if app == APP_ID and not WINDOW.contains(moment.astimezone(ZoneInfo(LONDON)))
    ]
    assert outside == []
    refused = [
        code for _m, app, _p, code in cloud.cloud.calls if app == APP_ID and code != 0
    ]
    assert refused.count(2005) == 0
