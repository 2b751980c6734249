"""The truth: slots, DST days, the sun, and the API matching it."""

from __future__ import annotations

import datetime as dt

from astral import Observer, sun
from cryptography import x509
import pytest

from simulators import TestCA
from simulators.apsystems import ApsystemsCloud, SystemConfig
from simulators.apsystems.clocks import accelerated, floor_quarter
from simulators.apsystems.ledger import day_clock, slot_labels
from simulators.apsystems.solar import SunDay, clear_sky, weather
from simulators.apsystems.testing import DataClock, system_path
from simulators.apsystems.views import dc_voltage
from simulators.apsystems.wire import kwh

from .conftest import NOW, TODAY, StartCloud, wh

UTC = dt.UTC
HOUR = dt.timedelta(hours=1)
# The sun over Sydney, the clock of London: production happens during
# London's night, so the DST hours (01:00-02:00) have energy.
NIGHT_SUN = SystemConfig(
    latitude=-33.9, longitude=151.2, create_date=dt.date(2025, 3, 1)
)
FALL_BACK = dt.date(2025, 10, 26)  # 25 hours in London
SPRING_FORWARD = dt.date(2025, 3, 30)  # 23 hours in London


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def test_a_25_hour_day_sums_the_repeated_hour() -> None:
    cloud = ApsystemsCloud(NIGHT_SUN)
    hours = cloud.hourly_truth(FALL_BACK)
    assert len(hours) == 24
    assert day_clock("Europe/London", FALL_BACK).slots == 300
    # 01:00 BST (00:00 UTC) and 01:00 GMT (01:00 UTC) both go to index 1.
    assert hours[1] == cloud.production_kwh(utc(2025, 10, 26, 0), utc(2025, 10, 26, 2))
    assert (
        hours[1] > cloud.production_kwh(utc(2025, 10, 26, 0), utc(2025, 10, 26, 1)) > 0
    )
    assert hours[2] == cloud.production_kwh(utc(2025, 10, 26, 2), utc(2025, 10, 26, 3))
    day = cloud.production_kwh(utc(2025, 10, 25, 23), utc(2025, 10, 27, 0))
    assert round(sum(hours) * 1000) == round(day * 1000)


def test_a_23_hour_day_has_an_empty_skipped_hour() -> None:
    cloud = ApsystemsCloud(NIGHT_SUN)
    hours = cloud.hourly_truth(SPRING_FORWARD)
    assert len(hours) == 24
    assert day_clock("Europe/London", SPRING_FORWARD).slots == 276
    assert hours[1] == 0
    assert hours[0] == cloud.production_kwh(utc(2025, 3, 30, 0), utc(2025, 3, 30, 1))
    assert (
        hours[2] == cloud.production_kwh(utc(2025, 3, 30, 1), utc(2025, 3, 30, 2)) > 0
    )
    day = cloud.production_kwh(utc(2025, 3, 30, 0), utc(2025, 3, 30, 23))
    assert round(sum(hours) * 1000) == round(day * 1000)


async def test_the_api_serves_dst_days_as_the_truth(
    aps: StartCloud, data_clock: DataClock
) -> None:
    data_clock.now = utc(2025, 10, 28, 12)
    client = await aps(NIGHT_SUN)
    cloud = client.cloud
    for day in (FALL_BACK, SPRING_FORWARD):
        hourly = await client.data(
            system_path("energy"), energy_level="hourly", date_range=day.isoformat()
        )
        served = [0 if v == "0" else wh(v) for v in hourly]
        assert served == [round(t * 1000) for t in cloud.hourly_truth(day)]
    hourly = await client.data(
        system_path("energy"), energy_level="hourly", date_range="2025-03-30"
    )
    assert hourly[1] == "0"  # the hour that never was


def test_labels_of_a_25_hour_day_repeat_and_end_at_24() -> None:
    labels = slot_labels("Europe/London", FALL_BACK)
    assert len(labels) == 300
    assert labels[0] == "00:05"
    assert labels.count("01:30") == 2
    assert labels[-1] == "24:00"


def test_slots_and_spans() -> None:
    cloud = ApsystemsCloud()
    noon = utc(2025, 6, 18, 11, 55)
    slot = cloud.slot_energy_wh(noon)
    assert slot > 0
    assert cloud.production_kwh(noon, noon + dt.timedelta(minutes=5)) == slot / 1000
    # Only whole slots count.
    assert (
        cloud.production_kwh(
            noon - dt.timedelta(minutes=1), noon + dt.timedelta(minutes=9)
        )
        == slot / 1000
    )
    assert cloud.production_kwh(noon, noon) == 0
    assert cloud.slot_energy_wh(utc(2025, 6, 18, 1)) == 0  # night
    assert cloud.slot_energy_wh(utc(2024, 4, 1, 11)) == 0  # before the system existed
    with pytest.raises(ValueError, match="does not start a 5-minute slot"):
        cloud.slot_energy_wh(utc(2025, 6, 18, 11, 56))
    naive = dt.datetime(2025, 6, 18, 11, 55)
    assert cloud.slot_energy_wh(naive) == slot
    assert cloud.hourly_truth(dt.date(2024, 4, 1)) == [0.0] * 24


