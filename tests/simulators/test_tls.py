"""The test CA and HTTPS simulators."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
import ssl

import aiohttp
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
import pytest

from simulators import DemoMeter, TestCA
from simulators.pytest_plugin import StartSimulator


def test_ca_certificate(test_ca: TestCA) -> None:
    cert = x509.load_pem_x509_certificate(test_ca.ca_pem)
    constraints = cert.extensions.get_extension_for_class(x509.BasicConstraints)
    assert constraints.critical
    assert constraints.value.ca
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.key_cert_sign
    assert cert.subject == cert.issuer
    assert "Energy Simulators Test CA" in cert.subject.rfc4514_string()


def test_issued_certificate_names(test_ca: TestCA) -> None:
    server = test_ca.issue("meter", dns_names=["meter.local"], ip_addresses=["::1"])
    cert = x509.load_pem_x509_certificate(server.cert_pem)
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["meter.local"]
    assert [str(ip) for ip in names.get_values_for_type(x509.IPAddress)] == ["::1"]
    assert server.key_pem.startswith(b"-----BEGIN PRIVATE KEY-----")


def test_client_context_is_strict(test_ca: TestCA) -> None:
    context = test_ca.client_context()
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname
    assert context.verify_flags & ssl.VERIFY_X509_STRICT


async def test_https_with_ip_san(simulator: StartSimulator, test_ca: TestCA) -> None:
    sim = await simulator(DemoMeter(), tls=True)
    assert sim.url.startswith("https://127.0.0.1:")
    async with (
        aiohttp.ClientSession() as session,
        session.get(sim.url + "/api/reading", ssl=test_ca.client_context()) as response,
    ):
        assert response.status == 200


@pytest.mark.parametrize(
    ("hostname", "ok"), [("localhost", True), ("other.local", False)]
)
async def test_https_with_dns_san(
    simulator: StartSimulator, test_ca: TestCA, hostname: str, ok: bool
) -> None:
    sim = await simulator(DemoMeter(), tls=True)
    context = test_ca.client_context()
    async with aiohttp.ClientSession() as session:
        request = session.get(
            sim.url + "/api/reading", ssl=context, server_hostname=hostname
        )
        if ok:
            async with request as response:
                assert response.status == 200
        else:
            with pytest.raises(aiohttp.ClientConnectorCertificateError):
                await request


async def test_default_context_rejects_test_ca(simulator: StartSimulator) -> None:
    sim = await simulator(DemoMeter(), tls=True)
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientConnectorCertificateError):
            await session.get(
                sim.url + "/api/reading", ssl=ssl.create_default_context()
            )


async def test_other_ca_is_rejected(simulator: StartSimulator) -> None:
    sim = await simulator(DemoMeter(), tls=True)
    other = TestCA.create("Other CA").client_context()
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientConnectorCertificateError):
            await session.get(sim.url + "/api/reading", ssl=other)


def test_kept_ca_is_created_once_then_shared(tmp_path: Path) -> None:
    folder = tmp_path / "ca"
    first, created = TestCA.kept_in(folder)
    assert created
    again, created = TestCA.kept_in(folder)
    assert not created
    assert again.ca_pem == first.ca_pem == (folder / "ca.pem").read_bytes()
    assert (folder / "ca-key.pem").stat().st_mode & 0o777 == 0o600
    lifetime = first.certificate.not_valid_after_utc - dt.datetime.now(dt.UTC)
    assert lifetime > dt.timedelta(days=3000)
    # A certificate issued by the CA read back is signed by the first one's key.
    cert = x509.load_pem_x509_certificate(again.issue("meter").cert_pem)
    cert.verify_directly_issued_by(first.certificate)


def test_kept_ca_refuses_a_key_of_another_kind(tmp_path: Path) -> None:
    TestCA.kept_in(tmp_path)
    (tmp_path / "ca-key.pem").write_bytes(
        ed25519.Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    with pytest.raises(TypeError, match="not an EC private key"):
        TestCA.kept_in(tmp_path)
