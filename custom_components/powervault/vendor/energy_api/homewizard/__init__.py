"""HomeWizard Energy local API v2: P1 meter, kWh meters, Plug-In Battery."""

from .ca import HOMEWIZARD_CA_PEM
from .client import (
    HomeWizardClient,
    InvalidUserNameError,
    PairingNotEnabledError,
    Probe,
    RequestRejectedError,
    UnsupportedError,
    User,
    V1OnlyError,
    map_error,
)
from .connection import SslContexts, connect, probe
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
    "InvalidUserNameError",
    "Measurement",
    "PairingNotEnabledError",
    "Permission",
    "Probe",
    "ProductType",
    "RequestRejectedError",
    "SslContexts",
    "System",
    "Topic",
    "UnsupportedError",
    "Update",
    "User",
    "V1OnlyError",
    "connect",
    "create_ssl_context",
    "identity_for",
    "map_error",
    "parse_frame",
    "probe",
    "tls_name",
]
