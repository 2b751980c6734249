"""APsystems OpenAPI (EMA cloud) constants."""

from __future__ import annotations

from enum import StrEnum

DEFAULT_BASE_URL = "https://api.apsystemsema.com:9282"
USER_PREFIX = "/user/api/v2"
INSTALLER_PREFIX = "/installer/api/v2"
# The free plan's calls per month; every request counts, failed ones too.
DEFAULT_QUOTA = 1000

DEFAULT_TIMEOUT = 20.0
DEFAULT_RETRY_ATTEMPTS = 2
# A day of batch power for a large system can pass 1 MiB.
MAX_BODY = 4 * 1024 * 1024
# How long to back off after 7000/7002/7003 (busy, too many requests).
BUSY_RETRY_AFTER = 60.0

HEADER_APP_ID = "X-CA-AppId"
HEADER_TIMESTAMP = "X-CA-Timestamp"
HEADER_NONCE = "X-CA-Nonce"
HEADER_SIGNATURE_METHOD = "X-CA-Signature-Method"
HEADER_SIGNATURE = "X-CA-Signature"
SIGNATURE_METHOD = "HmacSHA256"

# Inverter models with 2 DC inputs (prefix match); any other model has up to 4.
TWO_CHANNEL_MODELS = ("DS3", "EZ1", "YC600")
DEFAULT_CHANNELS = 4


class EnergyLevel(StrEnum):
    """The `energy_level` query parameter of the energy and period endpoints."""

    MINUTELY = "minutely"
    HOURLY = "hourly"
    DAILY = "daily"
    MONTHLY = "monthly"
    YEARLY = "yearly"


class Endpoint(StrEnum):
    """Names passed to `on_request` before every attempt (the client's method names)."""

    SYSTEM_DETAILS = "system_details"
    INVERTERS = "inverters"
    METERS = "meters"
    SYSTEM_SUMMARY = "system_summary"
    SYSTEM_ENERGY = "system_energy"
    ECU_SUMMARY = "ecu_summary"
    ECU_ENERGY = "ecu_energy"
    ECU_MINUTELY = "ecu_minutely"
    METER_SUMMARY = "meter_summary"
    METER_PERIOD = "meter_period"
    INVERTER_SUMMARY = "inverter_summary"
    INVERTER_ENERGY = "inverter_energy"
    INVERTER_MINUTELY = "inverter_minutely"
    BATCH_POWER = "batch_power"
    BATCH_ENERGY = "batch_energy"
    STORAGE_LATEST = "storage_latest"
    STORAGE_SUMMARY = "storage_summary"
    STORAGE_PERIOD = "storage_period"
