"""Parsing the `data` of each endpoint: the manual's examples, observed shapes, garbage."""

from datetime import UTC, date, datetime, timedelta
import math
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from energy_api.apsystems import (
    BatchEnergy,
    BatchPower,
    Ecu,
    EcuMinutely,
    EnergySummary,
    Inverter,
    InverterMinutely,
    InverterSummary,
    MeterPeriod,
    MeterSummary,
    MeterTotals,
    StorageLatest,
    StoragePeriod,
    StorageSummary,
    StorageTotals,
    SystemDetails,
    last_value,
    zone,
)
from energy_api.apsystems.models import (
    channel_energy_from_json,
    clock_times,
    ecus_from_json,
    energy_from_json,
    integer,
    meters_from_json,
    number,
    text,
)
from energy_api.errors import InvalidResponseError

LONDON = ZoneInfo("Europe/London")
SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2025, 6, 1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1.24", 1.24),
        (" 567.23 ", 567.23),
        ("-3", -3.0),
        (".5", 0.5),
        ("1e3", 1000.0),
        (7, 7.0),
        (0.25, 0.25),
        (-0.0, -0.0),
        (1e9, 1e9),
        (None, None),
        ("", None),
        ("-", None),
        ("NaN", None),
        ("nan", None),
        ("inf", None),
        ("1e999", None),
        ("1_000", None),
        ("1,24", None),
        ("\N{ARABIC-INDIC DIGIT THREE}", None),
        ("9" * 100, None),
        (math.nan, None),
        (math.inf, None),
        (-math.inf, None),
        (10**400, None),
        (1e9 + 1, None),
        (-2e9, None),
        (True, None),
        ([1], None),
        ({"a": 1}, None),
    ],
)
def test_number(value: Any, expected: float | None) -> None:
    assert number(value) == expected


def test_integer_and_text() -> None:
    assert integer("1") == 1
    assert integer(2.0) == 2
    assert integer(2.5) is None
    assert integer("x") is None
    assert text(" A1 ") == "A1"
    assert text(216000012345) == "216000012345"
    assert text(10**40) is None
    assert text("  ") is None
    assert text(value=True) is None
    assert text(1.5) is None


def test_zone() -> None:
    assert zone("Europe/London") == LONDON
    assert zone("UTC") is not None
    for bad in (
        None,
        "",
        "Europe",
        "Nowhere/City",
        "../etc/passwd",
        "/etc/x",
        "a" * 65,
    ):
        assert zone(bad) is None, bad
    assert zone("Europe/London ") is None


def test_last_value() -> None:
    assert last_value([1.0, None, 2.0, None]) == 2.0
    assert last_value([None, None]) is None
    assert last_value([]) is None


def test_system_details_manual_example() -> None:
    details = SystemDetails.from_json(
        {
            "sid": "AZ12649A3DFF",
            "create_date": "2022-09-14",
            "capacity": "1.28",
            "type": 1,
            "timezone": "Asia/Shanghai",
            "ecu": ["203000001234", "2030000001236-002405253708"],
            "light": 1,
            "authorization_code": "2c9f934a8f2ea266018f2f407a1d6fdc",
        }
    )
    assert details == SystemDetails(
        sid="AZ12649A3DFF",
        create_date=date(2022, 9, 14),
        capacity_kw=1.28,
        system_type=1,
        timezone="Asia/Shanghai",
        ecus=("203000001234", "002405253708"),
        light=1,
    )
    assert details.zone == SHANGHAI


def test_system_details_garbage_fields() -> None:
    details = SystemDetails.from_json(
        {
            "create_date": "yesterday",
            "capacity": "-",
            "type": "x",
            "timezone": None,
            "ecu": [None, 5, "", "-", {"eid": 1}],
            "light": math.nan,
        },
        "SID1",
    )
    assert details == SystemDetails("SID1", None, None, None, None, ("5",), None)
    assert details.zone is None
    assert SystemDetails.from_json({"create_date": 20220914}).create_date is None
    with pytest.raises(InvalidResponseError):
        SystemDetails.from_json([])
    with pytest.raises(InvalidResponseError):
        SystemDetails.from_json({"ecu": {"a": 1}})


