"""Redaction of secrets in logs and diagnostics."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

REDACTED = "**REDACTED**"
TRUNCATED = "**TRUNCATED**"
# Containers nested deeper than this are replaced by TRUNCATED (no device nests so deep,
# and unbounded recursion on hostile data would raise RecursionError).
MAX_DEPTH = 32
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
    """Return a copy of `data` with the values of secret keys replaced.

    Containers nested deeper than `MAX_DEPTH` are replaced by `TRUNCATED`.
    """
    lowered = frozenset(k.lower() for k in keys)
    return _redact(data, lowered, 0)


def _redact(data: Any, keys: frozenset[str], depth: int) -> Any:
    if isinstance(data, Mapping | list | tuple) and depth >= MAX_DEPTH:
        return TRUNCATED
    if isinstance(data, Mapping):
        return {
            k: REDACTED
            if _is_secret_key(k, keys) and v is not None
            else _redact(v, keys, depth + 1)
            for k, v in data.items()
        }
    if isinstance(data, list | tuple):
        return [_redact(item, keys, depth + 1) for item in data]
    return data


def redact_values(data: Any, secrets: Iterable[str | None]) -> Any:
    """Return a copy of `data` with known secret values replaced wherever they appear.

    Containers nested deeper than `MAX_DEPTH` are replaced by `TRUNCATED`.
    """
    return _redact_values(data, [s for s in secrets if s], 0)


def _redact_values(data: Any, known: list[str], depth: int) -> Any:
    if (
        isinstance(data, Mapping | list | tuple | set | frozenset)
        and depth >= MAX_DEPTH
    ):
        return TRUNCATED
    if isinstance(data, Mapping):
        return {
            key: _redact_values(value, known, depth + 1) for key, value in data.items()
        }
    if isinstance(data, list | tuple | set | frozenset):
        return [_redact_values(item, known, depth + 1) for item in data]
    if isinstance(data, str):
        return redact_text(data, known)
    return data


def redact_text(text: str, secrets: Iterable[str | None]) -> str:
    """Replace every occurrence of each known secret value in `text`."""
    known = (s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH)
    for secret in sorted(known, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text
