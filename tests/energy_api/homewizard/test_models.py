"""Parsing of device JSON: optional fields, wrong types, unknown values."""

from datetime import datetime

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
    assert Measurement.from_json({"external": "nope"}).external == ()


def test_measurement_changed_fields() -> None:
    gas = {"unique_id": "A", "type": "gas_meter", "value": 1.0}
    before = Measurement.from_json(
        {"power_w": 10, "tariff": 2, "external": [gas], "new_point": 1}
    )
    after = Measurement.from_json(
        {"power_w": 11, "tariff": 2, "voltage_v": 230, "external": [gas | {"value": 2}]}
    )
    assert after.changed_fields(before) == {"power_w", "voltage_v", "external"}
    # Data points this client does not know are not compared.
    same = Measurement.from_json(
        {"power_w": 10, "tariff": 2, "external": [gas], "new_point": 2}
    )
    assert same.changed_fields(before) == frozenset()


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
    assert tls_name(san, "appliance/p1dongle/AABBCC") == (
        "appliance/p1dongle/aabbcc",
        "aabbcc.hw",
    )
    with pytest.raises(CertificateError, match="expected"):
        tls_name({"subject": cn}, "appliance/battery/aabbcc")
    with pytest.raises(CertificateError, match="none for serial"):
        tls_name({"subject": cn, "subjectAltName": (("DNS", "other.example"),)})
    with pytest.raises(CertificateError, match="appliance"):
        tls_name({"subject": ((("commonName", "example.com"),),)})
    with pytest.raises(CertificateError):
        tls_name({})
