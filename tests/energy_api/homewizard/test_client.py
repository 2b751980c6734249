"""REST endpoints, errors and pairing."""

import aiohttp
import pytest

from energy_api.errors import (
    AuthenticationError,
    CannotConnectError,
    CertificateError,
    InvalidResponseError,
    VendorApiError,
)
from energy_api.homewizard import (
    HOMEWIZARD_CA_PEM,
    BatteryMode,
    HomeWizardClient,
    InvalidUserNameError,
    PairingNotEnabledError,
    Permission,
    RequestRejectedError,
    UnsupportedError,
    V1OnlyError,
    create_ssl_context,
    map_error,
)
from simulators import Fault, FaultKind, HomeWizardDevice, SimulatedDevice
from simulators.pytest_plugin import StartSimulator
from simulators.tls import TestCA

from .conftest import Connect


async def test_p1_reads_everything(connect: Connect) -> None:
    p1 = await connect("p1_3phase")
    device = await p1.client.device()
    assert device.product_type == "HWE-P1"
    assert device.identity == p1.device.identity
    measurement = await p1.client.measurement()
    assert measurement.power_l3_w is not None
    assert measurement.energy_import_t2_kwh is not None
    assert measurement.monthly_power_peak_timestamp is not None
    assert {meter.type for meter in measurement.external} == {
        "gas_meter",
        "water_meter",
    }
    assert measurement.unknown == {}
    system = await p1.client.system()
    assert system.wifi_ssid == "My Wi-Fi"
    assert 0 <= (system.wifi_strength_pct or -1) <= 100
    batteries = await p1.client.batteries()
    assert batteries.known_mode is BatteryMode.ZERO
    assert "DSMR" in await p1.client.telegram() or (
        await p1.client.telegram()
    ).startswith("/")


async def test_settings_and_actions(connect: Connect) -> None:
    p1 = await connect("p1_3phase")
    system = await p1.client.set_system(
        status_led_brightness_pct=40, cloud_enabled=False
    )
    assert system.status_led_brightness_pct == 40
    assert system.cloud_enabled is False
    await p1.client.identify()
    await p1.client.reboot()
    assert (p1.device.identify_count, p1.device.reboot_count) == (1, 1)
    batteries = await p1.client.set_batteries(
        mode=BatteryMode.ZERO, permissions=[Permission.CHARGE]
    )
    assert batteries.permissions == frozenset({Permission.CHARGE})
    batteries = await p1.client.set_batteries(charge_to_full=True)
    assert batteries.known_mode is BatteryMode.TO_FULL
    with pytest.raises(ValueError, match="Nothing"):
        await p1.client.set_system()


async def test_battery_has_no_reboot_and_no_group(connect: Connect) -> None:
    battery = await connect("battery")
    measurement = await battery.client.measurement()
    assert measurement.state_of_charge_pct is not None
    with pytest.raises(UnsupportedError):
        await battery.client.reboot()
    with pytest.raises(UnsupportedError):
        await battery.client.batteries()
    with pytest.raises(VendorApiError, match="cloud_enabled"):
        await battery.client.set_system(cloud_enabled=False)


async def test_kwh_meters(connect: Connect) -> None:
    kwh3 = await connect("kwh3")
    measurement = await kwh3.client.measurement()
    assert measurement.power_factor_l2 is not None
    assert measurement.reactive_power_l3_var is not None
    kwh1 = await connect("kwh1")
    assert (await kwh1.client.measurement()).apparent_power_va is not None
    with pytest.raises(UnsupportedError):
        await kwh1.client.identify()


async def test_unknown_fields_and_types_are_tolerated(connect: Connect) -> None:
    p1 = await connect("p1_3phase")
    p1.device.extra_measurement_fields = {
        "brand_new_w": 5,
        "power_w": "garbage",
        "tariff": 9,
    }
    p1.device.external_types.append("steam_meter")
    measurement = await p1.client.measurement()
    assert measurement.unknown == {"brand_new_w": 5}
    assert measurement.power_w is None
    assert measurement.tariff is None
    assert "steam_meter" in {meter.type for meter in measurement.external}


