"""HomeWizard Energy local API v2: P1 meter, kWh meters and Plug-In Battery."""

from .batteries import BatteryGroup
from .certs import homewizard_certificate, homewizard_server_context
from .common import ApiError
from .device import HomeWizardDevice
from .models import MODELS, HomeWizardModel
from .telegram import crc16

__all__ = [
    "MODELS",
    "ApiError",
    "BatteryGroup",
    "HomeWizardDevice",
    "HomeWizardModel",
    "crc16",
    "homewizard_certificate",
    "homewizard_server_context",
]
