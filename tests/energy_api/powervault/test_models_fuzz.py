"""Any JSON in any field parses, or raises `InvalidResponseError`: nothing else escapes."""

from collections.abc import Callable
from dataclasses import fields
from functools import partial
import math
from typing import Any

from hypothesis import example, given, strategies as st

from energy_api.powervault import Account, Schedule, Telemetry, Unit
from energy_api.powervault.models import (
    FLOW_KEYS,
    MAX_MAGNITUDE,
    chart_from_json,
    override_from_json,
    overrides_from_json,
    rows_from_json,
    units_from_json,
)
from tests import fuzzing

pytestmark = fuzzing.IGNORE_RANDOM_WARNING

FUZZ = fuzzing.derandomized(60)

ODD_NUMBERS = st.sampled_from(
    [
        10**400,
        -(10**400),
        2**1024,
        1e300,
        math.nan,
        math.inf,
        -math.inf,
        1e10 + 1,
        -0.0,
        1e14,
        1.7e12,
    ]
)
ODD_TEXT = st.sampled_from(
    [
        "",
        "-",
        "NaN",
        "inf",
        "1e999",
        "12.5",
        " 7 ",
        "\N{ARABIC-INDIC DIGIT THREE}",
        "9" * 500,
        "07:00",
        "24:00",
        "25:00",
        "06:59:59",
        "2025-06-02 11:00:00",
        "2025-06-02T11:00:00Z",
        "0001-01-01T00:00:00+05:00",
        "9999-12-31T23:59:59-05:00",
        "2025-13-01",
        "normal",
        "force-charge",
        "monday",
        "<html>",
    ]
)
JSON = fuzzing.json_values(ODD_NUMBERS, ODD_TEXT)
VALUE = fuzzing.field_values(ODD_NUMBERS, ODD_TEXT, JSON)

ROW_KEYS = [
    "time",
    "instant_soc",
    "instant_battery",
    "instant_demand",
    "instant_grid",
    "instant_solar",
    *FLOW_KEYS.values(),
]
RECORD_KEYS = ["measurement", "value", "timestamp", "created_at", "unit", "id"]
MEASUREMENTS = [
    "socUsable",
    "gridPower",
    "batteryPower",
    "aux1Power",
    "actualState",
    "pack1Temperature",
    "string1cell2Voltage",
    "pylontechAvgCellTemperature",
]


def objects(
    names: list[str], value: st.SearchStrategy[Any] = VALUE
) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({}, optional=dict.fromkeys(names, value))


ROWS = objects(ROW_KEYS)
SLOTS = objects(["start", "end", "state"])
RECORDS = objects(RECORD_KEYS, VALUE | st.sampled_from(MEASUREMENTS))

PARSERS: list[Callable[[Any], Any]] = [
    Account.from_json,
    Unit.from_json,
    units_from_json,
    rows_from_json,
    Schedule.from_json,
    overrides_from_json,
    override_from_json,
    Telemetry.from_json,
    chart_from_json,
]


def check_value(value: Any) -> None:
    """Numbers are finite and sane, times aware."""
    fuzzing.check_sane(value, MAX_MAGNITUDE, check_model)


def check_model(value: Any) -> None:
    """Every field is sane, and every property of a `Telemetry`."""
    for spec in fields(value):
        check_value(getattr(value, spec.name))
    if isinstance(value, Telemetry):
        for name in dir(Telemetry):
            if isinstance(getattr(Telemetry, name), property):
                check_value(getattr(value, name))


parse_all = partial(fuzzing.parse_with, PARSERS, check_value)


@FUZZ
@given(data=JSON)
def test_any_json(data: Any) -> None:
    parse_all(data)


@FUZZ
@given(rows=st.lists(ROWS | JSON, max_size=4))
@example([{"time": 1e14, "instant_soc": "NaN", "instant_grid": 10**400}])
def test_rows(rows: list[Any]) -> None:
    parse_all({"data": rows})
    parse_all(
        {"customerAccount": rows[0] if rows else None, "unit": rows, "units": rows}
    )


@FUZZ
@given(
    slots=st.lists(SLOTS | JSON, max_size=4),
    day=st.sampled_from(["monday", "Sunday", "x"]),
)
@example(
    [{"start": "0001-01-01T00:00:00+05:00", "end": "24:00", "state": "normal"}],
    "monday",
)
def test_schedule_and_overrides(slots: list[Any], day: str) -> None:
    parse_all({"schedule": {day: slots}})
    parse_all({day: slots})
    parse_all({"stateOverrides": slots})
    parse_all(slots)
    for item in slots:
        parse_all(item)


@FUZZ
@given(records=st.lists(RECORDS | JSON, max_size=6))
@example([{"measurement": "gridPower", "value": "inf", "timestamp": 10**400}])
def test_records(records: list[Any]) -> None:
    parse_all(records)
    parse_all([records, *records])
