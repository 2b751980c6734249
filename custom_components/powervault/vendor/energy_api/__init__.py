"""Protocol clients for home energy devices: asyncio + aiohttp, no Home Assistant."""

from .errors import (
    ApiTimeoutError,
    AuthenticationError,
    CannotConnectError,
    CertificateError,
    EnergyApiError,
    InvalidResponseError,
    QuotaExhaustedError,
    RateLimitedError,
    VendorApiError,
)

__version__ = "0.1.0"

__all__ = [
    "ApiTimeoutError",
    "AuthenticationError",
    "CannotConnectError",
    "CertificateError",
    "EnergyApiError",
    "InvalidResponseError",
    "QuotaExhaustedError",
    "RateLimitedError",
    "VendorApiError",
    "__version__",
]
