"""Tolerant readers of decoded JSON, shared by the vendors' models.

A value of the wrong type or an unusable one (NaN, 10**400, "-") reads as None.
Only a payload whose structure is wrong raises `InvalidResponseError`.
"""

from __future__ import annotations

import math
import re
from typing import Any

from .errors import InvalidResponseError

# A numeric string: optional sign, digits with an optional point, optional exponent.
NUMBER_TEXT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?", re.ASCII)
# Longer numeric strings (after stripping) are not read.
MAX_NUMBER_TEXT = 64
# Whole numbers of this magnitude or more are not written out as text.
_MAX_WHOLE_TEXT = 10**30


def number(
    value: Any, *, limit: float = math.inf, numeric_strings: bool = False
) -> float | None:
    """Return a JSON number (not a bool) as a finite float of magnitude <= `limit`.

    With `numeric_strings`, a numeric string such as " 1.5e3 " is read too.
    Anything else (NaN, infinities, 10**400, "nan", "1_000") is None.
    """
    if isinstance(value, str):
        if not numeric_strings:
            return None
        stripped = value.strip()
        if len(stripped) > MAX_NUMBER_TEXT or not NUMBER_TEXT.fullmatch(stripped):
            return None
        value = float(stripped)
    elif isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        result = float(value)
    except OverflowError:
        return None
    if not math.isfinite(result) or abs(result) > limit:
        return None
    return result


def integer(
    value: Any, *, limit: float = math.inf, numeric_strings: bool = False
) -> int | None:
    """Return a whole number (1, 1.0, or "1" with `numeric_strings`) that `number` reads.

    An int is returned exactly, not through a float; anything else is None.
    """
    result = number(value, limit=limit, numeric_strings=numeric_strings)
    if result is None or not result.is_integer():
        return None
    return int(value) if isinstance(value, int) else int(result)


def text(value: Any, *, max_length: int | None = None) -> str | None:
    """Return a non-empty stripped string, or an int (not a bool) written out.

    A string longer than `max_length` before stripping, an int of 31 digits or
    more, and anything else are None.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value) if abs(value) < _MAX_WHOLE_TEXT else None
    if isinstance(value, str) and (max_length is None or len(value) <= max_length):
        return value.strip() or None
    return None


def json_object(data: Any, what: str) -> dict[str, Any]:
    """Return `data` if it is a JSON object; else raise `InvalidResponseError`."""
    if not isinstance(data, dict):
        raise InvalidResponseError(
            f"{what}: expected a JSON object, got {type(data).__name__}"
        )
    return data


def json_list(value: Any, what: str) -> list[Any]:
    """Return `value` if it is a list, null or "" as an empty one; else raise `InvalidResponseError`."""
    if value is None or value == "":
        return []
    if not isinstance(value, list):
        raise InvalidResponseError(
            f"{what}: expected a JSON list, got {type(value).__name__}"
        )
    return value
