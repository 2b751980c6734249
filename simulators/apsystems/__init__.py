"""APsystems EMA cloud (OpenAPI, end user): one system, signed calls and a monthly quota.

    cloud = ApsystemsCloud(SystemConfig(meter=True), clock=data_clock, quota=1000)
    sim = await simulator(cloud, tls=True)
    client = ApsystemsTestClient(sim, session)       # signs like the server checks
    answer = await client.get(system_path("summary"))

Production follows the sun at the system's place (5-minute slots, integer
Wh); `slot_energy_wh`, `production_kwh`, `hourly_truth` and `lifetime_kwh`
are the truth the API's sums match exactly.
"""

from .cloud import ApsystemsCloud
from .config import (
    APP_ID,
    APP_SECRET,
    INSTALLER_PREFIX,
    SID,
    USER_PREFIX,
    EcuConfig,
    InverterConfig,
    SystemConfig,
)

__all__ = [
    "APP_ID",
    "APP_SECRET",
    "INSTALLER_PREFIX",
    "SID",
    "USER_PREFIX",
    "ApsystemsCloud",
    "EcuConfig",
    "InverterConfig",
    "SystemConfig",
]
