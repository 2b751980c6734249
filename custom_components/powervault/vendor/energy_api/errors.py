"""One error hierarchy shared by every vendor client."""

from __future__ import annotations


class EnergyApiError(Exception):
    """Base class of every error raised by `energy_api`."""


class CannotConnectError(EnergyApiError):
    """The device or service could not be reached (refused, reset, DNS, TLS)."""


class CertificateError(CannotConnectError):
    """The TLS certificate is not the one expected (wrong CA, wrong device identity)."""


class ApiTimeoutError(CannotConnectError):
    """The request did not complete within its timeout."""


class AuthenticationError(EnergyApiError):
    """Credentials were rejected; the user must authenticate again."""


class RateLimitedError(EnergyApiError):
    """The service asks us to slow down; `retry_after` is in seconds when known."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        """Store the message and the optional retry delay."""
        super().__init__(message)
        self.retry_after = retry_after


class QuotaExhaustedError(RateLimitedError):
    """The account's call quota is used up (for the month, or until `retry_after`)."""


class InvalidResponseError(EnergyApiError):
    """The response was not what the protocol promises (bad JSON, HTML, wrong shape)."""


class VendorApiError(EnergyApiError):
    """The vendor answered with an error code of its own."""

    def __init__(self, code: str, message: str = "") -> None:
        """Store the vendor's code and message."""
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message
