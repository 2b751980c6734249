"""Constants of the Powervault integration."""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import Final

from homeassistant.const import Platform

DOMAIN: Final = "powervault"
LOGGER = logging.getLogger(__package__)
PLATFORMS: Final = [Platform.SELECT, Platform.SENSOR]

CONF_CONNECTION: Final = "connection"
CONNECTION_CLOUD: Final = "cloud"
CONNECTION_LOCAL: Final = "local"
CONF_API_KEY: Final = "api_key"
CONF_UNIT_ID: Final = "unit_id"
CONF_HOST: Final = "host"
CONF_PLATFORM: Final = "platform"
CONF_POLL_INTERVAL: Final = "poll_interval"
# Above the community integration's 3, so its entries are migrated (migration.py).
CONFIG_VERSION: Final = 4
DEFAULT_POLL_INTERVAL: Final = 30
MIN_POLL_INTERVAL: Final = 10
MAX_POLL_INTERVAL: Final = 60

# A cloud row covers 5 minutes; it is read this long after it is complete.
ROW_DELAY: Final = timedelta(seconds=30)
# A row still blank then is asked for again this much later (up to mid-slot).
LATE_RETRY: Final = timedelta(seconds=30)
# The cloud's schedule and overrides are read again this often (portal changes).
STATE_READ_EVERY: Final = timedelta(hours=1)

SERVICE_SET_STATE: Final = "set_battery_state"
SERVICE_CANCEL_OVERRIDE: Final = "cancel_override"
ATTR_CONFIG_ENTRY_ID: Final = "config_entry_id"
ATTR_STATE: Final = "state"
ATTR_DURATION: Final = "duration"
ATTR_END_TIME: Final = "end_time"

# Developer seam: the simulated cloud's address, for scripts/develop and the tests.
# Real units never need it.
DEVELOPMENT_CLOUD_URL_ENV: Final = "POWERVAULT_DEVELOPMENT_CLOUD_URL"

ISSUE_OVERRIDE_ACTIVE: Final = "override_active"
ISSUE_UNIT_SILENT: Final = "unit_silent"
# The cloud unit counts as silent when its newest row is older than this.
SILENT_AFTER: Final = timedelta(hours=2)