@pytest.mark.parametrize(
    ("model", "channels"),
    [
        ("DS3", 2),
        ("DS3-L", 2),
        ("DS3-H", 2),
        ("DS3D", 2),
        ("ds3", 2),
        ("EZ1-M", 2),
        ("YC600", 2),
        ("QS1", 4),
        ("QS1A", 4),
        ("QT2", 4),
        ("QT2D", 4),
        ("YC1000", 4),
        ("new", 4),
        (None, 4),
    ],
)
def test_inverter_channels(model: str | None, channels: int) -> None:
    assert Inverter("703000000001", model).channels == channels


def test_inverters_manual_example() -> None:
    ecus = ecus_from_json(
        [
            {
                "eid": "203000001234",
                "type": 0,
                "timezone": "Asia/Shanghai",
                "inverter": [
                    {"uid": "702000001234", "type": "QT2D"},
                    {"uid": "703000001234", "type": "DS3"},
                ],
            },
            {
                "eid": "203000005678",
                "type": 2,
                "timezone": "Asia/Shanghai",
                "inverter": [],
                "model": "ELS-5K",
                "capacity": "10",
            },
            {"eid": "203000009999", "type": "1", "inverter": None},
            {"type": 0},
            "garbage",
            None,
        ]
    )
    assert ecus == [
        Ecu(
            "203000001234",
            0,
            "Asia/Shanghai",
            (Inverter("702000001234", "QT2D"), Inverter("703000001234", "DS3")),
            None,
            None,
        ),
        Ecu("203000005678", 2, "Asia/Shanghai", (), "ELS-5K", 10.0),
        Ecu("203000009999", 1, None, (), None, None),
    ]
    assert [(e.has_meter, e.has_storage) for e in ecus] == [
        (False, False),
        (False, True),
        (True, False),
    ]
    assert [i.channels for i in ecus[0].inverters] == [4, 2]


def test_inverters_wrong_containers() -> None:
    assert ecus_from_json(None) == []
    for bad in ({"eid": "1"}, "x", 3):
        with pytest.raises(InvalidResponseError):
            ecus_from_json(bad)
    with pytest.raises(InvalidResponseError):
        ecus_from_json([{"eid": "1", "inverter": {"uid": "2"}}])
    # Entries without a uid are left out.
    (ecu,) = ecus_from_json([{"eid": "1", "inverter": [{"type": "DS3"}, 7]}])
    assert ecu.inverters == ()


def test_meters() -> None:
    assert meters_from_json(["216200001234", 5, None, ""]) == ["216200001234", "5"]
    assert meters_from_json([]) == []
    with pytest.raises(InvalidResponseError):
        meters_from_json({"a": 1})


def test_energy_series() -> None:
    assert energy_from_json(["567.23", "0", None, "-", 1.5, "NaN"]) == [
        567.23,
        0.0,
        None,
        None,
        1.5,
        None,
    ]
    assert energy_from_json([]) == []
    with pytest.raises(InvalidResponseError):
        energy_from_json({"e1": []})


def test_summary_manual_example_and_predawn() -> None:
    assert EnergySummary.from_json(
        {"today": "1.24", "month": "30.1", "year": "567.23", "lifetime": "5559.20"}
    ) == EnergySummary(1.24, 30.1, 567.23, 5559.2)
    # Observed: `today` null before dawn, or missing altogether.
    assert EnergySummary.from_json(
        {"today": None, "month": "68.79", "lifetime": "5559.20"}
    ) == EnergySummary(None, 68.79, None, 5559.2)
    with pytest.raises(InvalidResponseError):
        EnergySummary.from_json(["1"])


def test_ecu_minutely_manual_shape() -> None:
    minutely = EcuMinutely.from_json(
        {
            "time": ["08:15", "08:20", "24:00"],
            "energy": ["0.01", "0.02", "0.03"],
            "power": ["120", "240", "0"],
            "today": "4.67",
        },
        DAY,
        LONDON,
    )
    assert minutely.times == (
        datetime(2025, 6, 1, 8, 15, tzinfo=LONDON),
        datetime(2025, 6, 1, 8, 20, tzinfo=LONDON),
        datetime(2025, 6, 2, 0, 0, tzinfo=LONDON),
    )
    assert minutely.energy_kwh == (0.01, 0.02, 0.03)
    assert minutely.power_w == (120.0, 240.0, 0.0)
    assert minutely.today_kwh == 4.67
    assert minutely.times[0].utcoffset() == timedelta(hours=1)