async def test_bad_bodies_are_typed_errors(connect: Connect) -> None:
    p1 = await connect("p1_3phase")
    for kind in (
        FaultKind.HTML,
        FaultKind.EMPTY,
        FaultKind.MALFORMED,
        FaultKind.HUGE,
        FaultKind.TRUNCATED,
    ):
        p1.device.set_fault(Fault(kind, count=1))
        with pytest.raises(InvalidResponseError):
            await p1.client.measurement()
    p1.device.set_fault(Fault(FaultKind.STATUS, status=200, body=[1, 2], count=1))
    with pytest.raises(InvalidResponseError):
        await p1.client.system()


async def test_rejected_token_and_pairing(connect: Connect) -> None:
    p1 = await connect("p1_3phase", token=False)
    with pytest.raises(AuthenticationError, match="pair"):
        await p1.client.measurement()
    p1.client.token = "0" * 32
    with pytest.raises(AuthenticationError):
        await p1.client.measurement()
    with pytest.raises(PairingNotEnabledError):
        await p1.client.create_token("tests")
    with pytest.raises(PairingNotEnabledError, match=r"not pressed within 0\.05 s"):
        await p1.client.pair("tests", patience=0.05, interval=0.01)
    waits: list[float] = []
    p1.device.press_button()
    token = await p1.client.pair("tests", waiting=waits.append)
    assert p1.client.token == token
    assert waits == []
    users = await p1.client.users()
    assert any(user.current and user.name == "local/tests" for user in users)
    assert (await p1.client.measurement()).power_w is not None
    await p1.client.delete_user()
    assert p1.client.token is None
    p1.client.token = token
    with pytest.raises(AuthenticationError):
        await p1.client.measurement()


async def test_pairing_waits_for_the_button(connect: Connect) -> None:
    p1 = await connect("p1_3phase", token=False)
    waits: list[float] = []

    def press_soon(left: float) -> None:
        waits.append(left)
        p1.device.press_button()

    await p1.client.pair("tests", patience=5, interval=0.01, waiting=press_soon)
    assert len(waits) == 1
    assert p1.client.token is not None


async def test_tls_identity(
    connect: Connect, session: aiohttp.ClientSession, ca_pem: str
) -> None:
    plain = await connect("p1_3phase")
    assert plain.client.tls_name == plain.device.identity
    with_san = await connect("battery", cert_with_san=True)
    assert with_san.client.tls_name == f"{with_san.device.serial}.local"
    assert (await with_san.client.device()).product_type == "HWE-BAT"
    # A client expecting the P1 meets the battery: the handshake fails.
    wrong = HomeWizardClient(
        session,
        with_san.host,
        ssl_context=create_ssl_context(ca_pem),
        tls_name=plain.device.identity,
        token="x",
    )
    with pytest.raises(CertificateError):
        await wrong.device()
    # Only HomeWizard's CA is trusted in production: the test CA is rejected.
    production = HomeWizardClient(
        session,
        plain.host,
        ssl_context=create_ssl_context(HOMEWIZARD_CA_PEM, check_hostname=False),
    )
    with pytest.raises(CertificateError, match="not trusted: unable to get local"):
        await production.probe()


async def test_probe_tells_v1_only_and_unreachable(
    simulator: StartSimulator, session: aiohttp.ClientSession, ca_pem: str
) -> None:
    class V1Device(SimulatedDevice):
        def routes(self) -> list[aiohttp.web.RouteDef]:
            async def api(request: aiohttp.web.Request) -> aiohttp.web.Response:
                return aiohttp.web.json_response(
                    {"api_version": "v1", "product_type": "HWE-P1"}
                )

            return [aiohttp.web.get("/api", api)]

    v1 = await simulator(V1Device())
    probe_ctx = create_ssl_context(ca_pem, check_hostname=False)
    with pytest.raises(V1OnlyError):
        await HomeWizardClient(
            session, f"127.0.0.1:{v1.port}", ssl_context=probe_ctx
        ).probe()
    await v1.stop()
    with pytest.raises(CannotConnectError) as info:
        await HomeWizardClient(
            session, f"127.0.0.1:{v1.port}", ssl_context=probe_ctx
        ).probe()
    assert not isinstance(info.value, V1OnlyError)


async def test_probe_rejects_a_non_homewizard_answer(
    simulator: StartSimulator, session: aiohttp.ClientSession, ca_pem: str
) -> None:
    device = HomeWizardDevice("p1_3phase")
    sim = await simulator(device, tls=True)
    token = device.add_token()
    device.set_fault(Fault(FaultKind.STATUS, status=200, body={}, count=1))
    probe_ctx = create_ssl_context(ca_pem, check_hostname=False)
    with pytest.raises(InvalidResponseError):
        await HomeWizardClient(
            session, f"127.0.0.1:{sim.port}", ssl_context=probe_ctx, token=token
        ).probe()


