"""Any JSON in any field parses, or raises `InvalidResponseError`: nothing else escapes."""

from collections.abc import Callable
from dataclasses import fields, is_dataclass
from datetime import UTC, date, datetime
import math
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import example, given, settings, strategies as st
import pytest

from energy_api.apsystems import (
    BatchEnergy,
    BatchPower,
    EcuMinutely,
    EnergySummary,
    InverterMinutely,
    InverterSummary,
    MeterPeriod,
    MeterSummary,
    StorageLatest,
    StoragePeriod,
    StorageSummary,
    SystemDetails,
)
from energy_api.apsystems.models import (
    MAX_MAGNITUDE,
    channel_energy_from_json,
    ecus_from_json,
    energy_from_json,
    meters_from_json,
)
from energy_api.errors import InvalidResponseError

# Hypothesis's own warning on Python 3.14, about its internal random generator.
pytestmark = pytest.mark.filterwarnings("ignore:It looks like `register_random`")

# The same examples on every run (CI must not be flaky).
FUZZ = settings(max_examples=40, deadline=None, database=None, derandomize=True)

LONDON = ZoneInfo("Europe/London")
DAY = date(2025, 10, 26)  # a day with a repeated hour in London
NOW = datetime(2025, 10, 26, 0, 10, tzinfo=LONDON)

ODD_NUMBERS = st.sampled_from(
    [10**400, -(10**400), 2**1024, 1e300, math.nan, math.inf, -math.inf, 1e9 + 1, -0.0]
)
ODD_TEXT = st.sampled_from(
    [
        "",
        "-",
        "NaN",
        "inf",
        "1e999",
        "1.24",
        " 7 ",
        "1_000",
        "\N{ARABIC-INDIC DIGIT THREE}",
        "9" * 500,
        "08:15",
        "24:00",
        "25:00",
        "01:30",
        "1:5",
        "2025-10-26 01:30:00",
        "2025-13-01",
        "703000000001-1",
        "703000000001-2-1.5",
        "a-b-c",
        "Europe/London",
        "../x",
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
    st.lists(SCALARS | ODD_NUMBERS | ODD_TEXT, max_size=6),
    st.lists(JSON, max_size=4),
    st.dictionaries(st.text(max_size=6) | ODD_TEXT, JSON, max_size=4),
)

TERMS = ["discharge", "charge", "produced", "consumed", "exported", "imported"]
PERIODS = ["today", "month", "year", "lifetime"]
CHANNEL_KEYS = [
    f"{kind}{n}"
    for kind in ("d", "m", "y", "t", "e", "ac_v", "dc_p", "dc_i", "dc_v", "dc_e")
    for n in (1, 2, 4)
]
KEYS: dict[str, list[str]] = {
    "details": ["sid", "create_date", "capacity", "type", "timezone", "ecu", "light"],
    "ecu": ["eid", "type", "timezone", "inverter", "model", "capacity", "uid"],
    "minutely": ["t", "time", "energy", "power", "today", "ac_p1", "ac_p", "ac_f"],
    "channels": [*CHANNEL_KEYS, "ac_t", "t", "time"],
    "batch": ["time", "power", "energy"],
    "totals": [*PERIODS, *TERMS, "time", "power", "energy", "mode", "soc"],
}


def objects(names: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Objects with any of `names`, each with any value (nested totals too)."""
    inner = st.fixed_dictionaries({}, optional=dict.fromkeys(TERMS, VALUE))
    values = dict.fromkeys(names, VALUE | inner)
    return st.fixed_dictionaries({}, optional=values)


PARSERS: list[Callable[[Any], Any]] = [
    lambda data: SystemDetails.from_json(data, "SID"),
    ecus_from_json,
    meters_from_json,
    energy_from_json,
    channel_energy_from_json,
    EnergySummary.from_json,
    lambda data: EcuMinutely.from_json(data, DAY, LONDON),
    lambda data: InverterMinutely.from_json(data, DAY, LONDON),
    lambda data: BatchPower.from_json(data, DAY, UTC),
    BatchEnergy.from_json,
    MeterSummary.from_json,
    MeterPeriod.from_json,
    InverterSummary.from_json,
    lambda data: StorageLatest.from_json(data, NOW),
    StorageSummary.from_json,
    StoragePeriod.from_json,
]


def check_value(value: Any) -> None:
    """Numbers are finite and sane, times aware, series as long as their times."""
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
        times = getattr(value, "times", None)
        for spec in fields(value):
            item = getattr(value, spec.name)
            check_value(item)
            if times is not None and spec.name != "times":
                series = item.values() if isinstance(item, dict) else [item]
                for one in series:
                    if isinstance(one, tuple):
                        assert len(one) == len(times), spec.name


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
@given(data=objects(KEYS["details"] + KEYS["ecu"]))
@example({"ecu": ["1-2-3", 10**400, "-"], "capacity": "1e999", "timezone": "../x"})
def test_details_and_ecu_fields(data: dict[str, Any]) -> None:
    parse_all(data)
    parse_all([data, {"eid": "1", "inverter": [data]}])


@FUZZ
@given(data=objects(KEYS["minutely"] + KEYS["channels"]))
@example({"time": ["01:30", "01:00", "24:00", 5], "energy": [math.nan, "1", None]})
@example({"t": ["08:15"], "ac_p1": [], "ac_p": [10**400], "dc_p1": ["-"]})
def test_minutely_fields(data: dict[str, Any]) -> None:
    parse_all(data)


@FUZZ
@given(data=objects(KEYS["batch"]))
@example({"time": ["08:15"], "power": {"7-1": [1], "7-2": "x"}})
@example({"energy": ["7-1-", "7-1-NaN", "7-99-1", "x"]})
def test_batch_fields(data: dict[str, Any]) -> None:
    parse_all(data)


@FUZZ
@given(data=objects(KEYS["totals"]))
@example({"today": {"charge": math.inf}, "time": "23:59", "soc": "97"})
def test_totals_and_period_fields(data: dict[str, Any]) -> None:
    parse_all(data)
