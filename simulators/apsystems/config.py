"""What the simulated EMA cloud serves: credentials, prefixes and the system layout."""

from __future__ import annotations

from dataclasses import dataclass, field
import datetime as dt
from types import MappingProxyType

APP_ID = "0123456789abcdef0123456789abcdef"
APP_SECRET = "s3cr3tS3cr3t"  # noqa: S105 - a test credential
SID = "AZ12649A3DFF"
DEFAULT_CREDENTIALS = MappingProxyType({APP_ID: APP_SECRET})

USER_PREFIX = "/user/api/v2"
INSTALLER_PREFIX = "/installer/api/v2"
DEFAULT_QUOTA = 1000

ECU_ID = "216000012345"
STORAGE_EID = "219000054321"
STORAGE_MODEL = "ELT-12"
STORAGE_CAPACITY_KWH = 10.0
STORAGE_POWER_W = 2500

# Inverter models with 2 DC inputs (prefix match); others have 4.
TWO_CHANNEL_MODELS = ("DS3", "EZ1", "YC600")
# Models feeding three phases: they report ac_v1..ac_v3.
THREE_PHASE_MODELS = ("QT2", "YC1000")


@dataclass
class InverterConfig:
    """A microinverter: its uid, model and the peak power of each DC input."""

    uid: str
    model: str = "DS3"
    peak_w_per_channel: float = 400.0

    @property
    def channels(self) -> int:
        """Return how many DC inputs (panels) the model has."""
        return 2 if self.model.upper().startswith(TWO_CHANNEL_MODELS) else 4

    @property
    def three_phase(self) -> bool:
        """Return whether the model reports three AC voltages."""
        return self.model.upper().startswith(THREE_PHASE_MODELS)


@dataclass
class EcuConfig:
    """An ECU and its inverters; `ecu_type` 0 = ECU, 1 = with meter, 2 = with storage."""

    eid: str
    inverters: list[InverterConfig]
    ecu_type: int = 0


def _default_ecus() -> list[EcuConfig]:
    inverters = [InverterConfig(f"70300000000{n}") for n in range(1, 5)]
    inverters += [InverterConfig(f"80100000000{n}", "QS1") for n in range(1, 3)]
    return [EcuConfig(ECU_ID, inverters)]


@dataclass
class SystemConfig:
    """A system at a place; `meter` and `storage` add a meter ECU and a storage ECU.

    The meter is the first ECU of type 1, else the first ECU. The storage is
    the first ECU of type 2, else an extra ECU `STORAGE_EID` without inverters.
    """

    sid: str = SID
    latitude: float = 51.5
    longitude: float = -0.12
    timezone: str = "Europe/London"
    ecus: list[EcuConfig] = field(default_factory=_default_ecus)
    meter: bool = False
    storage: bool = False
    create_date: dt.date = dt.date(2024, 5, 1)
    lifetime_start_kwh: float = 1234.5

    @classmethod
    def develop(cls) -> SystemConfig:
        """Return a small system for development: one ECU with four inverters."""
        inverters = [
            InverterConfig("703000000001"),
            InverterConfig("703000000002"),
            InverterConfig("801000000001", "QS1"),
            InverterConfig("801000000002", "QS1"),
        ]
        return cls(ecus=[EcuConfig(ECU_ID, inverters)])
