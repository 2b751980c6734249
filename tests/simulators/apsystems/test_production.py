"""System, ECU and inverter data: shapes, publication, and sums equal to the truth."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from simulators.apsystems import SID, EcuConfig, InverterConfig, SystemConfig
from simulators.apsystems.config import ECU_ID
from simulators.apsystems.testing import (
    ApsystemsTestClient,
    DataClock,
    device_path,
    system_path,
)

from .conftest import NOW, TODAY, StartCloud, wh

MIDNIGHT = dt.datetime(2025, 6, 17, 23, 0, tzinfo=dt.UTC)  # 18 June 00:00 BST
PUBLISHED = dt.datetime(2025, 6, 18, 11, 0, tzinfo=dt.UTC)
DS3 = "703000000001"
QS1 = "801000000001"
ENERGY = system_path("energy")
ECU_ENERGY = device_path("ecu", "energy", ECU_ID)


def kwh_to_wh(value: float) -> int:
    return round(value * 1000)


async def test_details_inverters_and_no_meters(aps: StartCloud) -> None:
    client = await aps()
    assert await client.data(system_path("details")) == {
        "sid": SID,
        "create_date": "2024-05-01",
        "capacity": "6.40",
        "type": 1,
        "timezone": "Europe/London",
        "ecu": [ECU_ID],
        "light": 1,
        "authorization_code": "ff8080815501b29d0155088b2ebb06ad",
    }
    (ecu,) = await client.data(system_path("inverters"))
    assert (ecu["eid"], ecu["type"], ecu["timezone"]) == (ECU_ID, 0, "Europe/London")
    assert [i["type"] for i in ecu["inverter"]] == ["DS3"] * 4 + ["QS1"] * 2
    assert "model" not in ecu
    assert await client.data(system_path("meters")) == []


async def test_unknown_ids(aps: StartCloud) -> None:
    client = await aps()
    assert (await client.get(system_path("summary", "AZ0000000000"))).code == 2004
    path = device_path("ecu", "summary", ECU_ID, sid="AZ0000000000")
    assert (await client.get(path)).code == 2004
    assert (await client.get(device_path("ecu", "summary", "1"))).code == 4001
    assert (await client.get(device_path("inverter", "summary", "1"))).code == 4001


async def test_summary_matches_the_truth(aps: StartCloud) -> None:
    client = await aps()
    cloud = client.cloud
    summary = await client.data(system_path("summary"))
    assert wh(summary["today"]) == kwh_to_wh(cloud.production_kwh(MIDNIGHT, PUBLISHED))
    assert wh(summary["lifetime"]) == kwh_to_wh(cloud.lifetime_kwh(NOW))
    created = dt.datetime(2024, 4, 30, 23, tzinfo=dt.UTC)
    produced = cloud.production_kwh(created, PUBLISHED)
    assert wh(summary["lifetime"]) == kwh_to_wh(produced) + 1_234_500
    month_start = dt.datetime(2025, 5, 31, 23, tzinfo=dt.UTC)
    assert wh(summary["month"]) == kwh_to_wh(
        cloud.production_kwh(month_start, PUBLISHED)
    )
    assert (await client.data(device_path("ecu", "summary", ECU_ID))) == summary


async def test_hourly_today_shows_closed_hours_only(
    aps: StartCloud, data_clock: DataClock
) -> None:
    client = await aps()
    truth = client.cloud.hourly_truth(TODAY)
    hourly = await client.data(ENERGY, energy_level="hourly", date_range="2025-06-18")
    assert len(hourly) == 24
    assert [wh(v) for v in hourly[:12]] == [kwh_to_wh(t) for t in truth[:12]]
    assert hourly[12:] == ["0"] * 12  # 12:00-13:00 BST is still open
    assert truth[12] > 0
    data_clock.now = dt.datetime(2025, 6, 18, 11, 59, tzinfo=dt.UTC)
    assert (await client.data(ENERGY, energy_level="hourly"))[12] == "0"
    data_clock.now = dt.datetime(2025, 6, 18, 12, 0, tzinfo=dt.UTC)
    hourly = await client.data(ENERGY, energy_level="hourly")
    assert wh(hourly[12]) == kwh_to_wh(truth[12])
    assert hourly[13] == "0"


async def test_past_series_add_up_exactly(aps: StartCloud) -> None:
    client = await aps()
    cloud = client.cloud
    daily = await client.data(ENERGY, energy_level="daily", date_range="2025-06")
    assert len(daily) == 30
    for day in (1, 10, 17):
        hourly = await client.data(
            ENERGY, energy_level="hourly", date_range=f"2025-06-{day:02d}"
        )
        truth = cloud.hourly_truth(dt.date(2025, 6, day))
        assert [wh(v) for v in hourly] == [kwh_to_wh(t) for t in truth]
        assert wh(daily[day - 1]) == sum(wh(v) for v in hourly)
    summary = await client.data(system_path("summary"))
    assert wh(daily[17]) == wh(summary["today"])
    assert daily[18:] == ["0.000"] * 12
    monthly = await client.data(ENERGY, energy_level="monthly", date_range="2025")
    assert len(monthly) == 12
    assert sum(wh(v) for v in daily) == wh(monthly[5]) == wh(summary["month"])
    may = await client.data(ENERGY, energy_level="daily", date_range="2025-05")
    assert sum(wh(v) for v in may) == wh(monthly[4])
    assert monthly[6:] == ["0.000"] * 6
    assert sum(wh(v) for v in monthly) == wh(summary["year"])
    yearly = await client.data(ENERGY, energy_level="yearly")
    assert len(yearly) == 2
    assert wh(yearly[1]) == wh(summary["year"])
    last_year = await client.data(ENERGY, energy_level="monthly", date_range="2024")
    assert last_year[:4] == ["0.000"] * 4  # created on 1 May 2024
    assert sum(wh(v) for v in last_year) == wh(yearly[0])
    assert sum(wh(v) for v in yearly) + 1_234_500 == wh(summary["lifetime"])


async def test_defaults_of_date_range(aps: StartCloud) -> None:
    client = await aps()
    for level, given in [
        ("hourly", "2025-06-18"),
        ("daily", "2025-06"),
        ("monthly", "2025"),
    ]:
        default = await client.data(ENERGY, energy_level=level)
        assert default == await client.data(
            ENERGY, energy_level=level, date_range=given
        )


@pytest.mark.parametrize(
    ("level", "date_range"),
    [
        ("hourly", "2025-06-19"),
        ("daily", "2025-07"),
        ("monthly", "2026"),
        ("hourly", "2024-04-30"),
        ("daily", "2024-04"),
        ("monthly", "2023"),
    ],
)
async def test_future_dates_and_before_the_system_answer_1001(
    aps: StartCloud, level: str, date_range: str
) -> None:
    client = await aps()
    answer = await client.get(ENERGY, {"energy_level": level, "date_range": date_range})
    assert answer.body == {"code": 1001, "data": None}


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({}, 4000),
        ({"energy_level": "weekly"}, 4001),
        ({"energy_level": "minutely"}, 4001),
        ({"energy_level": "hourly", "date_range": "2025-6-18"}, 4000),
        ({"energy_level": "hourly", "date_range": "2025/06/18"}, 4000),
        ({"energy_level": "hourly", "date_range": "2025-02-30"}, 4000),
        ({"energy_level": "daily", "date_range": "2025-06-18"}, 4000),
        ({"energy_level": "monthly", "date_range": "25"}, 4000),
    ],
)
async def test_bad_parameters(
    aps: StartCloud, params: dict[str, str], code: int
) -> None:
    client = await aps()
    assert (await client.get(ENERGY, params)).code == code


async def test_before_dawn_today_is_null_and_day_series_have_no_data(
    aps: StartCloud, data_clock: DataClock
) -> None:
    data_clock.now = dt.datetime(2025, 6, 18, 2, 0, tzinfo=dt.UTC)  # 03:00 BST
    client = await aps()
    summary = await client.data(system_path("summary"))
    assert summary["today"] is None
    assert wh(summary["month"]) > 0
    for path, level in [(ENERGY, "hourly"), (ECU_ENERGY, "minutely")]:
        answer = await client.get(path, {"energy_level": level})
        assert answer.code == 1001
    inverter = await client.data(device_path("inverter", "summary", DS3))
    assert inverter["d1"] is None
    assert wh(inverter["m1"]) > 0
    daily = await client.data(ENERGY, energy_level="daily")
    assert daily[17] == "0.000"
    path = device_path("inverter", "batch/energy", ECU_ID)
    answer = await client.get(
        path, {"energy_level": "energy", "date_range": "2025-06-18"}
    )
    assert answer.code == 1001


async def test_on_the_first_of_the_month_before_dawn_the_month_has_no_data(
    aps: StartCloud, data_clock: DataClock
) -> None:
    data_clock.now = dt.datetime(2025, 6, 1, 1, 0, tzinfo=dt.UTC)
    client = await aps()
    assert (await client.get(ENERGY, {"energy_level": "daily"})).code == 1001
    assert (await client.get(ENERGY, {"energy_level": "monthly"})).code == 0
    summary = await client.data(system_path("summary"))
    assert (summary["today"], summary["month"]) == (None, "0.000")


async def minutely(
    client: ApsystemsTestClient, day: str = "2025-06-18"
) -> dict[str, Any]:
    data: dict[str, Any] = await client.data(
        ECU_ENERGY, energy_level="minutely", date_range=day
    )
    return data


def slot_of(label: str, day: dt.date = TODAY) -> dt.datetime:
    """Return the UTC start of the slot a BST `HH:MM` label (its end) carries."""
    hour, minute = map(int, label.split(":"))
    end = dt.datetime.combine(day, dt.time(), dt.timezone(dt.timedelta(hours=1)))
    return (end + dt.timedelta(hours=hour, minutes=minute - 5)).astimezone(dt.UTC)


async def test_minutely_points_carry_the_slot_ending_at_their_label(
    aps: StartCloud, data_clock: DataClock
) -> None:
    client = await aps()
    cloud = client.cloud
    data = await minutely(client)
    assert set(data) == {"time", "energy", "power", "today"}
    assert len(data["time"]) == len(data["energy"]) == len(data["power"])
    assert data["time"][-1] == "12:00"  # published up to 11:00 UTC = 12:00 BST
    for label, energy in zip(data["time"], data["energy"], strict=True):
        assert wh(energy) == cloud.slot_energy_wh(slot_of(label))
    first = slot_of(data["time"][0])
    assert cloud.slot_energy_wh(first) > 0
    assert cloud.slot_energy_wh(first - dt.timedelta(minutes=5)) == 0
    assert sum(wh(e) for e in data["energy"]) == wh(data["today"])
    summary = await client.data(system_path("summary"))
    assert data["today"] == summary["today"]
    data_clock.now = dt.datetime(2025, 6, 18, 11, 14, 59, tzinfo=dt.UTC)
    assert (await minutely(client))["time"][-1] == "12:00"
    data_clock.now = dt.datetime(2025, 6, 18, 11, 15, tzinfo=dt.UTC)
    assert (await minutely(client))["time"][-1] == "12:15"


async def test_a_past_day_has_points_from_first_to_last_production(
    aps: StartCloud,
) -> None:
    client = await aps()
    cloud = client.cloud
    data = await minutely(client, "2025-06-17")
    day = dt.date(2025, 6, 17)
    last = slot_of(data["time"][-1], day)
    assert cloud.slot_energy_wh(last) > 0
    assert cloud.slot_energy_wh(last + dt.timedelta(minutes=5)) == 0
    assert len(data["time"]) == len(set(data["time"]))
    assert sum(wh(e) for e in data["energy"]) == kwh_to_wh(sum(cloud.hourly_truth(day)))


async def test_minutely_gaps_leave_points_out_but_not_energy(aps: StartCloud) -> None:
    client = await aps(gap_every=7)
    full_client = await aps()
    gapped, full = await minutely(client), await minutely(full_client)
    assert gapped["today"] == full["today"]
    missing = [t for t in full["time"] if t not in gapped["time"]]
    assert missing
    assert len(gapped["time"]) + len(missing) == len(full["time"])
    for label in missing:
        start = slot_of(label)
        index = (start - MIDNIGHT) // dt.timedelta(minutes=5)
        assert (index + 1) % 7 == 0
    kept = sum(wh(e) for e in gapped["energy"])
    lost = sum(client.cloud.slot_energy_wh(slot_of(label)) for label in missing)
    assert kept + lost == wh(gapped["today"])


async def test_inverters_add_up_to_the_system(aps: StartCloud) -> None:
    client = await aps()
    summary = await client.data(system_path("summary"))
    hourly = await client.data(ENERGY, energy_level="hourly", date_range="2025-06-17")
    uids = [f"70300000000{n}" for n in range(1, 5)] + [
        f"80100000000{n}" for n in range(1, 3)
    ]
    totals = {"d": 0, "m": 0, "y": 0, "t": 0}
    per_hour = [0] * 24
    for uid in uids:
        channels = 2 if uid.startswith("703") else 4
        data = await client.data(device_path("inverter", "summary", uid))
        assert set(data) == {f"{k}{n}" for k in "dmyt" for n in range(1, channels + 1)}
        for key, value in data.items():
            totals[key[0]] += wh(value)
        energy = await client.data(
            device_path("inverter", "energy", uid),
            energy_level="hourly",
            date_range="2025-06-17",
        )
        assert sorted(energy) == [f"e{n}" for n in range(1, channels + 1)]
        for values in energy.values():
            per_hour = [a + wh(b) for a, b in zip(per_hour, values, strict=True)]
    assert totals == {
        "d": wh(summary["today"]),
        "m": wh(summary["month"]),
        "y": wh(summary["year"]),
        "t": wh(summary["lifetime"]),
    }
    assert per_hour == [wh(v) for v in hourly]
    daily = await client.data(
        device_path("inverter", "energy", QS1),
        energy_level="daily",
        date_range="2025-06",
    )
    assert all(len(v) == 30 for v in daily.values())


async def test_inverter_minutely(aps: StartCloud) -> None:
    client = await aps()
    path = device_path("inverter", "energy", DS3)
    data = await client.data(path, energy_level="minutely")
    expected = {"t", "ac_v1", "ac_t", "ac_p1", "ac_f"}
    expected |= {f"dc_{k}{n}" for k in "pive" for n in (1, 2)}
    assert set(data) == expected
    length = len(data["t"])
    assert all(len(values) == length for values in data.values())
    for index in range(length):
        assert data["ac_p1"][index] == data["dc_p1"][index] + data["dc_p2"][index]
        assert data["dc_p1"][index] == 0 or data["dc_v1"][index] > 0
        assert 45 < data["ac_f"][index] < 55
        assert 200 < data["ac_v1"][index] < 260
    summary = await client.data(device_path("inverter", "summary", DS3))
    assert sum(wh(e) for e in data["dc_e1"]) == wh(summary["d1"])
    qs1 = await client.data(
        device_path("inverter", "energy", QS1), energy_level="minutely"
    )
    assert {"dc_p3", "dc_p4", "dc_e4"} <= set(qs1)
    assert "ac_v2" not in qs1


async def test_three_phase_inverters_report_three_voltages(aps: StartCloud) -> None:
    system = SystemConfig(
        ecus=[EcuConfig(ECU_ID, [InverterConfig("902000000001", "QT2D")])]
    )
    client = await aps(system)
    path = device_path("inverter", "energy", "902000000001")
    data = await client.data(path, energy_level="minutely")
    assert {"ac_v1", "ac_v2", "ac_v3", "dc_p4"} <= set(data)


async def test_batch_energy_and_power(aps: StartCloud) -> None:
    client = await aps()
    path = device_path("inverter", "batch/energy", ECU_ID)
    energy = await client.data(path, energy_level="energy", date_range="2025-06-18")
    entries = [item.rsplit("-", 1) for item in energy["energy"]]
    assert len(entries) == 4 * 2 + 2 * 4
    assert entries[0][0] == f"{DS3}-1"
    summary = await client.data(system_path("summary"))
    assert sum(wh(value) for _, value in entries) == wh(summary["today"])
    power = await client.data(path, energy_level="power", date_range="2025-06-18")
    assert len(power["power"]) == 16
    inverter = await client.data(
        device_path("inverter", "energy", DS3), energy_level="minutely"
    )
    assert power["time"] == inverter["t"]
    assert power["power"][f"{DS3}-2"] == inverter["dc_p2"]
    for params, code in [
        ({"energy_level": "energy"}, 4000),
        ({"date_range": "2025-06-18"}, 4000),
        ({"energy_level": "watts", "date_range": "2025-06-18"}, 4001),
        ({"energy_level": "power", "date_range": "2025-06-19"}, 1001),
        ({"energy_level": "power", "date_range": "2024-04-01"}, 1001),
        ({"energy_level": "power", "date_range": "18.06.2025"}, 4000),
    ]:
        assert (await client.get(path, params)).code == code, params


async def test_ecu_energy_is_the_system_energy_of_its_inverters(
    aps: StartCloud,
) -> None:
    client = await aps()
    for level in ("hourly", "daily", "monthly", "yearly"):
        ecu = await client.data(ECU_ENERGY, energy_level=level)
        assert ecu == await client.data(ENERGY, energy_level=level)


async def test_a_polar_night_has_no_minutely_points(
    aps: StartCloud, data_clock: DataClock
) -> None:
    data_clock.now = dt.datetime(2025, 1, 10, 12, tzinfo=dt.UTC)
    system = SystemConfig(
        latitude=78.2,
        longitude=15.6,
        timezone="Arctic/Longyearbyen",
        create_date=dt.date(2024, 12, 1),
    )
    client = await aps(system)
    data = await minutely(client, "2024-12-20")
    assert data == {"time": [], "energy": [], "power": [], "today": "0.000"}
    hourly = await client.data(ENERGY, energy_level="hourly", date_range="2024-12-20")
    assert hourly == ["0.000"] * 24


async def test_a_system_without_ecus(aps: StartCloud) -> None:
    client = await aps(SystemConfig(ecus=[]))
    details = await client.data(system_path("details"))
    assert (details["capacity"], details["ecu"]) == ("0.00", [])
    summary = await client.data(system_path("summary"))
    assert summary == {
        "today": None,
        "month": "0.000",
        "year": "0.000",
        "lifetime": "0.000",
    }


async def test_the_client_helper_fails_on_errors(aps: StartCloud) -> None:
    client = await aps()
    with pytest.raises(AssertionError, match="1001"):
        await client.data(ENERGY, energy_level="hourly", date_range="2030-01-01")
