"""Parsing of device JSON: optional fields, wrong types, unknown values."""

from datetime import datetime
import json
import math

import pytest

from energy_api.errors import CertificateError, InvalidResponseError
from energy_api.homewizard import (
    Batteries,
    Device,
    ExternalMeter,
    Measurement,
    Permission,
    System,
    identity_for,
    tls_name,
)
from energy_api.homewizard.models import rssi_to_strength


def test_device() -> None:
    device = Device.from_json(
        {"product_type": "HWE-KWH3", "serial": "AABBCCDDEEFF", "api_version": "2.2.0"}
    )
    assert device.identity == "appliance/energymeter/aabbccddeeff"
    assert device.product_name == "HWE-KWH3"
    assert device.api_at_least("2.1.0")
    assert not device.api_at_least("2.3.0")
    assert Device.from_json(
        {"product_type": "X", "serial": "1", "api_version": "2.3.0-beta"}
    ).api_at_least("2.3.0")
    with pytest.raises(InvalidResponseError):
        Device.from_json({"product_type": "HWE-P1"})
    with pytest.raises(InvalidResponseError):
        Device.from_json("garbage")
    assert identity_for("HWE-NEW", "AB") == "appliance/hwe-new/ab"


def test_measurement_types() -> None:
    measurement = Measurement.from_json(
        {
            "power_w": True,
            "cycles": 3.5,
            "voltage_sag_l1_count": 2,
            "timestamp": "not a time",
            "monthly_power_peak_timestamp": "2024-06-04T10:11:22",
            "meter_model": "",
            "external": [
                {"type": "gas_meter"},
                "x",
                {"unique_id": "A", "type": "gas_meter", "value": "1"},
            ],
        }
    )
    assert measurement.power_w is None
    assert measurement.cycles is None
    assert measurement.voltage_sag_l1_count == 2
    assert measurement.timestamp is None
    assert measurement.monthly_power_peak_timestamp == datetime(2024, 6, 4, 10, 11, 22)
    assert measurement.meter_model is None
    assert measurement.external == (ExternalMeter("A", "gas_meter", None, None, None),)
    assert Measurement.from_json({"external": "nope"}).external is None
    assert Measurement.from_json({}).external is None
    assert Measurement.from_json({"external": []}).external == ()


def test_system_and_batteries() -> None:
    system = System.from_json(
        {"wifi_rssi_db": -40, "cloud_enabled": "yes", "uptime_s": 10}
    )
    assert system.wifi_strength_pct == 100
    assert system.cloud_enabled is None
    assert rssi_to_strength(-120) == 0
    assert rssi_to_strength(-75) == 50
    assert rssi_to_strength(None) is None
    batteries = Batteries.from_json(
        {
            "mode": "new_mode",
            "permissions": ["charge_allowed", "fly"],
            "battery_count": 2,
        }
    )
    assert batteries.known_mode is None
    assert batteries.permissions == frozenset({Permission.CHARGE})
    assert Batteries.from_json({"permissions": "x"}).permissions is None


def test_tls_name_rules() -> None:
    cn = ((("commonName", "appliance/p1dongle/aabbcc"),),)
    assert tls_name({"subject": cn}) == (
        "appliance/p1dongle/aabbcc",
        "appliance/p1dongle/aabbcc",
    )
    san = {
        "subject": cn,
        "subjectAltName": (("DNS", "aabbcc.hw"), ("IP Address", "1.2.3.4")),
    }
    assert tls_name(san) == ("appliance/p1dongle/aabbcc", "aabbcc.hw")
    with pytest.raises(CertificateError, match="not for its serial") as info:
        tls_name({"subject": cn, "subjectAltName": (("DNS", "other.example"),)})
    # Names and serials end up in logs and in HA's error reasons: never in messages.
    assert "aabbcc" not in str(info.value)
    assert "other.example" not in str(info.value)
    with pytest.raises(CertificateError, match="appliance"):
        tls_name({"subject": ((("commonName", "example.com"),),)})
    with pytest.raises(CertificateError):
        tls_name({})


def test_out_of_range_numbers_are_absent() -> None:
    huge = "1" + "0" * 400
    body = (
        f'{{"power_w": {huge}, "voltage_v": NaN, "current_a": Infinity,'
        f' "frequency_hz": -Infinity, "energy_import_kwh": 1e400,'
        f' "cycles": {huge}, "any_power_fail_count": NaN,'
        f' "long_power_fail_count": Infinity, "voltage_sag_l1_count": 1e300,'
        f' "tariff": {huge}, "power_l1_w": -12.5, "voltage_swell_l1_count": 3.0}}'
    )
    measurement = Measurement.from_json(json.loads(body))
    assert measurement.power_w is None
    assert measurement.voltage_v is None
    assert measurement.current_a is None
    assert measurement.frequency_hz is None
    assert measurement.energy_import_kwh is None
    assert measurement.cycles is None
    assert measurement.any_power_fail_count is None
    assert measurement.long_power_fail_count is None
    assert measurement.tariff is None
    # Finite numbers within float range are kept; whole floats count as counts.
    assert measurement.voltage_sag_l1_count == int(1e300)
    assert measurement.power_l1_w == -12.5
    assert measurement.voltage_swell_l1_count == 3
    system = System.from_json({"wifi_rssi_db": math.nan, "uptime_s": 10**400})
    assert system.wifi_rssi_db is None
    assert system.wifi_strength_pct is None
    assert system.uptime_s is None
    batteries = Batteries.from_json({"battery_count": math.inf, "power_w": -math.inf})
    assert (batteries.battery_count, batteries.power_w) == (None, None)
    meter = ExternalMeter.from_json(
        {"unique_id": "A", "type": "gas_meter", "value": 10**400}
    )
    assert meter is not None
    assert meter.value is None


def test_wrong_shapes_are_absent() -> None:
    assert Measurement.from_json({"external": 1}).external is None
    assert Measurement.from_json({"external": {"a": 1}}).external is None
    assert Measurement.from_json({"external": True}).external is None
    batteries = Batteries.from_json(
        {"permissions": [{"a": 1}, ["charge_allowed"], 3, "discharge_allowed"]}
    )
    assert batteries.permissions == frozenset({Permission.DISCHARGE})
    assert Batteries.from_json({"mode": ["zero"]}).known_mode is None


def test_api_versions_with_odd_digits() -> None:
    def device(api_version: str) -> Device:
        return Device.from_json(
            {"product_type": "HWE-P1", "serial": "aa", "api_version": api_version}
        )

    # "²" and "٣" are digits to str.isdigit, but not ASCII: they are ignored.
    assert device("2.²").api_at_least("2.0.0")
    assert not device("2.²").api_at_least("2.1.0")
    assert not device("٣.0.0").api_at_least("1.0.0")
    assert device("2." + "9" * 5000).api_at_least("2.10.0")
    assert device("2.10.0").api_at_least("2.9.0")
    assert device("2.010").api_at_least("2.9")
    assert not device("2.3").api_at_least("2.3.1")
    assert device("2.3").api_at_least("2.3.0")
