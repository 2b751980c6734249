"""Redaction of secrets in data and text."""

from energy_api.redact import REDACTED, redact_data, redact_text, redact_values


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
