"""Parsers on payload dicts in the reference's shapes, and their failure modes."""

from datetime import UTC, datetime, time
import math
from typing import Any

import pytest

from energy_api.errors import InvalidResponseError
from energy_api.powervault import (
    Account,
    BatteryState,
    ChartSample,
    DataRow,
    Override,
    Schedule,
    ScheduleSlot,
    Telemetry,
    Unit,
    energy_kwh,
)
from energy_api.powervault.models import (
    chart_from_json,
    clock_time,
    number,
    override_from_json,
    overrides_from_json,
    rows_from_json,
    text,
    units_from_json,
    utc_time,
)

from .payloads import (
    ACCOUNT,
    DATA,
    OVERRIDES,
    SCHEDULE,
    SCHEDULE_DAYS,
    TELEMETRY,
    UNIT,
    UNITS,
    record,
    row,
)


def test_number() -> None:
    assert number(1) == 1.0
    assert number(" 2.5 ") == 2.5
    assert number("1e3") == 1000.0
    bad: Any
    for bad in (
        None,
        True,
        "",
        "-",
        "NaN",
        "inf",
        "1_000",
        "9" * 100,
        math.nan,
        math.inf,
        10**400,
        1e11,
        [],
        {},
    ):
        assert number(bad) is None, bad
    assert str(number(-0.0)) == "0.0"


def test_text() -> None:
    assert text(" a ") == "a"
    assert text(7) == "7"
    assert text(10**40) is None
    assert text("  ") is None
    assert text(value=True) is None
    assert text("x" * 1000) is None


def test_utc_time() -> None:
    expected = datetime(2025, 6, 2, 11, 0, tzinfo=UTC)
    assert utc_time("2025-06-02 11:00:00") == expected
    assert utc_time("2025-06-02T11:00:00Z") == expected
    assert utc_time("2025-06-02T12:00:00+01:00") == expected
    assert utc_time(expected.timestamp()) == expected
    assert utc_time(expected.timestamp() * 1000) == expected
    assert utc_time(str(int(expected.timestamp()))) == expected
    bad: Any
    for bad in (
        None,
        "",
        "x",
        "2025-13-01",
        0,
        -5,
        math.nan,
        1e300,
        10**400,
        True,
        "1" * 50,
        "0001-01-01T00:00:00+05:00",
    ):
        assert utc_time(bad) is None, bad


def test_clock_time() -> None:
    assert clock_time("07:00") == time(7)
    assert clock_time("06:59:59") == time(6, 59, 59)
    assert clock_time(" 7:05 ") == time(7, 5)
    assert clock_time("24:00") == time.max
    assert clock_time("24:00:00") == time.max
    bad: Any
    for bad in ("24:01", "25:00", "12:60", "12:00:60", "noon", 700, None, "1" * 50):
        assert clock_time(bad) is None, bad


def test_account_and_units() -> None:
    assert Account.from_json(ACCOUNT) == Account(123, "Home")
    assert Account.from_json({"customerAccount": {"id": "7"}}) == Account(7, None)
    bad: Any
    for bad in (
        {},
        {"customerAccount": None},
        {"customerAccount": {"id": 1.5}},
        [],
        None,
    ):
        with pytest.raises(InvalidResponseError):
            Account.from_json(bad)
    assert units_from_json(UNITS) == [
        Unit("PV-1001", "P4", "4.2.1"),
        Unit("PV-1002", "P5", None),
    ]
    assert units_from_json({"units": [None, {"model": "P4"}, 5, {"id": 42}]}) == [
        Unit("42", None, None)
    ]
    assert units_from_json({"units": None}) == []
    with pytest.raises(InvalidResponseError):
        units_from_json({"units": {"id": "x"}})
    assert Unit.from_json(UNIT) == Unit("PV-1001", "P4", "4.2.1")
    with pytest.raises(InvalidResponseError):
        Unit.from_json({"unit": {"model": "P4"}})


