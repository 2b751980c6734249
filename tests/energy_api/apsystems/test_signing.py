"""Request signing (manual §2.2): last path segment, ms timestamp, HMAC-SHA256, Base64."""

import base64
import hashlib
import hmac
import re

from energy_api.apsystems.signing import (
    request_path,
    signature,
    signed_headers,
    string_to_sign,
)

# Computed once with `openssl dgst -sha256 -hmac abcdefghijkl -binary | base64`.
VECTOR_SECRET = "abcdefghijkl"
VECTOR_TEXT = (
    "1700000000000/0123456789abcdef0123456789abcdef/app/AZ12649A3DFF/GET/HmacSHA256"
)
VECTOR_SIGNATURE = "X9au8X+A8p1GzWMgy8ChxusekiZpfC1FjA5akdbzwWo="


def test_fixed_vector() -> None:
    assert signature(VECTOR_SECRET, VECTOR_TEXT) == VECTOR_SIGNATURE
    assert (
        string_to_sign(
            "1700000000000",
            "0123456789abcdef0123456789abcdef",
            "app",
            "/user/api/v2/systems/details/AZ12649A3DFF",
        )
        == VECTOR_TEXT
    )


def test_request_path_is_the_last_segment_without_query() -> None:
    assert request_path("/user/api/v2/systems/summary/AZ12649A3DFF") == "AZ12649A3DFF"
    assert (
        request_path("/user/api/v2/systems/energy/SID1?energy_level=hourly") == "SID1"
    )
    assert request_path("/a/b/uid/") == "uid"
    assert request_path("plain") == "plain"


def test_signed_headers_match_an_independent_computation() -> None:
    app_id = "0123456789abcdef0123456789abcdef"
    secret = "s3cr3tS3cr3t"
    path = "/user/api/v2/systems/sid1/devices/inverter/energy/703000000001"
    headers = signed_headers(app_id, secret, path, now=1_700_000_000.1234)
    assert headers["X-CA-AppId"] == app_id
    assert headers["X-CA-Timestamp"] == "1700000000123"
    assert re.fullmatch(r"[0-9a-f]{32}", headers["X-CA-Nonce"])
    assert headers["X-CA-Signature-Method"] == "HmacSHA256"
    text = f"1700000000123/{headers['X-CA-Nonce']}/{app_id}/703000000001/GET/HmacSHA256"
    expected = base64.b64encode(
        hmac.new(secret.encode(), text.encode(), hashlib.sha256).digest()
    ).decode()
    assert headers["X-CA-Signature"] == expected


def test_every_call_has_a_fresh_nonce_and_a_given_one_is_kept() -> None:
    first = signed_headers("a", "b", "/x/y", now=1.0)
    second = signed_headers("a", "b", "/x/y", now=1.0)
    assert first["X-CA-Nonce"] != second["X-CA-Nonce"]
    assert first["X-CA-Signature"] != second["X-CA-Signature"]
    fixed = signed_headers(
        "app",
        VECTOR_SECRET,
        "/s/AZ12649A3DFF",
        now=1_700_000_000,
        nonce="0123456789abcdef0123456789abcdef",
    )
    assert fixed["X-CA-Signature"] == VECTOR_SIGNATURE
