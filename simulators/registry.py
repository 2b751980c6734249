"""Simulated devices by name, for the command line."""

from __future__ import annotations

from collections.abc import Callable
import datetime as dt

from .apsystems import ApsystemsCloud, SystemConfig
from .base import SimulatedDevice
from .demo import DemoMeter
from .homewizard import HomeWizardDevice
from .powervault import PowervaultCloudSim, PowervaultLocalSim


def _homewizard(model: str) -> Callable[[], HomeWizardDevice]:
    """Return a factory of `model` devices whose clock shows the local time."""

    def create() -> HomeWizardDevice:
        local = dt.datetime.now(dt.UTC).astimezone().replace(tzinfo=None)
        return HomeWizardDevice(model, start_time=local.replace(microsecond=0))

    return create


DEVICES: dict[str, Callable[[], SimulatedDevice]] = {
    "apsystems": ApsystemsCloud,
    "apsystems-develop": lambda: ApsystemsCloud(SystemConfig.develop()),
    "demo": DemoMeter,
    "homewizard-p1": _homewizard("p1_3phase"),
    "homewizard-p1-1phase": _homewizard("p1_1phase"),
    "homewizard-kwh1": _homewizard("kwh1"),
    "homewizard-kwh3": _homewizard("kwh3"),
    "homewizard-battery": _homewizard("battery"),
    "powervault-cloud": PowervaultCloudSim,
    "powervault-p3": lambda: PowervaultLocalSim("p3"),
    "powervault-p3x": lambda: PowervaultLocalSim("p3x"),
}