def test_data_row_in_ha_conventions() -> None:
    (parsed,) = rows_from_json(DATA)
    assert parsed.time == datetime(2025, 6, 2, 10, 55, tzinfo=UTC)
    assert parsed.soc_pct == 55.0
    assert parsed.battery_power_w == -1200.0  # charging
    assert parsed.grid_power_w == -500.0  # exporting
    assert parsed.home_power_w == 800.0
    assert parsed.solar_power_w == 2500.0
    assert parsed.battery_from_solar_w == 1200.0
    assert parsed.solar_exported_w == 500.0
    assert parsed.solar_generated_w == 2500.0
    assert energy_kwh(parsed, "solar_generated_w") == pytest.approx(2.5 * 5 / 60)
    assert energy_kwh(parsed, "battery_from_grid_w", minutes=10) == 0.0
    with pytest.raises(ValueError, match="not a power field"):
        energy_kwh(parsed, "time")


def test_data_rows_tolerate_nulls_and_garbage() -> None:
    rows = rows_from_json(
        {
            "data": [
                row(
                    "2025-06-02T11:00:00Z",
                    instant_soc=None,
                    instant_grid="NaN",
                    solarGenerated=None,
                ),
                row("2025-06-02T10:50:00Z", instant_soc=150, instant_battery=10**400),
                row("garbage"),
                "not a row",
                None,
            ]
        }
    )
    assert [r.time.minute for r in rows] == [50, 0]  # sorted, timeless dropped
    assert rows[0].soc_pct is None  # out of range
    assert rows[0].battery_power_w is None
    assert rows[1].soc_pct is None
    assert rows[1].grid_power_w is None
    assert rows[1].solar_generated_w is None
    assert rows_from_json({"data": None}) == []
    bad: Any
    for bad in ([], None, "x", {"data": {}}):
        with pytest.raises(InvalidResponseError):
            rows_from_json(bad)


def test_schedule_cloud_and_local_shapes() -> None:
    cloud = Schedule.from_json(SCHEDULE)
    local = Schedule.from_json(SCHEDULE_DAYS)
    assert cloud == local
    assert list(cloud.days) == [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ]
    assert cloud.days["monday"] == (
        ScheduleSlot(time(0), time(6, 59, 59), BatteryState.FORCE_CHARGE),
        ScheduleSlot(time(7), time(23, 59), BatteryState.NORMAL),
    )


def test_schedule_tolerance() -> None:
    parsed = Schedule.from_json(
        {
            "schedule": {
                "Monday": [
                    {"start": "00:00", "end": "24:00", "state": "Turbo"},
                    {"start": "bad", "end": "01:00", "state": "normal"},
                    {"start": "00:00", "end": "01:00", "state": None},
                    {"start": "00:00", "end": "01:00", "state": 5},
                    "x",
                ],
                "tuesday": None,
                5: [],
            }
        }
    )
    assert parsed.days["monday"] == (ScheduleSlot(time(0), time.max, "Turbo"),)
    assert parsed.days["tuesday"] == ()
    assert Schedule.from_json({"schedule": None}).days["sunday"] == ()
    bad: Any
    for bad in ([], None, {"schedule": []}, {"monday": {}}, {"message": "error"}):
        with pytest.raises(InvalidResponseError):
            Schedule.from_json(bad)


def test_overrides() -> None:
    assert overrides_from_json(OVERRIDES) == [
        Override(
            datetime(2025, 6, 2, 10, tzinfo=UTC),
            datetime(2025, 6, 2, 12, tzinfo=UTC),
            BatteryState.FORCE_DISCHARGE,
        )
    ]
    assert overrides_from_json({"stateOverrides": [{"start": "x"}, None]}) == []
    assert overrides_from_json({}) == []
    with pytest.raises(InvalidResponseError):
        overrides_from_json({"stateOverrides": "x"})
    single = OVERRIDES["stateOverrides"][0]
    assert override_from_json(single) == overrides_from_json(OVERRIDES)[0]
    assert override_from_json({}) is None
    assert override_from_json([None, {"start": 1}, single]) == override_from_json(
        single
    )
    assert override_from_json([]) is None
    with pytest.raises(InvalidResponseError):
        override_from_json("x")
    override = overrides_from_json(OVERRIDES)[0]
    assert override.to_json() == single


