"""The shared tolerant readers: unusable values are None, wrong structure raises."""

from collections.abc import Callable
import math
from typing import Any

from hypothesis import example, given, settings, strategies as st
import pytest

from energy_api import parsing
from energy_api.errors import InvalidResponseError
from energy_api.parsing import integer, json_list, json_object, number, text

# Hypothesis's own warning on Python 3.14, about its internal random generator.
pytestmark = pytest.mark.filterwarnings("ignore:It looks like `register_random`")

# The same examples on every run (CI must not be flaky).
FUZZ = settings(max_examples=200, deadline=None, database=None, derandomize=True)

# Any scalar, numeric strings, the readers' edge cases; and lists and objects of them.
EDGES = st.sampled_from(
    [10**400, 2**1024, 1e300, math.nan, -math.inf, -0.0, "", " ", "nan", "1e999"]
)
SCALAR = st.one_of(
    EDGES,
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=12),
    st.from_regex(parsing.NUMBER_TEXT, fullmatch=True),
)
JSON = st.recursive(
    SCALAR, lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner)
)
LIMITS = st.sampled_from([math.inf, 1e9, 0.0])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (7, 7.0),
        (0.25, 0.25),
        (1e300, 1e300),
        (-(2**80), -float(2**80)),
        (None, None),
        (True, None),
        (False, None),
        ("12.5", None),
        ("", None),
        (math.nan, None),
        (math.inf, None),
        (-math.inf, None),
        (10**400, None),
        ([1], None),
        ({"value": 1}, None),
    ],
)
def test_number_reads_json_numbers(value: Any, expected: float | None) -> None:
    assert number(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12.5", 12.5),
        (" 567.23 ", 567.23),
        ("-3", -3.0),
        ("+.5", 0.5),
        ("1.", 1.0),
        ("1e3", 1000.0),
        ("9" * 64, float("9" * 64)),
        ("", None),
        (" ", None),
        ("-", None),
        ("nan", None),
        ("NaN", None),
        ("inf", None),
        ("1e999", None),
        ("1e1000", None),
        ("1_000", None),
        ("1,5", None),
        ("0x10", None),
        ("\N{ARABIC-INDIC DIGIT THREE}", None),
        ("9" * 65, None),
        (True, None),
        (None, None),
    ],
)
def test_number_reads_numeric_strings(value: Any, expected: float | None) -> None:
    assert number(value, numeric_strings=True) == expected


def test_number_limit() -> None:
    assert number(1e9, limit=1e9) == 1e9
    assert number(-1e9, limit=1e9) == -1e9
    assert number(1e9 + 1, limit=1e9) is None
    assert number("-2e9", limit=1e9, numeric_strings=True) is None
    assert number(1e300) == 1e300  # no limit by default


def test_number_is_a_float_keeping_the_sign_of_zero() -> None:
    assert type(number(7)) is float
    assert str(number(-0.0)) == "-0.0"
    assert str(number("-0", numeric_strings=True)) == "-0.0"


def test_integer() -> None:
    assert integer(1) == 1
    assert integer(2.0) == 2
    assert type(integer(2.0)) is int
    assert integer(2.5) is None
    assert integer(value=True) is None
    assert integer(None) is None
    assert integer(math.nan) is None
    assert integer(1e300) == int(1e300)
    assert integer(10**400) is None
    # An int is returned exactly, not through a float.
    assert integer(2**63 + 1) == 2**63 + 1
    assert integer("1") is None
    assert integer(" 1 ", numeric_strings=True) == 1
    assert integer("1.0", numeric_strings=True) == 1
    assert integer("1.5", numeric_strings=True) is None
    assert integer(10**9 + 1, limit=1e9) is None
    assert integer(-(10**9), limit=1e9) == -(10**9)


def test_text() -> None:
    assert text(" A1 ") == "A1"
    assert text(216000012345) == "216000012345"
    assert text(-7) == "-7"
    assert text(10**30 - 1) == "9" * 30
    assert text(10**30) is None
    assert text(-(10**30)) is None
    assert text("") is None
    assert text("  ") is None
    assert text(value=True) is None
    assert text(1.5) is None
    assert text(None) is None
    assert text(["a"]) is None


def test_text_max_length_counts_before_stripping() -> None:
    assert text("x" * 1000) == "x" * 1000  # no limit by default
    assert text(" abc ", max_length=5) == "abc"
    assert text(" abc  ", max_length=5) is None
    assert text(10**20, max_length=5) == str(10**20)  # whole numbers are not cut


def test_json_object() -> None:
    data = {"a": 1}
    assert json_object(data, "thing") is data
    assert json_object({}, "thing") == {}
    with pytest.raises(
        InvalidResponseError, match=r"^thing: expected a JSON object, got list$"
    ):
        json_object([data], "thing")
    with pytest.raises(InvalidResponseError, match="got NoneType"):
        json_object(None, "thing")
    with pytest.raises(InvalidResponseError, match="got str"):
        json_object("", "thing")


def test_json_list() -> None:
    data = [1, None]
    assert json_list(data, "things") is data
    empty: list[Any] = []
    assert json_list(empty, "things") is empty
    assert json_list(None, "things") == []
    assert json_list("", "things") == []
    with pytest.raises(
        InvalidResponseError, match=r"^things: expected a JSON list, got dict$"
    ):
        json_list({"a": [1]}, "things")
    for wrong, kind in ((0, "int"), (False, "bool"), (" ", "str"), ((1,), "tuple")):
        with pytest.raises(InvalidResponseError, match=f"got {kind}$"):
            json_list(wrong, "things")


@FUZZ
@given(value=JSON, limit=LIMITS, numeric_strings=st.booleans())
@example(value="9" * 500, limit=math.inf, numeric_strings=True)
@example(value=10**400, limit=math.inf, numeric_strings=False)
def test_scalar_readers_never_raise(
    value: Any, limit: float, numeric_strings: bool
) -> None:
    read = number(value, limit=limit, numeric_strings=numeric_strings)
    assert read is None or (type(read) is float and abs(read) <= limit)
    assert read is None or math.isfinite(read)
    whole = integer(value, limit=limit, numeric_strings=numeric_strings)
    assert whole is None or (type(whole) is int and abs(whole) <= limit)
    for found in (text(value), text(value, max_length=8)):
        assert found is None or (found and found == found.strip())


def read_or_error(
    read: Callable[[Any, str], Any], value: Any
) -> Any | InvalidResponseError:
    """Return what `read` returns, or the `InvalidResponseError` it raises."""
    try:
        return read(value, "what")
    except InvalidResponseError as err:
        return err


@FUZZ
@given(value=JSON)
@example(value="")
@example(value=0)
def test_structure_readers_raise_only_invalid_response(value: Any) -> None:
    found = read_or_error(json_object, value)
    if isinstance(value, dict):
        assert found is value
    else:
        assert isinstance(found, InvalidResponseError)
        assert str(found) == f"what: expected a JSON object, got {type(value).__name__}"
    found = read_or_error(json_list, value)
    if isinstance(found, InvalidResponseError):
        assert str(found) == f"what: expected a JSON list, got {type(value).__name__}"
    else:
        assert found == (value or [])
