"""Redaction of secrets in data and text."""

from typing import Any

from energy_api.redact import (
    MAX_DEPTH,
    REDACTED,
    TRUNCATED,
    redact_data,
    redact_text,
    redact_values,
)


def test_redacts_secret_keys_at_any_depth() -> None:
    data = {
        "Token": "abc",
        "nested": [{"api_key": "k", "value": 3}, ("x", {"X-CA-Signature": "s"})],
        "app_secret": None,
        "name": "meter",
    }
    assert redact_data(data) == {
        "Token": REDACTED,
        "nested": [
            {"api_key": REDACTED, "value": 3},
            ["x", {"X-CA-Signature": REDACTED}],
        ],
        "app_secret": None,
        "name": "meter",
    }
    assert redact_data({"serial": "123"}, keys=["serial"]) == {"serial": REDACTED}
    assert data["Token"] == "abc"


def test_redacts_known_values_in_text() -> None:
    text = "GET /api?token=secret-token-1&sid=AZ12 with secret-token-1"
    assert redact_text(text, ["secret-token-1", None, "", "AZ"]) == (
        f"GET /api?token={REDACTED}&sid=AZ12 with {REDACTED}"
    )
    # The longer secret wins when one contains the other.
    assert redact_text("abcdefgh", ["abcd", "abcdefgh"]) == REDACTED


def test_redacts_known_values_at_any_depth() -> None:
    data = {
        "url": "https://10.0.0.5/api",
        "list": ["a 10.0.0.5", 5, {"x": ("10.0.0.5",)}],
        "n": None,
    }
    assert redact_values(data, ["10.0.0.5", None]) == {
        "url": f"https://{REDACTED}/api",
        "list": [f"a {REDACTED}", 5, {"x": [REDACTED]}],
        "n": None,
    }


def nested(depth: int, leaf: Any) -> Any:
    """Return `leaf` inside `depth` alternating lists and objects."""
    data = leaf
    for level in range(depth):
        data = [data] if level % 2 else {"token": "t", "next": data}
    return data


def test_deep_data_is_truncated_not_recursed() -> None:
    # Far deeper than Python's recursion limit: a hostile or broken device's JSON.
    deep = nested(20_000, "secret-value")
    for redacted in (
        redact_data(deep),
        redact_values(deep, ["secret-value"]),
    ):
        level, inner = 0, redacted
        while isinstance(inner, list | dict):
            inner = inner[0] if isinstance(inner, list) else inner["next"]
            level += 1
        assert inner == TRUNCATED
        assert level == MAX_DEPTH
    # Shallow data is kept whole.
    shallow = nested(MAX_DEPTH, "secret-value")
    assert "secret-value" in repr(redact_values(shallow, []))
    assert redact_data(nested(2, 1)) == [{"token": REDACTED, "next": 1}]