def test_lifetime_counts_from_the_start_value() -> None:
    cloud = ApsystemsCloud()
    created = utc(2024, 4, 30, 23)
    assert cloud.lifetime_kwh(created) == 1234.5
    lifetime = cloud.lifetime_kwh(NOW)
    produced = cloud.production_kwh(created, floor_quarter(NOW))
    assert round(lifetime * 1000) == round(produced * 1000) + 1_234_500
    later = cloud.lifetime_kwh(NOW + dt.timedelta(minutes=20))
    assert later > lifetime


def test_production_follows_the_sun() -> None:
    cloud = ApsystemsCloud()
    hours = cloud.hourly_truth(TODAY)
    peak = hours.index(max(hours))
    assert 11 <= peak <= 14  # solar noon in London is about 13:00 BST
    assert hours[0] == hours[23] == 0
    winter = cloud.hourly_truth(dt.date(2024, 12, 21))
    assert 0 < sum(winter) < sum(hours)


def test_the_sun_agrees_with_astral() -> None:
    start = utc(2025, 3, 20)
    sky = SunDay(51.5, -0.12, start, start + dt.timedelta(days=1))
    place = Observer(51.5, -0.12)
    for minutes in range(0, 1440, 11):
        at = start + dt.timedelta(minutes=minutes)
        expected = sun.elevation(place, at, with_refraction=False)
        assert sky.elevation(at.timestamp()) == pytest.approx(expected, abs=0.05)


def test_clear_sky_and_weather() -> None:
    assert clear_sky(-5) == 0
    assert clear_sky(90) == pytest.approx(1.0)
    assert 0 < clear_sky(10) < clear_sky(45) < 1
    values = {
        weather("x", dt.date(2025, 1, 1) + dt.timedelta(days=n)) for n in range(50)
    }
    assert all(0.3 <= v <= 1.0 for v in values)
    assert weather("x", dt.date(2025, 1, 1)) == weather("x", dt.date(2025, 1, 1))


def test_kwh_strings_are_exact() -> None:
    assert [kwh(0), kwh(5), kwh(1234), kwh(1_234_500), kwh(-15)] == [
        "0.000",
        "0.005",
        "1.234",
        "1234.500",
        "-0.015",
    ]


def test_clocks() -> None:
    assert floor_quarter(utc(2025, 6, 18, 11, 14, 59)) == utc(2025, 6, 18, 11)
    assert floor_quarter(dt.datetime(2025, 6, 18, 11, 15)) == utc(2025, 6, 18, 11, 15)
    base = DataClock(utc(2025, 1, 1))
    fast = accelerated(60, base)
    base.advance(dt.timedelta(minutes=1))
    assert fast() == utc(2025, 1, 1, 1)
    with pytest.raises(ValueError, match="speed must be positive"):
        accelerated(0)


def test_days_before_the_system_existed_are_empty() -> None:
    cloud = ApsystemsCloud(SystemConfig(meter=True, create_date=dt.date(2025, 6, 18)))
    before = dt.date(2025, 6, 17)
    assert cloud.model.production.day(before).first_on == -1
    assert sum(cloud.model.production.totals(before)) == 0
    assert cloud.model.site is not None
    assert not any(map(any, cloud.model.site.day(before).wh))
    # From 12:00 BST on the day before: only the whole slots of the 18th count.
    start, end = utc(2025, 6, 17, 11), utc(2025, 6, 18, 6, 2)
    assert cloud.production_kwh(start, end) == cloud.production_kwh(
        utc(2025, 6, 17, 23), utc(2025, 6, 18, 6)
    )
    assert cloud.production_kwh(start, end) > 0


def test_small_things() -> None:
    cloud = ApsystemsCloud(gap_every=3)
    assert cloud.gap_every == 3
    cloud.gap_every = 0
    assert cloud.views.gap_every == 0
    inverter = cloud.model.inverter_by_uid["801000000001"]
    assert (inverter.channels, inverter.three_phase) == (4, False)
    assert dc_voltage(0, 400) == 0.0
    assert 30 < dc_voltage(400, 400) <= 38


@pytest.mark.parametrize(
    ("host", "names", "ips"),
    [
        ("127.0.0.1", ["localhost", "api.apsystemsema.com"], ["127.0.0.1"]),
        (
            "192.0.2.7",
            ["localhost", "api.apsystemsema.com"],
            ["127.0.0.1", "192.0.2.7"],
        ),
        ("ema.test", ["localhost", "api.apsystemsema.com", "ema.test"], ["127.0.0.1"]),
    ],
)
def test_certificate_names(
    test_ca: TestCA, host: str, names: list[str], ips: list[str]
) -> None:
    cert = x509.load_pem_x509_certificate(
        ApsystemsCloud().server_certificate(test_ca, host).cert_pem
    )
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == names
    assert [str(ip) for ip in san.get_values_for_type(x509.IPAddress)] == ips
