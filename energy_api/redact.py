"""Redaction of secrets in logs and diagnostics."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

REDACTED = "**REDACTED**"
# Shorter values are too likely to occur by chance in unrelated text.
MIN_SECRET_LENGTH = 4

SECRET_KEYS: frozenset[str] = frozenset(
    {
        "access_token",
        "api_key",
        "apikey",
        "app_id",
        "app_secret",
        "authorization",
        "password",
        "secret",
        "signature",
        "token",
        "x-api-key",
        "x-ca-appid",
        "x-ca-signature",
    }
)


def _is_secret_key(key: object, keys: frozenset[str]) -> bool:
    return isinstance(key, str) and key.lower() in keys


def redact_data(data: Any, keys: Iterable[str] = SECRET_KEYS) -> Any:
    """Return a copy of `data` with the values of secret keys replaced, at any depth."""
    lowered = frozenset(k.lower() for k in keys)
    return _redact(data, lowered)


def _redact(data: Any, keys: frozenset[str]) -> Any:
    if isinstance(data, Mapping):
        return {
            k: REDACTED
            if _is_secret_key(k, keys) and v is not None
            else _redact(v, keys)
            for k, v in data.items()
        }
    if isinstance(data, list | tuple):
        return [_redact(item, keys) for item in data]
    return data


def redact_values(data: Any, secrets: Iterable[str | None]) -> Any:
    """Return a copy of `data` with known secret values replaced wherever they appear."""
    known = [s for s in secrets if s]
    if isinstance(data, Mapping):
        return {key: redact_values(value, known) for key, value in data.items()}
    if isinstance(data, list | tuple | set | frozenset):
        return [redact_values(item, known) for item in data]
    if isinstance(data, str):
        return redact_text(data, known)
    return data


def redact_text(text: str, secrets: Iterable[str | None]) -> str:
    """Replace every occurrence of each known secret value in `text`."""
    known = (s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH)
    for secret in sorted(known, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text
