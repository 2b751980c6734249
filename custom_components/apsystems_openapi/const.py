"""Constants of the APsystems OpenAPI (EMA cloud) integration."""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import Final

from homeassistant.const import Platform

DOMAIN: Final = "apsystems_openapi"
LOGGER = logging.getLogger(__package__)
PLATFORMS: Final = [Platform.BUTTON, Platform.SENSOR]

CONF_APP_ID: Final = "app_id"
CONF_APP_SECRET: Final = "app_secret"  # noqa: S105 - a config key, not a secret
CONF_SID: Final = "sid"
CONF_BASE_URL: Final = "base_url"
CONF_TIMEZONE: Final = "timezone"

CONF_PLANNING: Final = "planning"
CONF_INTERVAL: Final = "scan_interval"
CONF_SUNRISE_OFFSET: Final = "sunrise_offset"
CONF_SUNSET_OFFSET: Final = "sunset_offset"
CONF_QUOTA: Final = "monthly_quota"
CONF_RESERVE: Final = "manual_reserve"
CONF_INVERTER_DETAIL: Final = "inverter_detail"

PLANNING_AUTO: Final = "auto"
PLANNING_FIXED: Final = "fixed"
DEFAULT_INTERVAL: Final = 3600
MIN_INTERVAL: Final = 1800
MAX_INTERVAL: Final = 7200
DEFAULT_SUNRISE_OFFSET: Final = 0
DEFAULT_SUNSET_OFFSET: Final = 15
MAX_OFFSET: Final = 120
DEFAULT_QUOTA: Final = 1000
DEFAULT_RESERVE: Final = 30

# EMA publishes what the ECU uploaded every 15 minutes; a poll waits a minute past it.
PUBLISH_EVERY: Final = timedelta(minutes=15)
PUBLISH_DELAY: Final = timedelta(minutes=1)
# Inverter detail (one call per inverter) may take this share of the monthly quota.
DETAIL_SHARE: Final = 1 / 3
# Days whose hourly production is kept to correct and re-import statistics.
LEDGER_DAYS: Final = 4
# At most this many missed days are completed from the API's hourly series at once.
MAX_DAYS_TO_COMPLETE: Final = 3

# Developer seam: scripts/develop runs the simulated cloud on a fast clock
# (`EPOCH,START,SPEED`, see energy_api.timewarp) and the integration follows it, so
# production changes within a minute. Real systems never set it.
DEVELOPMENT_TIME_WARP_ENV: Final = "APSYSTEMS_OPENAPI_DEVELOPMENT_TIME_WARP"

ISSUE_QUOTA_EXHAUSTED: Final = "quota_exhausted"
ISSUE_SIGNATURE_REJECTED: Final = "signature_rejected"
ISSUE_INTERVAL_OVER_QUOTA: Final = "interval_over_quota"

QUOTA_UPGRADE_URL: Final = "https://www.apsystems.com"
