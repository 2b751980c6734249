"""Signature checks as the EMA server does them (reference section 1.2)."""

from __future__ import annotations

import base64
from collections.abc import Mapping
import hashlib
import hmac

from .wire import BAD_REQUEST, ApiError

HEADER_APP_ID = "X-CA-AppId"
HEADER_TIMESTAMP = "X-CA-Timestamp"
HEADER_NONCE = "X-CA-Nonce"
HEADER_SIGNATURE_METHOD = "X-CA-Signature-Method"
HEADER_SIGNATURE = "X-CA-Signature"
DIGESTS = {"HmacSHA256": hashlib.sha256, "HmacSHA1": hashlib.sha1}
MS_DIGITS = 13


def last_segment(path: str) -> str:
    """Return what the server signs of a path: its last segment."""
    return path.rsplit("/", 1)[-1]


def check_signature(
    headers: Mapping[str, str],
    method: str,
    path: str,
    secret: str,
    *,
    now: float,
    max_skew: float,
) -> None:
    """Raise ApiError 4000 unless the request is signed with `secret` within `max_skew`.

    The signed text is `timestamp/nonce/appId/<last path segment>/METHOD/<method>`;
    the timestamp is in milliseconds (13 digits; 10-digit seconds fail), the
    method `HmacSHA256` or `HmacSHA1`, the signature the Base64 of the raw HMAC.
    """
    timestamp = headers.get(HEADER_TIMESTAMP, "")
    nonce = headers.get(HEADER_NONCE, "")
    name = headers.get(HEADER_SIGNATURE_METHOD, "")
    digest = DIGESTS.get(name)
    in_ms = timestamp.isascii() and timestamp.isdigit() and len(timestamp) >= MS_DIGITS
    if digest is None or not nonce or not in_ms:
        raise ApiError(BAD_REQUEST)
    if abs(int(timestamp) / 1000 - now) > max_skew:
        raise ApiError(BAD_REQUEST)
    app_id = headers.get(HEADER_APP_ID, "")
    text = f"{timestamp}/{nonce}/{app_id}/{last_segment(path)}/{method}/{name}"
    expected = base64.b64encode(
        hmac.new(
            secret.encode(), text.encode("utf-8", "surrogatepass"), digest
        ).digest()
    )
    given = headers.get(HEADER_SIGNATURE, "").encode("utf-8", "surrogatepass")
    if not hmac.compare_digest(expected, given):
        raise ApiError(BAD_REQUEST)
