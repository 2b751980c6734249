"""Translate `energy_api` errors into Home Assistant's exceptions.

Every integration's `translations/en.json` carries an `exceptions` entry for each
key in `EXCEPTION_TRANSLATION_KEYS`, with an `{error}` placeholder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from homeassistant.exceptions import (
    ConfigEntryAuthFailed,
    ConfigEntryNotReady,
    HomeAssistantError,
)
from homeassistant.helpers.update_coordinator import UpdateFailed

from ..errors import (
    ApiTimeoutError,
    AuthenticationError,
    CannotConnectError,
    EnergyApiError,
    InvalidResponseError,
    QuotaExhaustedError,
    RateLimitedError,
    VendorApiError,
)

_KEYS: tuple[tuple[type[EnergyApiError], str], ...] = (
    (AuthenticationError, "authentication_failed"),
    (QuotaExhaustedError, "quota_exhausted"),
    (RateLimitedError, "rate_limited"),
    (ApiTimeoutError, "timeout"),
    (CannotConnectError, "cannot_connect"),
    (InvalidResponseError, "invalid_response"),
    (VendorApiError, "api_error"),
)

EXCEPTION_TRANSLATION_KEYS: tuple[str, ...] = (
    *(key for _, key in _KEYS),
    "unknown_error",
)


def translation_key(err: EnergyApiError) -> str:
    """Return the exception translation key for an `energy_api` error."""
    return next((key for kind, key in _KEYS if isinstance(err, kind)), "unknown_error")


def _translated[E: HomeAssistantError](
    kind: type[E], err: EnergyApiError, domain: str, **extra: Any
) -> E:
    """Return a `kind` exception carrying `err`'s translation key and message."""
    return kind(
        translation_domain=domain,
        translation_key=translation_key(err),
        translation_placeholders={"error": str(err)},
        **extra,
    )


def update_failed(err: EnergyApiError, domain: str) -> HomeAssistantError:
    """Return the exception a coordinator update raises for `err`."""
    if isinstance(err, AuthenticationError):
        return _translated(ConfigEntryAuthFailed, err, domain)
    retry_after = err.retry_after if isinstance(err, RateLimitedError) else None
    return _translated(UpdateFailed, err, domain, retry_after=retry_after)


def setup_failed(err: EnergyApiError, domain: str) -> HomeAssistantError:
    """Return the exception entry setup raises: reauth, or not ready (HA retries)."""
    if isinstance(err, AuthenticationError):
        return _translated(ConfigEntryAuthFailed, err, domain)
    return _translated(ConfigEntryNotReady, err, domain)


def action_failed(err: EnergyApiError, domain: str) -> HomeAssistantError:
    """Return the exception an entity action (button, switch, select...) raises for `err`."""
    return _translated(HomeAssistantError, err, domain)


@contextmanager
def _raising_as(
    convert: Callable[[EnergyApiError, str], HomeAssistantError], domain: str
) -> Iterator[None]:
    try:
        yield
    except EnergyApiError as err:
        raise convert(err, domain) from err


def raise_update_failed(domain: str) -> AbstractContextManager[None]:
    """Turn `energy_api` errors raised inside the block into coordinator errors."""
    return _raising_as(update_failed, domain)


def raise_setup_failed(domain: str) -> AbstractContextManager[None]:
    """Turn `energy_api` errors raised inside the block into entry setup errors."""
    return _raising_as(setup_failed, domain)


def raise_action_failed(domain: str) -> AbstractContextManager[None]:
    """Turn `energy_api` errors raised inside the block into action errors."""
    return _raising_as(action_failed, domain)
