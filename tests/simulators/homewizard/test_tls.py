"""HomeWizard device certificates (CN identity, optional SAN) and the command line."""

from __future__ import annotations

import asyncio
import shutil
import ssl
import sys

import aiohttp
from cryptography import x509
from cryptography.x509.oid import NameOID
import pytest

from simulators import (
    HomeWizardDevice,
    RunningSimulator,
    TestCA,
    __main__ as cli,
    homewizard_server_context,
    start_simulator,
)
from simulators.homewizard import homewizard_certificate
from simulators.homewizard.testing import client_ssl_context
from simulators.pytest_plugin import StartSimulator
from tests.paths import REPO as ROOT, written_ca

TIMEOUT = 10


def load(
    device: HomeWizardDevice, test_ca: TestCA, *, with_san: bool
) -> x509.Certificate:
    server = homewizard_certificate(test_ca, device, with_san=with_san)
    return x509.load_pem_x509_certificate(server.cert_pem)


def common_name(cert: x509.Certificate) -> str:
    (attribute,) = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(attribute.value)


def test_certificate_without_san(test_ca: TestCA) -> None:
    device = HomeWizardDevice("kwh3", serial="5c2fafaabbcc")
    cert = load(device, test_ca, with_san=False)
    assert common_name(cert) == "appliance/energymeter/5c2fafaabbcc"
    assert cert.serial_number == 0x5C2FAFAABBCC
    with pytest.raises(x509.ExtensionNotFound):
        cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)


def test_certificate_with_san(test_ca: TestCA) -> None:
    device = HomeWizardDevice("battery")
    cert = load(device, test_ca, with_san=True)
    assert common_name(cert) == device.identity
    assert device.identity.startswith("appliance/battery/")
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    (dns,) = names.get_values_for_type(x509.DNSName)
    assert dns.startswith(device.serial)
    assert [str(ip) for ip in names.get_values_for_type(x509.IPAddress)] == [
        "127.0.0.1"
    ]


def test_zero_serial_still_gets_a_valid_certificate(test_ca: TestCA) -> None:
    device = HomeWizardDevice(serial="000000000000")
    assert load(device, test_ca, with_san=False).serial_number == 1


def test_issue_without_names_has_no_san(test_ca: TestCA) -> None:
    server = test_ca.issue("x", ip_addresses=())
    cert = x509.load_pem_x509_certificate(server.cert_pem)
    assert not any(
        isinstance(ext.value, x509.SubjectAlternativeName) for ext in cert.extensions
    )


async def get_info(
    sim: RunningSimulator[HomeWizardDevice],
    context: ssl.SSLContext,
    server_hostname: str | None = None,
) -> int:
    token = sim.device.add_token()
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            sim.url + "/api",
            ssl=context,
            server_hostname=server_hostname,
            headers={"Authorization": f"Bearer {token}"},
        ) as response,
    ):
        return response.status


@pytest.mark.parametrize(
    ("with_san", "hostname", "ok"),
    [
        (False, "identity", True),  # CN pinning, as the HomeWizard docs do it
        (False, None, False),  # 127.0.0.1 is not in a CN-only certificate
        (True, "identity", False),  # a DNS SAN makes OpenSSL ignore the CN
        (True, None, True),  # IP SAN 127.0.0.1
        (True, "serial", True),  # DNS SAN <serial>.local
    ],
)
@pytest.mark.usefixtures("socket_enabled")
async def test_hostname_verification(
    test_ca: TestCA, with_san: bool, hostname: str | None, ok: bool
) -> None:
    device = HomeWizardDevice()
    context = homewizard_server_context(test_ca, device, with_san=with_san)
    names = {"identity": device.identity, "serial": f"{device.serial}.local"}
    server_hostname = None if hostname is None else names[hostname]
    client = client_ssl_context(test_ca, pin_identity=True)
    assert client.verify_flags & ssl.VERIFY_X509_STRICT
    async with await start_simulator(device, ssl_context=context) as sim:
        if ok:
            assert await get_info(sim, client, server_hostname) == 200
        else:
            with pytest.raises(aiohttp.ClientConnectorCertificateError):
                await get_info(sim, client, server_hostname)
        unchecked = client_ssl_context(test_ca)
        assert await get_info(sim, unchecked, server_hostname) == 200


@pytest.mark.parametrize("with_san", [False, True])
async def test_simulator_fixture_serves_device_certificate(
    simulator: StartSimulator, test_ca: TestCA, with_san: bool
) -> None:
    device = HomeWizardDevice("kwh1", cert_with_san=with_san)
    sim = await simulator(device, tls=True)
    context = client_ssl_context(test_ca, pin_identity=True)
    good, bad = (None, device.identity) if with_san else (device.identity, None)
    assert await get_info(sim, context, good) == 200
    with pytest.raises(aiohttp.ClientConnectorCertificateError):
        await get_info(sim, context, bad)


def test_parse_device_options() -> None:
    args = cli.parse_args(["homewizard-p1", "--token", "T", "--serial", "aabbccddeeff"])
    assert (args.device, args.token, args.serial) == (
        "homewizard-p1",
        "T",
        "aabbccddeeff",
    )
    assert cli.parse_args(["demo"]).token is None


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["demo", "--serial", "aabbccddeeff"], "DemoMeter does not support --serial"),
        (["homewizard-p1", "--serial", "XYZ"], "Invalid serial"),
    ],
)
def test_bad_device_options_exit(argv: list[str], message: str) -> None:
    with pytest.raises(SystemExit, match=message):
        cli.main(argv)


def test_tls_context_uses_device_certificate(
    monkeypatch: pytest.MonkeyPatch, test_ca: TestCA
) -> None:
    issued: list[str] = []
    real = HomeWizardDevice.server_certificate

    def capture(device: HomeWizardDevice, ca: TestCA, host: str) -> object:
        issued.append(host)
        return real(device, ca, host)

    monkeypatch.setattr(HomeWizardDevice, "server_certificate", capture)
    lines: list[str] = []
    monkeypatch.setattr(cli, "say", lines.append)
    assert isinstance(cli.tls_context("0.0.0.0", HomeWizardDevice()), ssl.SSLContext)  # noqa: S104
    shutil.rmtree(written_ca(lines[0]).parent)
    assert issued == ["0.0.0.0"]  # noqa: S104


@pytest.mark.usefixtures("socket_enabled")
async def test_cli_serves_homewizard_with_identity_certificate() -> None:
    token = "0123456789ABCDEF0123456789ABCDEF"
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "simulators",
        "homewizard-p1",
        "--tls",
        "--token",
        token,
        "--serial",
        "aabbccddeeff",
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None
    try:
        line = await asyncio.wait_for(proc.stdout.readline(), TIMEOUT)
        ca_path = written_ca(line.decode().strip())
        try:
            context = ssl.create_default_context(cafile=ca_path)
        finally:
            shutil.rmtree(ca_path.parent)
        context.hostname_checks_common_name = True
        line = await asyncio.wait_for(proc.stdout.readline(), TIMEOUT)
        url = line.decode().strip().removeprefix("listening on ")
        async with (
            aiohttp.ClientSession() as session,
            session.get(
                url + "/api",
                ssl=context,
                server_hostname="appliance/p1dongle/aabbccddeeff",
                headers={"Authorization": f"Bearer {token}"},
            ) as response,
        ):
            assert response.status == 200
            assert (await response.json())["serial"] == "aabbccddeeff"
        proc.terminate()
        assert await asyncio.wait_for(proc.wait(), TIMEOUT) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
