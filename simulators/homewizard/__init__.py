"""HomeWizard Energy local API v2: P1 meter, kWh meters and Plug-In Battery.

    device = HomeWizardDevice("p1_3phase", clock=fake_clock, push_interval=0.05)
    token = device.add_token()                      # or press_button() + POST /api/user
    context = homewizard_server_context(test_ca, device)  # CN appliance/p1dongle/<serial>
    sim = await start_simulator(device, ssl_context=context)

or `await simulator(device, tls=True)` (the fixture uses `device.server_certificate`).
Clients verify with `test_ca.client_context()` plus `hostname_checks_common_name = True`
and `server_hostname=device.identity` (or `check_hostname = False`).
"""

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
