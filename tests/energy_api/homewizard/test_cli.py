"""`python -m energy_api homewizard ...` against a simulator started from its own CLI."""

from collections.abc import Iterator
import json
from pathlib import Path
import re
import subprocess
import sys

import pytest

TOKEN = "0123456789ABCDEF0123456789ABCDEF"
SERIAL = "5c2fafaabbcc"


@pytest.fixture(name="p1_process")
def fixture_p1_process(socket_enabled: None) -> Iterator[tuple[str, Path]]:
    """Run a simulated P1 meter over HTTPS; yield its host and CA file."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "simulators",
            "homewizard-p1",
            "--port",
            "0",
            "--tls",
            "--token",
            TOKEN,
            "--serial",
            SERIAL,
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    ca_path = url = None
    for line in process.stdout:
        if match := re.search(r"CA certificate written to (\S+)", line):
            ca_path = Path(match.group(1))
        if match := re.search(r"listening on https://(\S+)", line):
            url = match.group(1)
            break
    assert ca_path is not None
    assert url is not None
    yield url, ca_path
    process.terminate()
    process.wait(10)


def energy_api(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "energy_api", "homewizard", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_measure_watch_and_pair(p1_process: tuple[str, Path]) -> None:
    host, ca = p1_process
    measured = energy_api("measure", host, "--token", TOKEN, "--ca", str(ca))
    assert measured.returncode == 0, measured.stderr
    assert json.loads(measured.stdout)["power_w"] is not None
    watched = energy_api(
        "watch", host, "--token", TOKEN, "--ca", str(ca), "--count", "3"
    )
    assert watched.returncode == 0, watched.stderr
    lines = [json.loads(line) for line in watched.stdout.splitlines()]
    assert len(lines) >= 3
    assert {line["type"] for line in lines} <= {
        "Measurement",
        "System",
        "Batteries",
        "Device",
    }
    # Nobody presses the button: a clear one-line error, no traceback.
    paired = energy_api("pair", host, "--ca", str(ca), "--wait", "1")
    assert paired.returncode == 1
    assert "PairingNotEnabledError" in paired.stderr
    assert "Traceback" not in paired.stderr
    assert TOKEN not in measured.stderr + watched.stderr + paired.stderr
    refused = energy_api("measure", host, "--token", TOKEN)
    assert refused.returncode == 1
    assert "CertificateError" in refused.stderr
    assert "not trusted" in refused.stderr
    assert SERIAL not in refused.stderr + paired.stderr