async def test_pairing_errors_are_raised_at_once_with_their_reason(
    connect: Connect,
) -> None:
    p1 = await connect("p1_3phase", token=False)
    p1.device.press_button()
    waits: list[float] = []
    for name, code in (
        ("bad!name", "user:name-invalid"),
        ("x" * 41, "user:name-too-long"),
    ):
        with pytest.raises(InvalidUserNameError) as info:
            await p1.client.pair(name, patience=60, waiting=waits.append)
        assert info.value.code == code
        assert isinstance(info.value, RequestRejectedError)
    p1.device.set_fault(
        Fault(
            FaultKind.STATUS,
            status=401,
            body={"error": "user:unauthorized"},
            count=1,
            path_prefix="/api/user",
        )
    )
    with pytest.raises(AuthenticationError, match="user:unauthorized"):
        await p1.client.pair("tests", patience=60, waiting=waits.append)
    p1.device.set_fault(Fault(FaultKind.DROP, count=1, path_prefix="/api/user"))
    with pytest.raises(CannotConnectError):
        await p1.client.pair("tests", patience=60, waiting=waits.append)
    assert waits == []
    assert p1.client.token is None
    assert p1.device.requests["/api/user"] == 4


class TextErrors(SimulatedDevice):
    """Answers errors in plain text, as the telegram endpoint documents."""

    def routes(self) -> list[aiohttp.web.RouteDef]:
        async def telegram(request: aiohttp.web.Request) -> aiohttp.web.Response:
            return aiohttp.web.Response(
                status=503, text="telegram:no-telegram-received"
            )

        async def user(request: aiohttp.web.Request) -> aiohttp.web.Response:
            return aiohttp.web.Response(status=503, text="Service Unavailable")

        return [
            aiohttp.web.get("/api/telegram", telegram),
            aiohttp.web.post("/api/user", user),
        ]


async def test_error_answers_keep_the_device_reason(
    connect: Connect,
    simulator: StartSimulator,
    session: aiohttp.ClientSession,
    test_ca: TestCA,
) -> None:
    p1 = await connect("p1_3phase")
    p1.device.telegram_available = False
    with pytest.raises(VendorApiError) as info:
        await p1.client.telegram()
    assert info.value.code == "telegram:no-telegram-received"
    sim = await simulator(TextErrors(), tls=True)
    client = HomeWizardClient(
        session,
        f"127.0.0.1:{sim.port}",
        ssl_context=test_ca.client_context(),
        token="x",
    )
    with pytest.raises(VendorApiError) as info:
        await client.telegram()
    assert info.value.code == "telegram:no-telegram-received"
    assert "503" in str(info.value)
    # Text that is not an error code is kept in the message of the status's error.
    with pytest.raises(CannotConnectError, match="503: Service Unavailable"):
        await client.create_token("tests")


def test_error_bodies_map_to_shared_errors() -> None:
    assert isinstance(
        map_error(401, {"error": "user:unauthorized"}), AuthenticationError
    )
    assert isinstance(
        map_error(403, {"error": "user:creation-not-enabled"}), PairingNotEnabledError
    )
    assert isinstance(map_error(404, None), UnsupportedError)
    assert isinstance(map_error(404, {"error": "request:unknown"}), UnsupportedError)
    other = map_error(400, {"error": "json:parameter-invalid-type:mode"})
    assert isinstance(other, RequestRejectedError)
    assert other.code == "json:parameter-invalid-type:mode"
    name = map_error(400, {"error": "user:name-invalid"})
    assert isinstance(name, InvalidUserNameError)
    assert name.code == "user:name-invalid"
    assert isinstance(map_error(401, None), AuthenticationError)
    assert str(map_error(401, "user:unauthorized")) == "user:unauthorized"
    busy = map_error(503, "telegram:no-telegram-received")
    assert type(busy) is VendorApiError
    assert busy.code == "telegram:no-telegram-received"
    assert isinstance(
        map_error(500, {"error": "request:internal-server-error"}), VendorApiError
    )
    assert map_error(500, "not an error code") is None
    assert map_error(500, {"error": ""}) is None
    assert map_error(200, "user:name-invalid") is None
    assert map_error(200, {"power_w": 3}) is None
