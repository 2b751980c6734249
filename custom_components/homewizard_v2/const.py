"""Constants of the HomeWizard Energy (API v2) integration."""

from __future__ import annotations

import logging
from typing import Final

from homeassistant.const import Platform

DOMAIN: Final = "homewizard_v2"
LOGGER = logging.getLogger(__package__)
PLATFORMS: Final = [
    Platform.BUTTON,
    Platform.NUMBER,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SWITCH,
]

CONF_IDENTITY: Final = "identity"
CONF_UPDATE_METHOD: Final = "update_method"
CONF_POLL_INTERVAL: Final = "poll_interval"
CONF_MIN_WRITE_INTERVAL: Final = "min_write_interval"
UPDATE_PUSH: Final = "push"
UPDATE_POLL: Final = "poll"
DEFAULT_POLL_INTERVAL: Final = 5
DEFAULT_MIN_WRITE_INTERVAL: Final = 3.5

PAIRING_SECONDS: Final = 60
PAIRING_INTERVAL: Final = 1.0

# Developer seam: a PEM file whose CA is trusted instead of HomeWizard's, for the
# simulators of `scripts/develop` and the tests. Real devices never need it.
DEVELOPMENT_CA_ENV: Final = "HOMEWIZARD_V2_DEVELOPMENT_CA"

ISSUE_PREDICTIVE_WITHOUT_CLOUD: Final = "predictive_without_cloud"
ISSUE_API_V1_ENABLED: Final = "api_v1_enabled"
