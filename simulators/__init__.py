"""Simulated energy devices serving vendor protocols on loopback sockets, for tests."""

from .base import SimulatedDevice
from .demo import DemoMeter
from .faults import Fault, FaultKind
from .homewizard import HomeWizardDevice, homewizard_server_context
from .registry import DEVICES
from .runner import RunningSimulator, start_simulator
from .state import EnergyMeter
from .tls import ServerCert, TestCA

__all__ = [
    "DEVICES",
    "DemoMeter",
    "EnergyMeter",
    "Fault",
    "FaultKind",
    "HomeWizardDevice",
    "RunningSimulator",
    "ServerCert",
    "SimulatedDevice",
    "TestCA",
    "homewizard_server_context",
    "start_simulator",
]