def test_ecu_minutely_drops_bad_times_and_truncates() -> None:
    minutely = EcuMinutely.from_json(
        {
            "time": ["08:15", "8:20", "25:00", "xx", None, "08:35", "08:40"],
            "energy": [1, 2, 3, 4, 5, 6],
            "power": [10, 20, 30, 40, 50, 60, 70, 80],
        },
        DAY,
        UTC,
    )
    assert [t.strftime("%H:%M") for t in minutely.times] == ["08:15", "08:20", "08:35"]
    assert minutely.energy_kwh == (1.0, 2.0, 6.0)
    assert minutely.power_w == (10.0, 20.0, 60.0)
    assert minutely.today_kwh is None
    # A missing (or empty) series reads as all None; missing times: no points.
    only_power = EcuMinutely.from_json(
        {"time": ["08:15"], "power": [5], "energy": []}, DAY, UTC
    )
    assert only_power.energy_kwh == (None,)
    assert EcuMinutely.from_json({"energy": [1]}, DAY, UTC).times == ()
    for bad in ([], {"time": "08:15"}, {"time": ["08:15"], "power": {"a": 1}}):
        with pytest.raises(InvalidResponseError):
            EcuMinutely.from_json(bad, DAY, UTC)


def test_clock_times_across_autumn_change() -> None:
    day = date(2025, 10, 26)  # London: 01:00-02:00 happens twice
    times = clock_times(
        ["00:55", "01:30", "01:55", "01:00", "01:30", "02:00"], day, LONDON
    )
    offsets = [t.utcoffset() if t else None for t in times]
    hour = timedelta(hours=1)
    assert offsets == [hour, hour, hour, timedelta(0), timedelta(0), timedelta(0)]
    utc = [t.astimezone(UTC) for t in times if t]
    assert utc == sorted(utc)
    assert clock_times(["12:61", "12:00:30", 5], day, UTC) == [
        None,
        datetime(2025, 10, 26, 12, 0, 30, tzinfo=UTC),
        None,
    ]
    assert clock_times(["24:00"], date.max, UTC) == [None]


def test_inverter_minutely_observed_keys() -> None:
    minutely = InverterMinutely.from_json(
        {
            "t": ["10:00", "10:05", "bad"],
            "ac_p1": ["300", "310", "320"],
            "ac_p": ["1", "2", "3"],
            "ac_f": ["50.01", "49.99", "50"],
            "ac_t": ["35", None, "36"],
            "ac_v1": ["230.1", "231", "232"],
            "dc_p1": ["150", "155", "160"],
            "dc_p2": ["151", "156", "161"],
            "dc_p3": [],
            "dc_i1": ["4.1", "4.2", "4.3"],
            "dc_v1": ["36.5", "36.6", "36.7"],
            "dc_e1": ["0.01", "0.02", "0.03"],
            "dc_e2": None,
            "dc_x1": ["?"],
        },
        DAY,
        LONDON,
    )
    assert minutely.times == (
        datetime(2025, 6, 1, 10, 0, tzinfo=LONDON),
        datetime(2025, 6, 1, 10, 5, tzinfo=LONDON),
    )
    assert minutely.ac_power_w == (300.0, 310.0)
    assert minutely.ac_frequency_hz == (50.01, 49.99)
    assert minutely.ac_temperature_c == (35.0, None)
    assert minutely.ac_voltage_v == {1: (230.1, 231.0)}
    assert minutely.dc_power_w == {1: (150.0, 155.0), 2: (151.0, 156.0)}
    assert minutely.dc_current_a == {1: (4.1, 4.2)}
    assert minutely.dc_voltage_v == {1: (36.5, 36.6)}
    assert minutely.dc_energy_kwh == {1: (0.01, 0.02)}
    assert last_value(minutely.ac_temperature_c) == 35.0


def test_inverter_minutely_manual_keys() -> None:
    minutely = InverterMinutely.from_json(
        {"time": ["10:00"], "ac_p": [42], "ac_p1": None}, DAY, UTC
    )
    assert minutely.ac_power_w == (42.0,)
    assert minutely.ac_frequency_hz == (None,)
    assert minutely.dc_power_w == {}
    with pytest.raises(InvalidResponseError):
        InverterMinutely.from_json({"t": ["10:00"], "dc_p1": {"a": 1}}, DAY, UTC)