def test_telemetry_in_ha_conventions() -> None:
    parsed = Telemetry.from_json(TELEMETRY)
    assert parsed.at == datetime.fromtimestamp(1748862000, UTC)
    assert parsed.soc_pct == 81.5
    assert parsed.soc_average_pct == 83.0
    assert parsed.grid_power_w == 250.0
    assert parsed.battery_power_w == 1500.0  # discharging
    assert parsed.solar_power_w == 400.0
    assert parsed.home_power_w == 2150.0
    assert parsed.grid_current_a == 1.1
    assert parsed.battery_current_a == -30.2
    assert parsed.inverter_voltage_v == 241.3
    assert parsed.inverter_frequency_hz == 50.01
    assert parsed.max_charge_power_w == 3000.0
    assert parsed.max_discharge_power_w == 3000.0
    assert parsed.temperature_c == 24.5
    assert parsed.cpu_temperature_c == 51.0
    assert parsed.voc_temperature_c == 22.0
    assert parsed.voc_humidity_pct == 45.0
    assert parsed.voc_co2_ppm == 600.0
    assert parsed.voc_index == 100.0
    assert parsed.actual_state == "C"
    assert parsed.requested_state == "N"
    assert parsed.pack_temperatures_c == {0: 20.5}
    assert parsed.backplane_temperatures_c == {0: 21.0}
    assert parsed.cell_voltages_v == {(1, 2): 3.31, (3, 4): 3.35}
    assert parsed.cell_temperatures_c == {(1, 2): 19.0}
    assert parsed.pylontech == {"pylontechMaxCellTemperature": 25.0}
    assert parsed.text("socUsable") is None
    assert parsed.number("actualState") is None


def test_telemetry_tolerance() -> None:
    parsed = Telemetry.from_json(
        [
            None,
            {"measurement": None, "value": 1},
            {"measurement": "x" * 100, "value": 1},
            record("socUsable", 101),
            record("gridPower", "NaN"),
            record("batteryPower", 10**400),
            record("actualState", "Z" * 100),
            {"measurement": "aux1Power", "value": -5, "timestamp": "junk"},
        ]
    )
    assert parsed.soc_pct is None
    assert parsed.values["gridPower"] is None
    assert parsed.battery_power_w is None
    assert parsed.actual_state is None
    assert parsed.solar_power_w == 5.0
    assert parsed.home_power_w is None
    assert parsed.max_charge_power_w is None
    assert parsed.max_discharge_power_w is None
    bad: Any
    for bad in ({}, None, "x", [], [{"value": 1}]):
        with pytest.raises(InvalidResponseError):
            Telemetry.from_json(bad)


def test_chart_data_both_shapes() -> None:
    records: list[Any] = [
        record("gridPower", 100.0),
        record("batteryPower", 200.0),
        record("aux1Power", -1000.0),
    ]
    flat = {
        "timestamp": "2025-06-02T11:00:30Z",
        "gridPower": -300,
        "batteryPower": -100,
        "aux1Power": None,
    }
    samples = chart_from_json([flat, records, {"gridPower": 1}, 5, [None]])
    assert samples == [
        ChartSample(
            datetime.fromtimestamp(1748862000, UTC), 100.0, -200.0, 1000.0, 900.0
        ),
        ChartSample(
            datetime(2025, 6, 2, 11, 0, 30, tzinfo=UTC), -300.0, 100.0, None, 0.0
        ),
    ]
    assert chart_from_json({"data": []}) == []
    assert chart_from_json(None) == []
    with pytest.raises(InvalidResponseError):
        chart_from_json({"x": 1})


def test_data_row_is_frozen() -> None:
    (parsed,) = rows_from_json(DATA)
    with pytest.raises(AttributeError):
        parsed.soc_pct = 1.0  # type: ignore[misc]
    assert isinstance(parsed, DataRow)


def test_error_bodies_with_status_200_raise() -> None:
    """`{"message": ...}` instead of the answer is an error, not "no data"."""
    error = {"message": "Internal server error"}
    for parse in (rows_from_json, units_from_json, overrides_from_json):
        with pytest.raises(InvalidResponseError, match="Internal server error"):
            parse(error)
    with pytest.raises(InvalidResponseError, match="no 'data'"):
        rows_from_json({})
    assert overrides_from_json({}) == []  # no overrides may be an empty object
