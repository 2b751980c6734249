"""Any JSON in any field parses, or raises `InvalidResponseError`: nothing else escapes."""

from collections.abc import Callable
from dataclasses import fields, is_dataclass
from datetime import datetime
import math
from typing import Any

from hypothesis import example, given, settings, strategies as st
import pytest

from energy_api.errors import InvalidResponseError
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

pytestmark = pytest.mark.filterwarnings("ignore:It looks like `register_random`")

FUZZ = settings(max_examples=60, deadline=None, database=None, derandomize=True)

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
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
)
JSON = st.recursive(
    SCALARS | ODD_NUMBERS | ODD_TEXT,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.dictionaries(st.text(max_size=6) | ODD_TEXT, inner, max_size=4)
    ),
    max_leaves=14,
)
VALUE = st.one_of(
    ODD_NUMBERS,
    ODD_TEXT,
    SCALARS,
    st.lists(JSON, max_size=4),
    st.dictionaries(st.text(max_size=6) | ODD_TEXT, JSON, max_size=4),
)

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
    if isinstance(value, float):
        assert math.isfinite(value)
        assert abs(value) <= MAX_MAGNITUDE
    elif isinstance(value, datetime):
        assert value.tzinfo is not None
    elif isinstance(value, list | tuple):
        for item in value:
            check_value(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_value(key)
            check_value(item)
    elif is_dataclass(value):
        for spec in fields(value):
            check_value(getattr(value, spec.name))
        if isinstance(value, Telemetry):
            for name in dir(Telemetry):
                if isinstance(getattr(Telemetry, name), property):
                    check_value(getattr(value, name))


def parse_all(data: Any) -> None:
    for parse in PARSERS:
        try:
            parsed = parse(data)
        except InvalidResponseError:
            continue
        check_value(parsed)


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
