"""Any JSON in any field parses, or raises `InvalidResponseError`: nothing else escapes."""

from collections.abc import Callable
from dataclasses import fields
from datetime import UTC, date, datetime
from functools import partial
import math
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import example, given, strategies as st

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
from tests import fuzzing

pytestmark = fuzzing.IGNORE_RANDOM_WARNING

FUZZ = fuzzing.derandomized(40)

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
JSON = fuzzing.json_values(ODD_NUMBERS, ODD_TEXT)
VALUE = fuzzing.field_values(
    ODD_NUMBERS,
    ODD_TEXT,
    JSON,
    lists=[st.lists(fuzzing.SCALARS | ODD_NUMBERS | ODD_TEXT, max_size=6)],
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
    fuzzing.check_sane(value, MAX_MAGNITUDE, check_model)


def check_model(value: Any) -> None:
    """Every field is sane; every series is as long as the model's times."""
    times = getattr(value, "times", None)
    for spec in fields(value):
        item = getattr(value, spec.name)
        check_value(item)
        if times is not None and spec.name != "times":
            series = item.values() if isinstance(item, dict) else [item]
            for one in series:
                if isinstance(one, tuple):
                    assert len(one) == len(times), spec.name


parse_all = partial(fuzzing.parse_with, PARSERS, check_value)


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
