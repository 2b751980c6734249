"""Request signing: HMAC-SHA256 over timestamp, nonce, App Id and the path's last segment."""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid

from .const import (
    HEADER_APP_ID,
    HEADER_NONCE,
    HEADER_SIGNATURE,
    HEADER_SIGNATURE_METHOD,
    HEADER_TIMESTAMP,
    SIGNATURE_METHOD,
)


def request_path(path: str) -> str:
    """Return what is signed of a path: its last segment, without any query string."""
    return path.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


def string_to_sign(
    timestamp: str, nonce: str, app_id: str, path: str, method: str = "GET"
) -> str:
    """Return `timestamp/nonce/app_id/<last path segment>/METHOD/HmacSHA256`."""
    return "/".join(
        (timestamp, nonce, app_id, request_path(path), method.upper(), SIGNATURE_METHOD)
    )


def signature(app_secret: str, text: str) -> str:
    """Return the standard Base64 of the raw HMAC-SHA256 digest of `text`."""
    digest = hmac.new(
        app_secret.encode("utf-8"), text.encode("utf-8"), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode("ascii")


def signed_headers(
    app_id: str,
    app_secret: str,
    path: str,
    *,
    now: float,
    nonce: str | None = None,
    method: str = "GET",
) -> dict[str, str]:
    """Return the five `X-CA-*` headers for one attempt at `now` (Unix seconds).

    The timestamp is in milliseconds; the nonce is a fresh `uuid4().hex` unless given.
    """
    timestamp = str(int(now * 1000))
    nonce = nonce or uuid.uuid4().hex
    return {
        HEADER_APP_ID: app_id,
        HEADER_TIMESTAMP: timestamp,
        HEADER_NONCE: nonce,
        HEADER_SIGNATURE_METHOD: SIGNATURE_METHOD,
        HEADER_SIGNATURE: signature(
            app_secret, string_to_sign(timestamp, nonce, app_id, path, method)
        ),
    }
