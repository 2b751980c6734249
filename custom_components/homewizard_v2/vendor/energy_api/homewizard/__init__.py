"""HomeWizard Energy local API v2: P1 meter, kWh meters, Plug-In Battery."""

from .ca import HOMEWIZARD_CA_PEM
from .client import (
    HomeWizardClient,
    PairingNotEnabledError,
    Probe,
    UnsupportedError,
    User,
    V1OnlyError,
    map_error,
)
from .const import BatteryMode, Permission, ProductType, Topic
from .models import Batteries, Device, ExternalMeter, Measurement, System, identity_for
from .tls import create_ssl_context, tls_name
from .websocket import Backoff, HomeWizardWebSocket, Update, parse_frame

__all__ = [
    "HOMEWIZARD_CA_PEM",
    "Backoff",
    "Batteries",
    "BatteryMode",
    "Device",
    "ExternalMeter",
    "HomeWizardClient",
    "HomeWizardWebSocket",
    "Measurement",
    "PairingNotEnabledError",
    "Permission",
    "Probe",
    "ProductType",
    "System",
    "Topic",
    "UnsupportedError",
    "Update",
    "User",
    "V1OnlyError",
    "create_ssl_context",
    "identity_for",
    "map_error",
    "parse_frame",
    "tls_name",
]
