"""The `python -m simulators` command line."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
import os
from pathlib import Path
import shutil
import signal
import ssl
import subprocess
import sys

import aiohttp
from cryptography import x509
import pytest

from simulators import DemoMeter, ServerCert, TestCA, __main__ as cli
from tests.paths import REPO as ROOT, written_ca

TIMEOUT = 10


def test_help_exits_zero() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "simulators", "--help"],
        cwd=ROOT,
        capture_output=True,
        check=False,
        timeout=TIMEOUT,
    )
    assert result.returncode == 0
    assert b"demo" in result.stdout


def test_parse_args() -> None:
    args = cli.parse_args(["demo", "--port", "8080", "--tls"])
    assert (args.device, args.host, args.port, args.tls) == (
        "demo",
        "127.0.0.1",
        8080,
        True,
    )


@asynccontextmanager
async def run_cli(*args: str) -> AsyncIterator[asyncio.subprocess.Process]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "simulators",
        *args,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        yield proc
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def read_line(proc: asyncio.subprocess.Process) -> str:
    assert proc.stdout is not None
    line = await asyncio.wait_for(proc.stdout.readline(), TIMEOUT)
    return line.decode().strip()


@pytest.mark.usefixtures("socket_enabled")
async def test_serves_until_terminated() -> None:
    async with run_cli("demo", "--port", "0") as proc:
        line = await read_line(proc)
        assert line.startswith("listening on http://127.0.0.1:")
        url = line.removeprefix("listening on ")
        async with (
            aiohttp.ClientSession() as session,
            session.get(url + "/api/reading") as response,
        ):
            assert response.status == 200
        proc.terminate()
        assert await asyncio.wait_for(proc.wait(), TIMEOUT) == 0


@pytest.mark.usefixtures("socket_enabled")
async def test_serves_https_with_written_ca() -> None:
    async with run_cli("demo", "--tls") as proc:
        ca_line = await read_line(proc)
        ca_path = written_ca(ca_line)
        try:
            context = ssl.create_default_context(cafile=ca_path)
        finally:
            shutil.rmtree(ca_path.parent)
        url = (await read_line(proc)).removeprefix("listening on ")
        assert url.startswith("https://127.0.0.1:")
        async with (
            aiohttp.ClientSession() as session,
            session.get(url + "/api/reading", ssl=context) as response,
        ):
            assert response.status == 200
        proc.send_signal(signal.SIGINT)
        assert await asyncio.wait_for(proc.wait(), TIMEOUT) == 0


@pytest.mark.usefixtures("socket_enabled")
async def test_serve_in_process_stops_on_sigterm(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lines: asyncio.Queue[str] = asyncio.Queue()
    monkeypatch.setattr(cli, "say", lines.put_nowait)
    task = asyncio.create_task(cli.serve(DemoMeter(), "127.0.0.1", 0, None))
    line = await asyncio.wait_for(lines.get(), TIMEOUT)
    assert line.startswith("listening on http://127.0.0.1:")
    os.kill(os.getpid(), signal.SIGTERM)
    await asyncio.wait_for(task, TIMEOUT)


@pytest.mark.parametrize(
    ("host", "dns", "ips"),
    [
        ("127.0.0.1", ["localhost"], ["127.0.0.1"]),
        ("0.0.0.0", ["localhost"], ["127.0.0.1", "0.0.0.0"]),  # noqa: S104
        ("meter.local", ["localhost", "meter.local"], ["127.0.0.1"]),
    ],
)
def test_tls_context_names(
    monkeypatch: pytest.MonkeyPatch, host: str, dns: list[str], ips: list[str]
) -> None:
    issued: list[x509.Certificate] = []
    real_context = TestCA.server_context

    def capture(ca: TestCA, cert: ServerCert) -> ssl.SSLContext:
        issued.append(x509.load_pem_x509_certificate(cert.cert_pem))
        return real_context(ca, cert)

    monkeypatch.setattr(TestCA, "server_context", capture)
    lines: list[str] = []
    monkeypatch.setattr(cli, "say", lines.append)
    assert isinstance(cli.tls_context(host), ssl.SSLContext)
    ca_path = written_ca(lines[0])
    assert ca_path.read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")
    shutil.rmtree(ca_path.parent)
    names = issued[0].extensions.get_extension_for_class(x509.SubjectAlternativeName)
    assert names.value.get_values_for_type(x509.DNSName) == dns
    assert [str(ip) for ip in names.value.get_values_for_type(x509.IPAddress)] == ips


def test_say_flushes_a_line(capsys: pytest.CaptureFixture[str]) -> None:
    cli.say("listening on http://127.0.0.1:1")
    assert capsys.readouterr().out == "listening on http://127.0.0.1:1\n"


def test_ca_dir_needs_tls(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.parse_args(["demo", "--ca-dir", "ca"])
    assert "--ca-dir needs --tls" in capsys.readouterr().err


def test_tls_contexts_share_the_ca_of_a_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    lines: list[str] = []
    monkeypatch.setattr(cli, "say", lines.append)
    cli.tls_context("127.0.0.1", ca_dir=tmp_path)
    cli.tls_context("127.0.0.1", ca_dir=tmp_path)
    pem = tmp_path.resolve() / "ca.pem"
    assert lines == [
        f"CA certificate written to {pem}",
        f"CA certificate read from {pem}",
    ]


@pytest.mark.usefixtures("socket_enabled")
async def test_two_simulators_with_one_ca_dir_are_trusted_alike(
    tmp_path: Path,
) -> None:
    async with (
        run_cli("demo", "--tls", "--ca-dir", str(tmp_path)) as first,
        run_cli("demo", "--tls", "--ca-dir", str(tmp_path)) as second,
    ):
        urls = []
        for proc in (first, second):
            assert (await read_line(proc)).startswith("CA certificate ")
            urls.append((await read_line(proc)).removeprefix("listening on "))
        context = ssl.create_default_context(cafile=tmp_path / "ca.pem")
        async with aiohttp.ClientSession() as session:
            for url in urls:
                async with session.get(url + "/api/reading", ssl=context) as response:
                    assert response.status == 200
