"""Command line: `python -m simulators <device> --port N [--host H] [--tls]`."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
import ipaddress
from pathlib import Path
import signal
import ssl
import sys
import tempfile

from .base import SimulatedDevice
from .registry import DEVICES
from .runner import start_simulator
from .tls import TestCA

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
    return parser.parse_args(argv)


def say(line: str) -> None:
    """Print a line to stdout at once."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def tls_context(host: str) -> ssl.SSLContext:
    """Create a test CA, write its PEM to a temporary file and return a server context."""
    ca = TestCA.create()
    ca_path = Path(tempfile.mkdtemp(prefix="sim-ca-"), "ca.pem")
    ca_path.write_bytes(ca.ca_pem)
    say(f"CA certificate written to {ca_path}")
    ips, dns_names = ["127.0.0.1"], ["localhost"]
    if host not in {*ips, *dns_names}:
        (ips if _is_ip(host) else dns_names).append(host)
    cert = ca.issue(host, dns_names=dns_names, ip_addresses=ips)
    return ca.server_context(cert)


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
    context = tls_context(args.host) if args.tls else None
    asyncio.run(serve(DEVICES[args.device](), args.host, args.port, context))


if __name__ == "__main__":
    main()
