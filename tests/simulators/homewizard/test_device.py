"""The HomeWizard API v2 simulator over HTTPS: auth, pairing, endpoints, faults."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import datetime as dt
import itertools
import json
import re
from typing import Any

import aiohttp
import pytest

from simulators import DEVICES, Fault, FaultKind, HomeWizardDevice, SimulatedDevice
from simulators.homewizard import MODELS, crc16
from simulators.homewizard.testing import FakeClock, HomeWizardClient

type StartHomeWizard = Callable[..., Awaitable[HomeWizardClient]]

TOKEN_RE = re.compile(r"^[A-F0-9]{32}$")
UNAUTHORIZED = {"error": "user:unauthorized"}

P1_3PHASE_KEYS = {
    "protocol_version",
    "meter_model",
    "unique_id",
    "timestamp",
    "tariff",
    "energy_import_kwh",
    "energy_import_t1_kwh",
    "energy_import_t2_kwh",
    "energy_export_kwh",
    "energy_export_t1_kwh",
    "energy_export_t2_kwh",
    "power_w",
    "power_l1_w",
    "power_l2_w",
    "power_l3_w",
    "voltage_l1_v",
    "voltage_l2_v",
    "voltage_l3_v",
    "current_a",
    "current_l1_a",
    "current_l2_a",
    "current_l3_a",
    "frequency_hz",
    "voltage_sag_l1_count",
    "voltage_sag_l2_count",
    "voltage_sag_l3_count",
    "voltage_swell_l1_count",
    "voltage_swell_l2_count",
    "voltage_swell_l3_count",
    "any_power_fail_count",
    "long_power_fail_count",
    "average_power_15m_w",
    "monthly_power_peak_w",
    "monthly_power_peak_timestamp",
    "external",
}
P1_1PHASE_KEYS = {
    "protocol_version",
    "meter_model",
    "unique_id",
    "timestamp",
    "energy_import_t1_kwh",
    "energy_import_t2_kwh",
    "energy_export_t1_kwh",
    "energy_export_t2_kwh",
    "power_w",
    "power_l1_w",
    "voltage_l1_v",
    "current_l1_a",
}
KWH_SUMS = ("current", "apparent_current", "reactive_current")
KWH1_KEYS = {
    "energy_import_kwh",
    "energy_export_kwh",
    "power_w",
    "voltage_v",
    "current_a",
    "apparent_current_a",
    "reactive_current_a",
    "apparent_power_va",
    "reactive_power_var",
    "power_factor",
    "frequency_hz",
}
KWH3_KEYS = (
    {"energy_import_kwh", "energy_export_kwh", "power_w", "frequency_hz"}
    | {f"power_l{i}_w" for i in (1, 2, 3)}
    | {f"voltage_l{i}_v" for i in (1, 2, 3)}
    | {f"power_factor_l{i}" for i in (1, 2, 3)}
    | {f"{name}_a" for name in KWH_SUMS}
    | {f"{name}_l{i}_a" for name in KWH_SUMS for i in (1, 2, 3)}
    | {"apparent_power_va", "reactive_power_var"}
    | {f"apparent_power_l{i}_va" for i in (1, 2, 3)}
    | {f"reactive_power_l{i}_var" for i in (1, 2, 3)}
)
BATTERY_KEYS = {
    "energy_import_kwh",
    "energy_export_kwh",
    "power_w",
    "voltage_l1_v",
    "current_a",
    "frequency_hz",
    "state_of_charge_pct",
    "cycles",
}


@pytest.mark.parametrize(
    ("name", "model", "product_type", "device_type"),
    [
        ("homewizard-p1", "p1_3phase", "HWE-P1", "p1dongle"),
        ("homewizard-p1-1phase", "p1_1phase", "HWE-P1", "p1dongle"),
        ("homewizard-kwh1", "kwh1", "HWE-KWH1", "energymeter"),
        ("homewizard-kwh3", "kwh3", "HWE-KWH3", "energymeter"),
        ("homewizard-battery", "battery", "HWE-BAT", "battery"),
    ],
)
def test_registry_and_identity(
    name: str, model: str, product_type: str, device_type: str
) -> None:
    device = DEVICES[name]()
    assert isinstance(device, HomeWizardDevice)
    assert device.model is MODELS[model]
    assert device.model.product_type == product_type
    assert re.fullmatch(r"[0-9a-f]{12}", device.serial)
    assert device.identity == f"appliance/{device_type}/{device.serial}"


def test_serials_differ_per_model_and_can_be_set() -> None:
    assert len({model.serial for model in MODELS.values()}) == len(MODELS)
    device = HomeWizardDevice(serial="aabbccddeeff")
    assert device.identity == "appliance/p1dongle/aabbccddeeff"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"model": "nope"},
        {"serial": "AABBCCDDEEFF"},
        {"serial": "abc"},
        {"api_version": "2"},
    ],
)
def test_invalid_construction(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"Invalid|Unknown"):
        HomeWizardDevice(**kwargs)


def test_configure_options() -> None:
    device = HomeWizardDevice()
    device.configure({"serial": "001122334455", "token": "ABC"})
    assert device.serial == "001122334455"
    assert device.users.names == ["local/cli"]
    assert device.token_valid("ABC")
    with pytest.raises(ValueError, match="does not support --color"):
        device.configure({"color": "red"})
    with pytest.raises(ValueError, match="does not support --serial"):
        SimulatedDevice().configure({"serial": "x"})


async def test_api_without_token_is_401(homewizard: StartHomeWizard) -> None:
    client = await homewizard()
    assert await client.call("GET", "/api", anonymous=True) == (401, UNAUTHORIZED)
    assert client.last_headers is not None
    assert client.last_headers["X-Api-Version"] == "2.3.0"
    status, info = await client.call("GET", "/api")
    assert status == 200
    assert info == {
        "product_name": "P1 meter",
        "product_type": "HWE-P1",
        "serial": client.device.serial,
        "firmware_version": "6.0402",
        "api_version": "2.3.0",
    }


@pytest.mark.parametrize(
    "path", ["/api/measurement", "/api/system", "/api/batteries", "/api/user"]
)
@pytest.mark.parametrize("authorization", [None, "Bearer WRONG", "Basic x", "Bearer "])
async def test_endpoints_need_a_valid_token(
    homewizard: StartHomeWizard, path: str, authorization: str | None
) -> None:
    client = await homewizard()
    headers = {} if authorization is None else {"Authorization": authorization}
    assert await client.call("GET", path, anonymous=True, headers=headers) == (
        401,
        UNAUTHORIZED,
    )


async def test_unknown_route_is_404_before_auth(homewizard: StartHomeWizard) -> None:
    client = await homewizard("battery")
    status, _ = await client.call("GET", "/api/batteries", anonymous=True)
    assert status == 404
    status, _ = await client.call("GET", "/api/system/identify")
    assert status == 405


@pytest.mark.parametrize(
    ("version", "ok"),
    [
        ("2", True),
        ("2.1", True),
        (" 2 ", True),
        ("1", False),
        ("3", False),
        ("x", False),
    ],
)
async def test_api_version_header(
    homewizard: StartHomeWizard, version: str, ok: bool
) -> None:
    client = await homewizard()
    status, body = await client.call(
        "GET", "/api/measurement", headers={"X-Api-Version": version}
    )
    if ok:
        assert status == 200
    else:
        assert (status, body) == (400, {"error": "request:api-version-not-supported"})


async def test_api_version_override(homewizard: StartHomeWizard) -> None:
    client = await homewizard("p1_3phase", api_version="2.0.0")
    status, info = await client.call("GET", "/api")
    assert (status, info["api_version"]) == (200, "2.0.0")
    status, _ = await client.call("GET", "/api/batteries")
    assert status == 404


async def test_pairing(homewizard: StartHomeWizard, fake_clock: FakeClock) -> None:
    client = await homewizard()
    body = {"name": "local/home-assistant#abc123"}
    forbidden = (403, {"error": "user:creation-not-enabled"})
    assert await client.call("POST", "/api/user", json=body, anonymous=True) == (
        forbidden
    )
    client.device.press_button()
    status, created = await client.call("POST", "/api/user", json=body, anonymous=True)
    assert status == 200
    assert created["name"] == body["name"]
    first = created["token"]
    assert TOKEN_RE.match(first)
    assert (await client.call("GET", "/api/measurement", token=first))[0] == 200

    fake_clock.advance(29)
    status, created = await client.call("POST", "/api/user", json=body, anonymous=True)
    second = created["token"]
    assert status == 200
    assert second != first
    assert await client.call("GET", "/api", token=first) == (401, UNAUTHORIZED)
    assert (await client.call("GET", "/api", token=second))[0] == 200

    fake_clock.advance(2)
    assert await client.call("POST", "/api/user", json=body, anonymous=True) == (
        forbidden
    )


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({}, "json:parameter-missing:name"),
        ({"name": 5}, "json:parameter-invalid-type:name"),
        ({"name": ""}, "user:name-empty"),
        ({"name": "local/"}, "user:name-empty"),
        ({"name": "cloud/app"}, "user:invalid-prefix"),
        ({"name": "local/" + "x" * 41}, "user:name-too-long"),
        ({"name": "local/bad!"}, "user:name-invalid"),
        ([1], "request:invalid-json"),
        (b"{", "request:invalid-json"),
    ],
)
async def test_user_name_validation(
    homewizard: StartHomeWizard, body: object, error: str
) -> None:
    client = await homewizard()
    client.device.press_button()
    if isinstance(body, bytes):
        result = await client.call("POST", "/api/user", data=body, anonymous=True)
    else:
        result = await client.call("POST", "/api/user", json=body, anonymous=True)
    assert result == (400, {"error": error})


async def test_list_and_delete_users(homewizard: StartHomeWizard) -> None:
    client = await homewizard()
    other = client.device.add_token(name="local/other")
    assert await client.call("GET", "/api/user") == (
        200,
        [{"name": "local/test", "current": True}, {"name": "local/other"}],
    )
    assert await client.call("DELETE", "/api/user", json={"name": "local/nope"}) == (
        404,
        {"error": "user:not-found"},
    )
    assert await client.call("DELETE", "/api/user", json={}) == (
        400,
        {"error": "json:parameter-missing:name"},
    )
    assert await client.call("DELETE", "/api/user", json={"name": 1}) == (
        400,
        {"error": "json:parameter-invalid-type:name"},
    )
    assert await client.call("DELETE", "/api/user", json={"name": "local/other"}) == (
        204,
        None,
    )
    assert (await client.call("GET", "/api", token=other))[0] == 401
    assert await client.call("DELETE", "/api/user", json={"name": "local/test"}) == (
        204,
        None,
    )
    assert (await client.call("GET", "/api"))[0] == 401
    assert len(client.device.users) == 0


async def test_add_token_replaces_user_and_moves_token(
    homewizard: StartHomeWizard,
) -> None:
    client = await homewizard()
    device = client.device
    assert device.add_token("T1", name="local/a") == "T1"
    device.add_token("T1", name="local/b")
    assert device.users.names == ["local/test", "local/b"]
    device.add_token("T2", name="local/b")
    assert not device.token_valid("T1")
    assert device.token_valid("T2")


@pytest.mark.parametrize(
    ("model", "keys"),
    [
        ("p1_3phase", P1_3PHASE_KEYS),
        ("p1_1phase", P1_1PHASE_KEYS),
        ("kwh1", KWH1_KEYS),
        ("kwh3", KWH3_KEYS),
        ("battery", BATTERY_KEYS),
    ],
)
async def test_measurement_keys(
    homewizard: StartHomeWizard, model: str, keys: set[str]
) -> None:
    client = await homewizard(model)
    status, measurement = await client.call("GET", "/api/measurement")
    assert status == 200
    assert set(measurement) == keys
    assert isinstance(measurement["power_w"], int)


async def test_p1_measurement_evolves(
    homewizard: StartHomeWizard, fake_clock: FakeClock
) -> None:
    client = await homewizard()
    first = (await client.call("GET", "/api/measurement"))[1]
    assert first["timestamp"] == "2025-06-28T14:12:34"
    assert first["meter_model"] == "ISKRA 2M550T-101"
    assert first["protocol_version"] == 50
    assert first["tariff"] == 2
    assert first["power_w"] == sum(first[f"power_l{i}_w"] for i in (1, 2, 3))
    assert first["current_a"] == pytest.approx(
        sum(abs(first[f"current_l{i}_a"]) for i in (1, 2, 3)), abs=0.02
    )
    assert [meter["type"] for meter in first["external"]] == [
        "gas_meter",
        "water_meter",
    ]
    assert all(meter["unit"] == "m3" for meter in first["external"])
    powers = [first["power_w"]]
    previous = first
    for _ in range(5):
        fake_clock.advance(1)
        current = (await client.call("GET", "/api/measurement"))[1]
        powers.append(current["power_w"])
        assert current["energy_import_kwh"] >= previous["energy_import_kwh"]
        previous = current
    assert all(a != b for a, b in itertools.pairwise(powers))

    fake_clock.advance(9 * 3600)  # 23:12, low tariff
    night = (await client.call("GET", "/api/measurement"))[1]
    assert night["tariff"] == 1
    assert night["timestamp"] == "2025-06-28T23:12:39"
    assert night["energy_import_kwh"] > first["energy_import_kwh"]
    assert night["energy_import_t2_kwh"] > first["energy_import_t2_kwh"]
    assert night["energy_import_kwh"] == pytest.approx(
        night["energy_import_t1_kwh"] + night["energy_import_t2_kwh"], abs=0.002
    )
    for old, new in zip(first["external"], night["external"], strict=True):
        assert new["value"] > old["value"]
        assert new["timestamp"] > old["timestamp"]
    assert night["monthly_power_peak_w"] >= first["monthly_power_peak_w"]

    fake_clock.advance(3600)  # 00:12, the export while on tariff 1
    later = (await client.call("GET", "/api/measurement"))[1]
    assert later["energy_import_t1_kwh"] >= night["energy_import_t1_kwh"]


async def test_monthly_peak_follows_average(
    homewizard: StartHomeWizard, fake_clock: FakeClock
) -> None:
    client = await homewizard()
    client.device.set_power(5000)
    fake_clock.advance(60)
    measurement = (await client.call("GET", "/api/measurement"))[1]
    assert measurement["average_power_15m_w"] == 5000
    assert measurement["monthly_power_peak_w"] == 5000
    assert measurement["monthly_power_peak_timestamp"] == measurement["timestamp"]


async def test_set_power_forces_the_value(
    homewizard: StartHomeWizard, fake_clock: FakeClock
) -> None:
    client = await homewizard()
    client.device.set_power(-1234.4)
    for _ in range(2):
        measurement = (await client.call("GET", "/api/measurement"))[1]
        assert measurement["power_w"] == -1234
        assert measurement["current_l1_a"] < 0
        fake_clock.advance(1)
    client.device.set_power(None)
    assert (await client.call("GET", "/api/measurement"))[1]["power_w"] != -1234


async def test_extra_fields_and_external_meters(homewizard: StartHomeWizard) -> None:
    client = await homewizard()
    device = client.device
    device.extra_measurement_fields["new_field_w"] = 7
    device.external_types.append("steam_meter")
    device.external_types.append("heat_meter")
    device.remove_external("gas_meter")
    measurement = (await client.call("GET", "/api/measurement"))[1]
    assert measurement["new_field_w"] == 7
    units = {meter["type"]: meter["unit"] for meter in measurement["external"]}
    assert units == {"water_meter": "m3", "steam_meter": "m3", "heat_meter": "GJ"}
    assert len({meter["unique_id"] for meter in measurement["external"]}) == 3


async def test_kwh_values(homewizard: StartHomeWizard, fake_clock: FakeClock) -> None:
    client = await homewizard("kwh3")
    first = (await client.call("GET", "/api/measurement"))[1]
    assert first["power_w"] == sum(first[f"power_l{i}_w"] for i in (1, 2, 3))
    for i in (1, 2, 3):
        assert 0 < first[f"power_factor_l{i}"] <= 1
        assert first[f"apparent_power_l{i}_va"] >= abs(first[f"power_l{i}_w"])
    fake_clock.advance(3600)
    later = (await client.call("GET", "/api/measurement"))[1]
    assert later["energy_import_kwh"] > first["energy_import_kwh"]
    client.device.set_power(0)
    zero = (await client.call("GET", "/api/measurement"))[1]
    assert (zero["apparent_power_va"], zero["reactive_power_var"]) == (0, 0)


async def test_battery_charge_moves_with_power(
    homewizard: StartHomeWizard, fake_clock: FakeClock
) -> None:
    client = await homewizard("battery")
    device = client.device
    assert (await client.call("GET", "/api/measurement"))[1][
        "state_of_charge_pct"
    ] == 50
    device.set_power(800)
    fake_clock.advance(600)
    charged = (await client.call("GET", "/api/measurement"))[1]
    assert charged["state_of_charge_pct"] == pytest.approx(
        50 + 800 / 6 / 2688 * 100, abs=0.1
    )
    assert charged["power_w"] == 800
    fake_clock.advance(4 * 3600)
    full = (await client.call("GET", "/api/measurement"))[1]
    assert full["state_of_charge_pct"] == 100
    assert full["power_w"] == 0
    cycles = full["cycles"]
    for watts in (-800, 800, -800):  # empty, full, empty: two capacities out
        device.set_power(watts)
        fake_clock.advance(4 * 3600)
        charge = 0 if watts < 0 else 100
        assert device.measurement()["state_of_charge_pct"] == charge
    assert device.measurement()["cycles"] == cycles + 2
    empty = (await client.call("GET", "/api/measurement"))[1]
    assert empty["state_of_charge_pct"] == 0
    assert empty["power_w"] == 0
    assert empty["cycles"] > cycles
    assert empty["energy_export_kwh"] > full["energy_export_kwh"]
    device.set_power(None)
    fake_clock.advance(600)
    charge = (await client.call("GET", "/api/measurement"))[1]["state_of_charge_pct"]
    assert 0 <= charge <= 100


async def test_system(homewizard: StartHomeWizard, fake_clock: FakeClock) -> None:
    client = await homewizard()
    assert await client.call("GET", "/api/system") == (
        200,
        {
            "wifi_ssid": "My Wi-Fi",
            "wifi_rssi_db": -62,
            "uptime_s": 0,
            "cloud_enabled": True,
            "status_led_brightness_pct": 100,
            "api_v1_enabled": False,
        },
    )
    fake_clock.advance(42.5)
    body = {"status_led_brightness_pct": 40, "api_v1_enabled": True, "other": 1}
    status, system = await client.call("PUT", "/api/system", json=body)
    assert status == 200
    assert system["uptime_s"] == 42
    assert system["status_led_brightness_pct"] == 40
    assert system["api_v1_enabled"] is True
    status, system = await client.call(
        "PUT", "/api/system", json={"cloud_enabled": False}
    )
    assert (status, system["cloud_enabled"]) == (200, False)


@pytest.mark.parametrize(
    ("model", "body", "error"),
    [
        ("p1_3phase", {"other": 1}, "json:no-parameters-recognized"),
        ("p1_3phase", {}, "json:no-parameters-recognized"),
        ("p1_3phase", "x", "request:invalid-json"),
        ("p1_3phase", {"cloud_enabled": "yes"}, "json:parameter-invalid-type:cloud_enabled"),
        ("p1_3phase", {"status_led_brightness_pct": 101}, "json:parameter-invalid-type:status_led_brightness_pct"),
        ("p1_3phase", {"status_led_brightness_pct": True}, "json:parameter-invalid-type:status_led_brightness_pct"),
        ("p1_3phase", {"api_v1_enabled": 1}, "json:parameter-invalid-type:api_v1_enabled"),
        ("kwh1", {"status_led_brightness_pct": 10}, "json:no-parameters-recognized"),
        ("battery", {"cloud_enabled": True}, "json:parameter-invalid-type:cloud_enabled"),
        ("battery", {"api_v1_enabled": True}, "json:no-parameters-recognized"),
    ],
)  # fmt: skip
async def test_system_put_errors(
    homewizard: StartHomeWizard, model: str, body: object, error: str
) -> None:
    client = await homewizard(model)
    before = (await client.call("GET", "/api/system"))[1]
    assert await client.call("PUT", "/api/system", json=body) == (400, {"error": error})
    assert (await client.call("GET", "/api/system"))[1] == before


@pytest.mark.parametrize(
    ("model", "keys"),
    [
        ("kwh3", {"wifi_ssid", "wifi_rssi_db", "uptime_s", "cloud_enabled", "api_v1_enabled"}),
        ("battery", {"wifi_ssid", "wifi_rssi_db", "uptime_s", "cloud_enabled", "status_led_brightness_pct"}),
    ],
)  # fmt: skip
async def test_system_keys(
    homewizard: StartHomeWizard, model: str, keys: set[str]
) -> None:
    client = await homewizard(model)
    assert set((await client.call("GET", "/api/system"))[1]) == keys


@pytest.mark.parametrize(
    ("model", "identify", "reboot"),
    [
        ("p1_3phase", True, True),
        ("p1_1phase", True, True),
        ("kwh1", False, True),
        ("kwh3", False, True),
        ("battery", True, False),
    ],
)
async def test_identify_and_reboot(
    homewizard: StartHomeWizard,
    fake_clock: FakeClock,
    model: str,
    identify: bool,
    reboot: bool,
) -> None:
    client = await homewizard(model)
    device = client.device
    fake_clock.advance(100)
    status, _ = await client.call("PUT", "/api/system/identify")
    assert status == (204 if identify else 404)
    assert device.identify_count == int(identify)
    status, _ = await client.call("PUT", "/api/system/reboot")
    assert status == (204 if reboot else 404)
    assert device.reboot_count == int(reboot)
    uptime = (await client.call("GET", "/api/system"))[1]["uptime_s"]
    assert uptime == (0 if reboot else 100)


def check_crc(telegram: str) -> None:
    body, _, crc = telegram.rpartition("!")
    assert crc.strip() == f"{crc16((body + '!').encode()):04X}"


async def test_telegram(homewizard: StartHomeWizard) -> None:
    client = await homewizard()
    client.device.external_types.append("steam_meter")
    async with client.session.get(
        client.sim.url + "/api/telegram", headers=client.auth(), ssl=client.ssl
    ) as response:
        assert response.status == 200
        assert response.content_type == "text/plain"
        telegram = await response.text()
    assert telegram.startswith("/ISKRA\\2M550T-101\r\n\r\n")
    assert telegram.endswith("\r\n")
    check_crc(telegram)
    assert "0-1:24.1.0(003)" in telegram
    assert "0-2:24.1.0(007)" in telegram
    assert "0-3:" not in telegram
    assert "1-0:72.7.0(" in telegram
    assert "0-0:96.14.0(0002)" in telegram

    client.device.telegram_available = False
    assert await client.call("GET", "/api/telegram") == (
        503,
        {"error": "telegram:no-telegram-received"},
    )


async def test_one_phase_telegram(homewizard: StartHomeWizard) -> None:
    client = await homewizard("p1_1phase", start_time=dt.datetime(2025, 1, 5, 3, 0))
    status, telegram = await client.call("GET", "/api/telegram")
    assert status == 200
    check_crc(telegram)
    assert "0-0:1.0.0(250105030000W)" in telegram
    assert "1-0:52.7.0" not in telegram
    assert "24.1.0" not in telegram


@pytest.mark.parametrize("model", ["kwh1", "battery"])
async def test_no_telegram(homewizard: StartHomeWizard, model: str) -> None:
    client = await homewizard(model)
    assert (await client.call("GET", "/api/telegram"))[0] == 404


def test_crc16_known_value() -> None:
    assert crc16(b"123456789") == 0xBB3D  # CRC-16/ARC check value


@pytest.mark.parametrize(
    ("fault", "status", "content_type"),
    [
        (Fault(FaultKind.STATUS), 500, "application/json"),
        (Fault(FaultKind.HANG, delay=0.01), 200, "application/json"),
        (Fault(FaultKind.MALFORMED), 200, "application/json"),
        (Fault(FaultKind.HTML, status=502), 502, "text/html"),
        (Fault(FaultKind.EMPTY), 200, "application/json"),
        (Fault(FaultKind.HUGE, size=100), 200, "application/json"),
        (Fault(FaultKind.CONTENT_TYPE), 200, "application/octet-stream"),
        (Fault(FaultKind.VENDOR_ERROR, status=500), 500, "application/json"),
    ],
)
async def test_faults_apply(
    homewizard: StartHomeWizard, fault: Fault, status: int, content_type: str
) -> None:
    client = await homewizard()
    client.device.set_fault(fault)
    async with client.session.get(
        client.sim.url + "/api/measurement", headers=client.auth(), ssl=client.ssl
    ) as response:
        assert (response.status, response.content_type) == (status, content_type)
        body = await response.read()
    if fault.kind is FaultKind.VENDOR_ERROR:
        assert json.loads(body) == {"error": "request:internal-server-error"}
    if fault.kind is FaultKind.HANG:
        assert "power_w" in json.loads(body)


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        (FaultKind.DROP, aiohttp.ServerDisconnectedError),
        (FaultKind.TRUNCATED, aiohttp.ClientPayloadError),
    ],
)
async def test_broken_connection_faults(
    homewizard: StartHomeWizard, kind: FaultKind, error: type[Exception]
) -> None:
    client = await homewizard()
    client.device.set_fault(Fault(kind))  # aiohttp retries once after a drop
    with pytest.raises(error):
        async with client.session.get(
            client.sim.url + "/api", headers=client.auth(), ssl=client.ssl
        ) as response:
            await response.read()
    client.device.clear_fault()
    assert (await client.call("GET", "/api"))[0] == 200


async def test_faults_come_before_auth(homewizard: StartHomeWizard) -> None:
    client = await homewizard()
    client.device.set_fault(
        Fault(FaultKind.STATUS, status=503, path_prefix="/api/user")
    )
    assert (await client.call("POST", "/api/user", json={}, anonymous=True))[0] == 503
    assert (await client.call("GET", "/api", anonymous=True))[0] == 401


async def test_control_routes(homewizard: StartHomeWizard) -> None:
    client = await homewizard("kwh1")
    url = client.sim.url
    session, ctx = client.session, client.ssl

    async def control(method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
        async with session.request(method, url + path, ssl=ctx, **kwargs) as response:
            assert "X-Api-Version" not in response.headers
            return response.status, await response.json()

    state = (await control("GET", "/_sim/state"))[1]
    assert state == {
        "model": "kwh1",
        "serial": client.device.serial,
        "identity": client.device.identity,
        "api_version": "2.2.0",
        "tokens": 1,
        "users": ["local/test"],
        "creation_enabled": False,
        "mode": "zero",
        "ws_connections": 0,
        "push_enabled": True,
        "identify_count": 0,
        "reboot_count": 0,
    }
    assert await control("POST", "/_sim/press") == (200, {"ok": True})
    assert client.device.users.creation_enabled
    assert await control("POST", "/_sim/token", json={"token": "ABCD"}) == (
        200,
        {"ok": True, "token": "ABCD"},
    )
    status, body = await control("POST", "/_sim/token")
    assert status == 200
    assert TOKEN_RE.match(body["token"])
    assert (await control("POST", "/_sim/token", json={"token": 5}))[0] == 400
    assert (await control("POST", "/_sim/token", data=b"{"))[0] == 400
    assert await control("POST", "/_sim/ws/close") == (200, {"ok": True})
    assert await control("POST", "/_sim/revoke") == (200, {"ok": True})
    assert (await control("GET", "/_sim/state"))[1]["tokens"] == 0
    assert (await client.call("GET", "/api", token="ABCD"))[0] == 401