def test_channel_energy() -> None:
    assert channel_energy_from_json(
        {"e2": ["0.64", "0.23"], "e1": ["0.65", "-"], "e3": None, "x": [1]}
    ) == {1: [0.65, None], 2: [0.64, 0.23]}
    with pytest.raises(InvalidResponseError):
        channel_energy_from_json({"e1": "0.5"})
    with pytest.raises(InvalidResponseError):
        channel_energy_from_json([["0.5"]])


def test_batch_power_manual_example() -> None:
    batch = BatchPower.from_json(
        {
            "time": ["10:00", "10:05", "10:10"],
            "power": {
                "701000001234-1": [45, 56, "57"],
                "701000001234-2": ["44", None, 50],
                "broken": [1, 2, 3],
                "701000001234-x": [1, 2, 3],
                "701000009999-3": None,
            },
        },
        DAY,
        UTC,
    )
    assert batch.times[0] == datetime(2025, 6, 1, 10, tzinfo=UTC)
    assert batch.power_w == {
        ("701000001234", 1): (45.0, 56.0, 57.0),
        ("701000001234", 2): (44.0, None, 50.0),
    }
    empty = BatchPower.from_json({"time": [], "power": {}}, DAY, UTC)
    assert (empty.times, empty.power_w) == ((), {})
    assert BatchPower.from_json({"time": ["10:00"], "power": None}, DAY, UTC).times == (
        datetime(2025, 6, 1, 10, tzinfo=UTC),
    )
    for bad in ({"power": [1]}, {"power": {"7-1": 5}}, []):
        with pytest.raises(InvalidResponseError):
            BatchPower.from_json(bad, DAY, UTC)


def test_batch_energy_manual_example() -> None:
    batch = BatchEnergy.from_json(
        {
            "energy": [
                "701000001234-1-1.24",
                "701000001234-2-0.98",
                "701000001234-3-",
                "7010-00001234-4-2.5",
                "no-channel",
                42,
                None,
            ]
        }
    )
    assert batch.energy_kwh == {
        ("701000001234", 1): 1.24,
        ("701000001234", 2): 0.98,
        ("701000001234", 3): None,
        ("7010-00001234", 4): 2.5,
    }
    assert BatchEnergy.from_json({}).energy_kwh == {}
    with pytest.raises(InvalidResponseError):
        BatchEnergy.from_json({"energy": "701-1-1"})


def test_meter_summary_manual_shape() -> None:
    summary = MeterSummary.from_json(
        {
            "today": {
                "consumed": "10.5",
                "exported": "3.2",
                "imported": "6.1",
                "produced": "7.6",
            },
            "month": {"consumed": "100"},
            "year": None,
        }
    )
    assert summary.today == MeterTotals(10.5, 3.2, 6.1, 7.6)
    assert summary.month == MeterTotals(100.0, None, None, None)
    assert summary.year == summary.lifetime == MeterTotals(None, None, None, None)
    with pytest.raises(InvalidResponseError):
        MeterSummary.from_json({"today": ["1"]})


def test_meter_period_hourly_and_minutely() -> None:
    hourly = MeterPeriod.from_json(
        {
            "time": ["01", "02", 3],
            "produced": ["1", "2", "3"],
            "consumed": ["4", "5", "6"],
            "imported": ["0.1", "0.2", "0.3"],
            "exported": ["0", "0", "0"],
        }
    )
    assert hourly == MeterPeriod(
        ("01", "02", "3"),
        (4.0, 5.0, 6.0),
        (0.0, 0.0, 0.0),
        (0.1, 0.2, 0.3),
        (1.0, 2.0, 3.0),
    )
    minutely = MeterPeriod.from_json(
        {
            "today": {"consumed": "1"},
            "time": ["10:00", None, "10:10"],
            "power": {"consumed": [1, 2, 3], "imported_exported": [-1, 0, 1]},
            "energy": {"consumed": ["0.1", "0.2", "0.3"], "produced": ["1", "1", "1"]},
        }
    )
    assert minutely.times == ("10:00", "10:10")
    assert minutely.consumed == (0.1, 0.3)
    assert minutely.produced == (1.0, 1.0)
    assert minutely.exported == (None, None)
    with pytest.raises(InvalidResponseError):
        MeterPeriod.from_json({"time": {"a": 1}})


