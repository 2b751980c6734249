"""HomeWizard Energy API v2 constants."""

from __future__ import annotations

from enum import StrEnum

API_VERSION_HEADER = "X-Api-Version"
API_MAJOR = "2"
USER_NAME_PREFIX = "local/"


class ProductType(StrEnum):
    """Product types that speak API v2."""

    P1_METER = "HWE-P1"
    KWH_METER_1_PHASE = "HWE-KWH1"
    KWH_METER_3_PHASE = "HWE-KWH3"
    KWH_METER_SDM230 = "SDM230-wifi"
    KWH_METER_SDM630 = "SDM630-wifi"
    BATTERY = "HWE-BAT"


# The type part of a device's TLS identity, `appliance/<type>/<serial>`.
IDENTITY_TYPES: dict[str, str] = {
    ProductType.P1_METER: "p1dongle",
    ProductType.KWH_METER_1_PHASE: "energymeter",
    ProductType.KWH_METER_3_PHASE: "energymeter",
    ProductType.KWH_METER_SDM230: "energymeter",
    ProductType.KWH_METER_SDM630: "energymeter",
    ProductType.BATTERY: "battery",
}


class BatteryMode(StrEnum):
    """Battery group modes as the API names them."""

    ZERO = "zero"
    STANDBY = "standby"
    TO_FULL = "to_full"
    PREDICTIVE = "predictive"


class Permission(StrEnum):
    """What a battery group in `zero` mode may do."""

    CHARGE = "charge_allowed"
    DISCHARGE = "discharge_allowed"


class Topic(StrEnum):
    """Websocket subscription topics."""

    ALL = "*"
    DEVICE = "device"
    MEASUREMENT = "measurement"
    SYSTEM = "system"
    BATTERIES = "batteries"
