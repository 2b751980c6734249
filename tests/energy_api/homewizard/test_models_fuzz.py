"""Any JSON value in any field parses, or raises `InvalidResponseError`: nothing else."""

from collections.abc import Callable
from dataclasses import fields
import math
from typing import Any

from hypothesis import example, given, settings, strategies as st

from energy_api.errors import InvalidResponseError
from energy_api.homewizard import Batteries, Device, ExternalMeter, Measurement, System
from tests import fuzzing

pytestmark = fuzzing.IGNORE_RANDOM_WARNING

# About 300 examples in all, the same on every run (CI must not be flaky); the
# strategies aim at the edges and `@example` pins the defects found before.
FUZZ = fuzzing.derandomized(50)

ODD_NUMBERS = st.sampled_from(
    [10**400, -(10**400), 2**1024, 10**300, math.nan, math.inf, -math.inf, 1e308, -0.0]
)
# Digits to str.isdigit() that int() refuses (superscript two), or reads (Arabic-Indic
# three, double-struck two), a part longer than int() converts, a numeral (Roman 12).
ODD_TEXT = st.sampled_from(
    [
        "\N{SUPERSCRIPT TWO}",
        "2.\N{SUPERSCRIPT TWO}",
        "\N{ARABIC-INDIC DIGIT THREE}.0.0",
        "2." + "9" * 5000,
        "\N{MATHEMATICAL DOUBLE-STRUCK DIGIT TWO}.3",
        "",
        "\N{ROMAN NUMERAL TWELVE}",
    ]
)
# Lists and objects of anything, so also unhashable entries (lists of objects).
JSON = fuzzing.json_values(
    ODD_NUMBERS, ODD_TEXT, st.text(max_size=6), max_list=4, max_leaves=12
)
VALUE = fuzzing.field_values(ODD_NUMBERS, ODD_TEXT, JSON, st.text(max_size=6))


def objects(
    names: list[str], **required: st.SearchStrategy[Any]
) -> st.SearchStrategy[dict[str, Any]]:
    """Objects with the `required` keys and any others of `names`, each with any value.

    The required keys make the parser read the rest; `test_whole_objects` varies them.
    """
    optional = {name: VALUE for name in names if name not in required}
    return st.fixed_dictionaries(required, optional=optional)


MEASUREMENT_FIELDS = [f.name for f in fields(Measurement) if f.name != "unknown"]
SYSTEM_FIELDS = [f.name for f in fields(System)]
BATTERIES_FIELDS = [f.name for f in fields(Batteries)]
DEVICE_FIELDS = [f.name for f in fields(Device)]
EXTERNAL_FIELDS = [f.name for f in fields(ExternalMeter)]


def parses_or_is_invalid[T](parse: Callable[[Any], T], data: Any) -> T | None:
    """Return what `parse` makes of `data`, or None if it raised InvalidResponseError."""
    try:
        return parse(data)
    except InvalidResponseError:
        return None


def assert_numbers_finite(model: Any) -> None:
    """Every number a model keeps is finite (NaN, infinities and 10**400 are absent)."""
    for spec in fields(model):
        value = getattr(model, spec.name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            assert math.isfinite(value), spec.name


def check_measurement(data: Any) -> None:
    measurement = parses_or_is_invalid(Measurement.from_json, data)
    if measurement is not None:
        assert_numbers_finite(measurement)
        for meter in measurement.external or ():
            assert_numbers_finite(meter)


def check_device(data: Any) -> None:
    device = parses_or_is_invalid(Device.from_json, data)
    if device is not None:
        assert device.identity.startswith("appliance/")
        device.api_at_least("2.2.0")
        Device.from_json({**data, "api_version": "2.2.0"}).api_at_least(
            device.api_version
        )


def check_system(data: Any) -> None:
    system = parses_or_is_invalid(System.from_json, data)
    if system is not None:
        assert_numbers_finite(system)
        strength = system.wifi_strength_pct
        assert strength is None or 0 <= strength <= 100


def check_batteries(data: Any) -> None:
    batteries = parses_or_is_invalid(Batteries.from_json, data)
    if batteries is not None:
        assert_numbers_finite(batteries)
        assert batteries.known_mode is None or batteries.known_mode == batteries.mode


@FUZZ
@given(data=objects([*MEASUREMENT_FIELDS, "unknown"]))
@example({"power_w": 10**400, "voltage_v": math.nan, "cycles": math.inf})
@example({"external": 1, "tariff": -math.inf, "unique_id": [{}]})
def test_measurement_fields(data: dict[str, Any]) -> None:
    check_measurement(data)


@FUZZ
@given(
    data=objects(
        EXTERNAL_FIELDS,
        unique_id=st.just("A1"),
        type=st.just("gas_meter"),
    )
)
@example({"unique_id": "A1", "type": "gas_meter", "value": 10**400})
def test_external_meter_fields(data: dict[str, Any]) -> None:
    parsed = ExternalMeter.from_json(data)
    if parsed is not None:
        assert_numbers_finite(parsed)
    check_measurement({"external": [data, *data.values()]})


@FUZZ
@given(
    data=objects(
        DEVICE_FIELDS,
        product_type=st.just("HWE-P1"),
        serial=st.just("5c2fafaabbcc"),
    )
)
@example(
    {"product_type": "HWE-P1", "serial": "aa", "api_version": "2.\N{SUPERSCRIPT TWO}"}
)
def test_device_fields(data: dict[str, Any]) -> None:
    check_device(data)


@FUZZ
@given(data=objects(SYSTEM_FIELDS))
@example({"wifi_rssi_db": math.nan, "uptime_s": 10**400})
def test_system_fields(data: dict[str, Any]) -> None:
    check_system(data)


@FUZZ
@given(data=objects(BATTERIES_FIELDS))
@example({"permissions": [{"a": 1}], "battery_count": math.inf})
def test_batteries_fields(data: dict[str, Any]) -> None:
    check_batteries(data)


KNOWN_KEYS = st.sampled_from(
    sorted({*MEASUREMENT_FIELDS, *SYSTEM_FIELDS, *BATTERIES_FIELDS, *DEVICE_FIELDS})
)


@settings(max_examples=60, deadline=None, database=None, derandomize=True)
@given(data=JSON | st.dictionaries(KNOWN_KEYS | st.text(max_size=6), VALUE, max_size=8))
def test_whole_objects(data: Any) -> None:
    check_measurement(data)
    check_system(data)
    check_batteries(data)
    if isinstance(data, dict):
        check_device(data)
    else:
        parses_or_is_invalid(Device.from_json, data)
    parsed = ExternalMeter.from_json(data)
    if parsed is not None:
        assert_numbers_finite(parsed)
