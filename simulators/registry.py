"""Simulated devices by name, for the command line."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from .base import SimulatedDevice
from .demo import DemoMeter
from .homewizard import HomeWizardDevice

DEVICES: dict[str, Callable[[], SimulatedDevice]] = {
    "demo": DemoMeter,
    "homewizard-p1": partial(HomeWizardDevice, "p1_3phase"),
    "homewizard-p1-1phase": partial(HomeWizardDevice, "p1_1phase"),
    "homewizard-kwh1": partial(HomeWizardDevice, "kwh1"),
    "homewizard-kwh3": partial(HomeWizardDevice, "kwh3"),
    "homewizard-battery": partial(HomeWizardDevice, "battery"),
}
