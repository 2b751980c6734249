"""A test certificate authority for TLS simulators: throwaway or kept in a folder."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
import datetime as dt
import fcntl
import ipaddress
import os
from pathlib import Path
import ssl
import tempfile

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

VALID_BEFORE = dt.timedelta(days=1)
VALID_FOR = dt.timedelta(days=30)
KEPT_VALID_FOR = dt.timedelta(days=3650)
CA_FILE = "ca.pem"
CA_KEY_FILE = "ca-key.pem"


@dataclass(frozen=True, slots=True)
class ServerCert:
    """A server certificate and its private key, PEM-encoded."""

    cert_pem: bytes
    key_pem: bytes


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _key_usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


class TestCA:
    """Self-signed EC P-256 CA that issues server certificates for simulators."""

    __test__ = False  # not a pytest test class

    def __init__(
        self, key: ec.EllipticCurvePrivateKey, certificate: x509.Certificate
    ) -> None:
        """Wrap an existing CA key and certificate; see `create`."""
        self._key = key
        self.certificate = certificate

    @classmethod
    def create(
        cls,
        name: str = "Energy Simulators Test CA",
        valid_for: dt.timedelta = VALID_FOR,
    ) -> TestCA:
        """Generate a new CA valid from a day ago for `valid_for` (30 days)."""
        key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.UTC)
        public = key.public_key()
        certificate = (
            x509.CertificateBuilder()
            .subject_name(_name(name))
            .issuer_name(_name(name))
            .public_key(public)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - VALID_BEFORE)
            .not_valid_after(now + valid_for)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_key_usage(ca=True), critical=True)
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(public), critical=False
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(public),
                critical=False,
            )
            .sign(key, hashes.SHA256())
        )
        return cls(key, certificate)

    @classmethod
    def kept_in(cls, folder: Path) -> tuple[TestCA, bool]:
        """Return the CA kept in `folder` and whether this call created it.

        The first call creates a CA valid for ten years and writes `ca.pem` and
        `ca-key.pem` (owner-only) into `folder`; later calls, from any process,
        read them, so every simulator using `folder` shares one CA.
        """
        folder.mkdir(parents=True, exist_ok=True)
        cert_path, key_path = folder / CA_FILE, folder / CA_KEY_FILE
        with (folder / ".lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if cert_path.exists() and key_path.exists():
                key = serialization.load_pem_private_key(
                    key_path.read_bytes(), password=None
                )
                if not isinstance(key, ec.EllipticCurvePrivateKey):
                    raise TypeError(f"{key_path} is not an EC private key")
                certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
                return cls(key, certificate), False
            ca = cls.create(valid_for=KEPT_VALID_FOR)
            descriptor = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as key_file:
                key_file.write(ca.key_pem)
            cert_path.write_bytes(ca.ca_pem)
            return ca, True

    @property
    def ca_pem(self) -> bytes:
        """Return the CA certificate, PEM-encoded."""
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    @property
    def key_pem(self) -> bytes:
        """Return the CA's private key, PEM-encoded and unencrypted."""
        return _key_pem(self._key)

    def issue(
        self,
        common_name: str,
        dns_names: Sequence[str] = (),
        ip_addresses: Sequence[str] = ("127.0.0.1",),
        *,
        serial_number: int | None = None,
    ) -> ServerCert:
        """Issue a server certificate for the given DNS names and IP addresses.

        With no DNS names and no IP addresses the certificate has no
        subjectAltName extension at all, so clients can only match its CN.
        `serial_number` defaults to a random one.
        """
        key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.UTC)
        names: list[x509.GeneralName] = [x509.DNSName(name) for name in dns_names]
        names += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in ip_addresses]
        ca_public = self._key.public_key()
        if serial_number is None:
            serial_number = x509.random_serial_number()
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name))
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(serial_number)
            .not_valid_before(now - VALID_BEFORE)
            .not_valid_after(now + VALID_FOR)
            .add_extension(
                x509.BasicConstraints(ca=False, path_length=None), critical=True
            )
            .add_extension(_key_usage(ca=False), critical=True)
            .add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                critical=False,
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_public),
                critical=False,
            )
        )
        if names:
            builder = builder.add_extension(
                x509.SubjectAlternativeName(names), critical=False
            )
        certificate = builder.sign(self._key, hashes.SHA256())
        return ServerCert(
            cert_pem=certificate.public_bytes(serialization.Encoding.PEM),
            key_pem=_key_pem(key),
        )

    def server_context(self, cert: ServerCert) -> ssl.SSLContext:
        """Return a server-side context presenting `cert`."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        with tempfile.TemporaryDirectory(prefix="sim-tls-") as tmp:
            cert_path = Path(tmp, "cert.pem")
            key_path = Path(tmp, "key.pem")
            cert_path.write_bytes(cert.cert_pem)
            key_path.write_bytes(cert.key_pem)
            context.load_cert_chain(cert_path, key_path)
        return context

    def client_context(self) -> ssl.SSLContext:
        """Return a verifying client context that trusts only this CA."""
        return ssl.create_default_context(cadata=self.ca_pem.decode("ascii"))


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def host_certificate(ca: TestCA, host: str) -> ServerCert:
    """Issue a certificate for `host`, localhost and 127.0.0.1 (CN = `host`)."""
    ips, dns_names = ["127.0.0.1"], ["localhost"]
    if host not in {*ips, *dns_names}:
        (ips if _is_ip(host) else dns_names).append(host)
    return ca.issue(host, dns_names=dns_names, ip_addresses=ips)