def test_inverter_summary() -> None:
    summary = InverterSummary.from_json(
        {
            "d1": "1.5",
            "d2": None,
            "m1": "17.12",
            "y1": "33.65",
            "t1": "1383.07",
            "m2": "17.16",
            "y2": "33.76",
            "t2": "1389.18",
            "t4": "x",
            "z1": "1",
        }
    )
    assert summary == InverterSummary(
        {1: 1.5, 2: None},
        {1: 17.12, 2: 17.16},
        {1: 33.65, 2: 33.76},
        {1: 1383.07, 2: 1389.18, 4: None},
    )
    # fligneul's stub: no `d{n}` at all.
    assert InverterSummary.from_json({"m1": "1"}).today == {}
    with pytest.raises(InvalidResponseError):
        InverterSummary.from_json(None)


def test_storage_latest_manual_example() -> None:
    now = datetime(2025, 6, 1, 23, 58, tzinfo=LONDON)
    latest = StorageLatest.from_json(
        {
            "mode": "4",
            "soc": "97",
            "time": "23:57",
            "discharge": "1.2",
            "charge": "3.4",
            "produced": "10",
            "consumed": "8",
            "exported": "0.5",
            "imported": "0.1",
        },
        now,
    )
    assert latest == StorageLatest(
        "4",
        97.0,
        datetime(2025, 6, 1, 23, 57, tzinfo=LONDON),
        1.2,
        3.4,
        10.0,
        8.0,
        0.5,
        0.1,
    )


def test_storage_latest_time_forms() -> None:
    after_midnight = datetime(2025, 6, 2, 0, 5, tzinfo=LONDON)
    assert StorageLatest.from_json({"time": "23:57"}, after_midnight).time == datetime(
        2025, 6, 1, 23, 57, tzinfo=LONDON
    )
    full = StorageLatest.from_json({"time": "2025-06-01 12:00:00", "mode": 1}, UTC_NOW)
    assert full.time == datetime(2025, 6, 1, 12, tzinfo=UTC)
    assert full.mode == "1"
    aware = StorageLatest.from_json({"time": "2025-06-01T12:00:00+02:00"}, UTC_NOW)
    assert aware.time is not None
    assert aware.time.utcoffset() == timedelta(hours=2)
    naive_now = datetime(2025, 6, 1, 12, 0)  # read as UTC
    assert StorageLatest.from_json({"time": "11:00"}, naive_now).time == datetime(
        2025, 6, 1, 11, tzinfo=UTC
    )
    for bad in ("yesterday", 5, "x" * 50, None):
        assert StorageLatest.from_json({"time": bad}, UTC_NOW).time is None
    with pytest.raises(InvalidResponseError):
        StorageLatest.from_json("x", UTC_NOW)


UTC_NOW = datetime(2025, 6, 1, 13, 0, tzinfo=UTC)


def test_storage_summary() -> None:
    summary = StorageSummary.from_json(
        {
            "today": {"discharge": "1", "charge": "2", "produced": "3"},
            "lifetime": {
                "discharge": "100",
                "charge": "120",
                "produced": "3000",
                "consumed": "2500",
                "exported": "400",
                "imported": "300",
            },
        }
    )
    assert summary.today == StorageTotals(1.0, 2.0, 3.0, None, None, None)
    assert summary.lifetime == StorageTotals(100.0, 120.0, 3000.0, 2500.0, 400.0, 300.0)
    assert summary.month == StorageTotals(None, None, None, None, None, None)
    with pytest.raises(InvalidResponseError):
        StorageSummary.from_json({"today": "1"})


def test_storage_period_daily_and_minutely() -> None:
    daily = StoragePeriod.from_json(
        {"time": ["01", "02"], "charge": ["1", "2"], "discharge": ["3", None], "x": 5}
    )
    assert daily == StoragePeriod(
        ("01", "02"), {"charge": (1.0, 2.0), "discharge": (3.0, None)}
    )
    minutely = StoragePeriod.from_json(
        {
            "time": ["00:05", "00:10"],
            "today": {"charge": "1"},
            "power": {"charge": [100, 200], "soc": [50, 51], "bad": "x"},
            "energy": {"charge": ["0.01", "0.02"], "empty": []},
        }
    )
    assert minutely.times == ("00:05", "00:10")
    assert minutely.series == {
        "power.charge": (100.0, 200.0),
        "power.soc": (50.0, 51.0),
        "energy.charge": (0.01, 0.02),
    }
    with pytest.raises(InvalidResponseError):
        StoragePeriod.from_json({"time": "00:05"})
