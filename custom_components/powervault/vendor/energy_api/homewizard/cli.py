"""`python -m energy_api homewizard pair|measure|watch HOST`."""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import asdict
import json
from pathlib import Path
import sys
from typing import Any

import aiohttp

from ..errors import EnergyApiError
from .ca import HOMEWIZARD_CA_PEM
from .client import HomeWizardClient
from .connection import SslContexts, connect
from .websocket import HomeWizardWebSocket, Update


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `homewizard` command and its subcommands."""
    parser = commands.add_parser(
        "homewizard", help="HomeWizard Energy devices (local API v2)"
    )
    sub = parser.add_subparsers(dest="homewizard_command", required=True)
    pair = sub.add_parser(
        "pair", help="wait for the device's button and print a new token"
    )
    pair.add_argument(
        "--name", default="energy-api-cli", help="user name for the token"
    )
    pair.add_argument(
        "--wait", type=float, default=60, help="seconds to wait for the button"
    )
    pair.set_defaults(run=_pair)
    measure = sub.add_parser("measure", help="print the latest measurement as JSON")
    measure.set_defaults(run=_measure)
    watch = sub.add_parser("watch", help="print pushed updates as JSON lines")
    watch.add_argument(
        "--count", type=int, default=0, help="stop after this many (0: never)"
    )
    watch.set_defaults(run=_watch)
    for command in (pair, measure, watch):
        command.add_argument("host", help="IP address or host name of the device")
        command.add_argument(
            "--ca",
            type=Path,
            help="PEM file of the CA to trust (default: HomeWizard's)",
        )
        if command is not pair:
            command.add_argument("--token", required=True)


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


async def _client(
    session: aiohttp.ClientSession, args: argparse.Namespace
) -> HomeWizardClient:
    ca = args.ca.read_text() if args.ca else HOMEWIZARD_CA_PEM
    return await connect(
        session,
        args.host,
        SslContexts.from_ca(ca),
        token=getattr(args, "token", None),
    )


async def _pair(args: argparse.Namespace) -> int:
    async with aiohttp.ClientSession() as session:
        client = await _client(session, args)
        print(
            "Press the device's button (P1: white button; battery: touch button; kWh: hold the Wi-Fi button 1-3 s)",
            file=sys.stderr,
        )
        print(await client.pair(args.name, patience=args.wait))
    return 0


async def _measure(args: argparse.Namespace) -> int:
    async with aiohttp.ClientSession() as session:
        client = await _client(session, args)
        measurement = await client.measurement()
        print(json.dumps(_jsonable(asdict(measurement)), indent=2))
    return 0


async def _watch(args: argparse.Namespace) -> int:
    async with aiohttp.ClientSession() as session:
        client = await _client(session, args)
        seen = 0
        socket: HomeWizardWebSocket
        stopping: list[asyncio.Task[None]] = []

        def show(update: Update) -> None:
            nonlocal seen
            print(
                json.dumps(
                    {"type": type(update).__name__, "data": _jsonable(asdict(update))}
                ),
                flush=True,
            )
            seen += 1
            if args.count and seen >= args.count:
                stopping.append(asyncio.get_running_loop().create_task(socket.stop()))

        socket = HomeWizardWebSocket(client, show)
        await socket.run()
    return 0


def run(args: argparse.Namespace) -> int:
    """Run a `homewizard` subcommand; errors print one line and exit 1."""
    try:
        code: int = asyncio.run(args.run(args))
    except EnergyApiError as err:
        print(f"error: {type(err).__name__}: {err}", file=sys.stderr)
        return 1
    return code
