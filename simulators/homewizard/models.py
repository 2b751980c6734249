"""HomeWizard device models: identity, API version and capabilities."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """Which measurement source a model uses."""

    P1 = "p1"
    KWH = "kwh"
    BATTERY = "battery"


@dataclass(frozen=True, slots=True)
class HomeWizardModel:
    """What one HomeWizard product reports and supports."""

    key: str
    kind: Kind
    product_type: str
    product_name: str
    type_id: str
    """The `<type>` of the certificate CN `appliance/<type>/<serial>`."""
    api_version: str
    firmware_version: str
    serial: str
    phases: int
    identify: bool
    reboot: bool
    led: bool
    """Whether `/api/system` has `status_led_brightness_pct`."""
    api_v1: bool
    """Whether `/api/system` has `api_v1_enabled`."""
    cloud_read_only: bool = False
    battery_group: bool = True
    """Whether it controls a battery group (`/api/batteries`, from API 2.1.0)."""
    external: tuple[str, ...] = ()
    """External meter types reported by default (P1 only)."""


def _p1(key: str, phases: int, api: str, firmware: str, serial: str) -> HomeWizardModel:
    return HomeWizardModel(
        key=key,
        kind=Kind.P1,
        product_type="HWE-P1",
        product_name="P1 meter",
        type_id="p1dongle",
        api_version=api,
        firmware_version=firmware,
        serial=serial,
        phases=phases,
        identify=True,
        reboot=True,
        led=True,
        api_v1=True,
        external=("gas_meter", "water_meter") if phases == 3 else (),
    )


def _kwh(key: str, phases: int, serial: str) -> HomeWizardModel:
    return HomeWizardModel(
        key=key,
        kind=Kind.KWH,
        product_type=f"HWE-KWH{phases}",
        product_name="kWh meter",
        type_id="energymeter",
        api_version="2.2.0",
        firmware_version="5.0105",
        serial=serial,
        phases=phases,
        identify=False,
        reboot=True,
        led=False,
        api_v1=True,
    )


MODELS: dict[str, HomeWizardModel] = {
    "p1_3phase": _p1("p1_3phase", 3, "2.3.0", "6.0402", "5c2faf0a1b2c"),
    "p1_1phase": _p1("p1_1phase", 1, "2.2.0", "6.0304", "5c2faf0d1e2f"),
    "kwh1": _kwh("kwh1", 1, "5c2faf1a2b3c"),
    "kwh3": _kwh("kwh3", 3, "5c2faf3a4b5c"),
    "battery": HomeWizardModel(
        key="battery",
        kind=Kind.BATTERY,
        product_type="HWE-BAT",
        product_name="Plug-In Battery",
        type_id="battery",
        api_version="2.0.1",
        firmware_version="1.09",
        serial="5c2faf4d5e6f",
        phases=1,
        identify=True,
        reboot=False,
        led=True,
        api_v1=False,
        cloud_read_only=True,
        battery_group=False,
    ),
}
