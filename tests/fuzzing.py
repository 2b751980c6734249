"""What the parsers' fuzz tests share: settings, JSON strategies, value checks."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import is_dataclass
from datetime import datetime
import math
from typing import Any

from hypothesis import settings, strategies as st
import pytest

from energy_api.errors import InvalidResponseError

# Hypothesis's own warning on Python 3.14, about its internal random generator.
IGNORE_RANDOM_WARNING = pytest.mark.filterwarnings(
    "ignore:It looks like `register_random`"
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
)


def derandomized(max_examples: int) -> settings:
    """Return settings giving the same examples on every run (CI must not be flaky)."""
    return settings(
        max_examples=max_examples, deadline=None, database=None, derandomize=True
    )


def object_keys(
    odd_text: st.SearchStrategy[str], keys: st.SearchStrategy[str] | None
) -> st.SearchStrategy[str]:
    """Return `keys`, by default short text or odd text."""
    return st.text(max_size=6) | odd_text if keys is None else keys


def json_values(
    odd_numbers: st.SearchStrategy[Any],
    odd_text: st.SearchStrategy[str],
    keys: st.SearchStrategy[str] | None = None,
    *,
    max_list: int = 5,
    max_leaves: int = 14,
) -> st.SearchStrategy[Any]:
    """Return any JSON document whose leaves are also odd numbers and text."""
    keys = object_keys(odd_text, keys)
    return st.recursive(
        SCALARS | odd_numbers | odd_text,
        lambda inner: (
            st.lists(inner, max_size=max_list)
            | st.dictionaries(keys, inner, max_size=4)
        ),
        max_leaves=max_leaves,
    )


def field_values(
    odd_numbers: st.SearchStrategy[Any],
    odd_text: st.SearchStrategy[str],
    json: st.SearchStrategy[Any],
    keys: st.SearchStrategy[str] | None = None,
    *,
    lists: Sequence[st.SearchStrategy[Any]] = (),
) -> st.SearchStrategy[Any]:
    """Return one field's value: as likely odd as ordinary, a container as a scalar.

    `lists` come between the scalars and the containers of `json`.
    """
    return st.one_of(
        odd_numbers,
        odd_text,
        SCALARS,
        *lists,
        st.lists(json, max_size=4),
        st.dictionaries(object_keys(odd_text, keys), json, max_size=4),
    )


def check_sane(
    value: Any, max_magnitude: float, check_model: Callable[[Any], None]
) -> None:
    """Assert numbers finite and sane and times aware, in lists and dicts too.

    A dataclass goes to `check_model`.
    """
    if isinstance(value, float):
        assert math.isfinite(value)
        assert abs(value) <= max_magnitude
    elif isinstance(value, datetime):
        assert value.tzinfo is not None
    elif isinstance(value, list | tuple):
        for item in value:
            check_sane(item, max_magnitude, check_model)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_sane(key, max_magnitude, check_model)
            check_sane(item, max_magnitude, check_model)
    elif is_dataclass(value):
        check_model(value)


def parse_with(
    parsers: Iterable[Callable[[Any], Any]], check: Callable[[Any], None], data: Any
) -> None:
    """Give `data` to every parser; `check` what each returns unless it is invalid."""
    for parse in parsers:
        try:
            parsed = parse(data)
        except InvalidResponseError:
            continue
        check(parsed)
