"""Command line: `python -m simulators <device> --port N [--host H] [--tls [--ca-dir D]]`.

Device options such as `--serial`, `--token`, `--state` and `--speed` go to the device's `configure`.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
from pathlib import Path
import signal
import ssl
import sys
import tempfile

from .base import SimulatedDevice
from .registry import DEVICES
from .runner import start_simulator
from .tls import CA_FILE, TestCA

SIGNALS = (signal.SIGINT, signal.SIGTERM)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m simulators", description="Serve a simulated device."
    )
    parser.add_argument("device", choices=sorted(DEVICES))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument(
        "--tls", action="store_true", help="serve HTTPS with a fresh test CA"
    )
    parser.add_argument(
        "--ca-dir",
        type=Path,
        help="with --tls: use the CA kept in this folder (created there if missing)",
    )
    parser.add_argument("--serial", help="device serial number, if it has one")
    parser.add_argument("--token", help="pre-authorise this API token, if supported")
    parser.add_argument(
        "--state", help="keep the device's counters in this JSON file across restarts"
    )
    parser.add_argument(
        "--speed", help="run the data clock this many times faster, if supported"
    )
    parser.add_argument(
        "--time-warp",
        help="EPOCH,START,SPEED: from real time EPOCH the data clock shows START and runs SPEED times as fast, if supported",
    )
    args = parser.parse_args(argv)
    if args.ca_dir is not None and not args.tls:
        parser.error("--ca-dir needs --tls")
    return args


def say(line: str) -> None:
    """Print a line to stdout at once."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def tls_context(
    host: str, device: SimulatedDevice | None = None, ca_dir: Path | None = None
) -> ssl.SSLContext:
    """Return a server context signed by a test CA, and say where its PEM is.

    The CA is the one kept in `ca_dir` (see `TestCA.kept_in`), or else a new
    one written to a temporary folder. The certificate is
    `device.server_certificate(ca, host)`, by default one for `host`,
    localhost and 127.0.0.1.
    """
    if ca_dir is None:
        ca = TestCA.create()
        ca_path = Path(tempfile.mkdtemp(prefix="sim-ca-"), CA_FILE)
        ca_path.write_bytes(ca.ca_pem)
        say(f"CA certificate written to {ca_path}")
    else:
        ca, created = TestCA.kept_in(ca_dir)
        ca_path = (ca_dir / CA_FILE).resolve()
        say(f"CA certificate {'written to' if created else 'read from'} {ca_path}")
    if device is None:
        device = SimulatedDevice()
    return ca.server_context(device.server_certificate(ca, host))


async def serve(
    device: SimulatedDevice, host: str, port: int, ssl_context: ssl.SSLContext | None
) -> None:
    """Serve `device` until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in SIGNALS:
        loop.add_signal_handler(signum, stop.set)
    try:
        running = await start_simulator(
            device, host=host, port=port, ssl_context=ssl_context
        )
        async with running:
            say(f"listening on {running.url}")
            await stop.wait()
    finally:
        for signum in SIGNALS:
            loop.remove_signal_handler(signum)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line."""
    args = parse_args(argv)
    device = DEVICES[args.device]()
    options = {
        name: value
        for name in ("serial", "token", "state", "speed", "time_warp")
        if (value := getattr(args, name)) is not None
    }
    try:
        device.configure(options)
    except ValueError as err:
        sys.exit(f"python -m simulators: error: {err}")
    context = tls_context(args.host, device, args.ca_dir) if args.tls else None
    asyncio.run(serve(device, args.host, args.port, context))


if __name__ == "__main__":
    main()
