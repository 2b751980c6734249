"""Simulated devices by name, for the command line."""

from __future__ import annotations

from collections.abc import Callable

from .base import SimulatedDevice
from .demo import DemoMeter

DEVICES: dict[str, Callable[[], SimulatedDevice]] = {
    "demo": DemoMeter,
}
