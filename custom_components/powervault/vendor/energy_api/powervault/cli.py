"""`python -m energy_api powervault status|data|set-state|cancel` (cloud or local)."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import asdict, is_dataclass
from datetime import UTC, date, datetime, time, timedelta
import json
import os
import sys
from typing import Any

import aiohttp

from ..errors import AuthenticationError, EnergyApiError
from .cloud import PowervaultCloud
from .const import DEFAULT_CLOUD_URL, LOCAL_PORT, BatteryState, Period
from .errors import NotFoundError
from .local import PowervaultLocal
from .models import Telemetry
from .state import effective_state

ENV_API_KEY = "POWERVAULT_API_KEY"
TELEMETRY_FIELDS = (
    "soc_pct",
    "soc_average_pct",
    "grid_power_w",
    "battery_power_w",
    "solar_power_w",
    "home_power_w",
    "grid_current_a",
    "battery_current_a",
    "inverter_voltage_v",
    "inverter_frequency_hz",
    "max_charge_power_w",
    "max_discharge_power_w",
    "temperature_c",
    "cpu_temperature_c",
    "actual_state",
    "requested_state",
)

type Client = PowervaultCloud | PowervaultLocal
type Command = Callable[[Client, argparse.Namespace], Awaitable[Any]]


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `powervault` command and its subcommands."""
    parser = commands.add_parser(
        "powervault",
        help="Powervault batteries: cloud API (P4/P5) or local API (P3/P3X)",
    )
    sub = parser.add_subparsers(dest="powervault_command", required=True)
    status = sub.add_parser(
        "status",
        help="print the unit, latest power, schedule, overrides and effective state "
        "(cloud without --unit: the account and its units)",
    )
    status.set_defaults(run=_status)
    data = sub.add_parser(
        "data", help="print the latest row or a period's rows (local: telemetry)"
    )
    data.add_argument("--period", choices=[p.value for p in Period])
    data.set_defaults(run=_data)
    set_state = sub.add_parser(
        "set-state", help="override the battery state (default for 24 hours)"
    )
    set_state.add_argument("state", choices=[s.value for s in BatteryState])
    how_long = set_state.add_mutually_exclusive_group()
    how_long.add_argument("--duration", type=float, help="minutes")
    how_long.add_argument(
        "--until", type=datetime.fromisoformat, help="ISO time (no zone: UTC)"
    )
    set_state.set_defaults(run=_set_state)
    cancel = sub.add_parser("cancel", help="cancel the override: the schedule applies")
    cancel.set_defaults(run=_cancel)
    for command in (status, data, set_state, cancel):
        _add_common(command)


def _add_common(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--api-key",
        default=os.environ.get(ENV_API_KEY) or None,
        help=f"cloud API key (or ${ENV_API_KEY})",
    )
    where.add_argument("--host", help="local unit's IP address or name (P3/P3X)")
    parser.add_argument("--unit", help="cloud unit id, e.g. PV-1001")
    parser.add_argument("--base-url", default=DEFAULT_CLOUD_URL, help="cloud URL")
    parser.add_argument("--port", type=int, default=LOCAL_PORT, help="local port")


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, timedelta):
        return value.total_seconds()
    return str(value)


def _print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, default=_json_default))


def _telemetry_json(telemetry: Telemetry) -> dict[str, Any]:
    return {
        "at": telemetry.at,
        **{name: getattr(telemetry, name) for name in TELEMETRY_FIELDS},
    }


def _unit(args: argparse.Namespace) -> str:
    if not args.unit:
        raise ValueError("--unit is required with --api-key for this command")
    unit: str = args.unit
    return unit


def _now(client: Client) -> datetime:
    return client.clock()


async def _status(client: Client, args: argparse.Namespace) -> dict[str, Any]:
    if isinstance(client, PowervaultLocal):
        schedule, override = await client.schedule(), await client.override()
        overrides = [] if override is None else [override]
        result: dict[str, Any] = {
            "health": await client.health(),
            "unit_id": await client.unit_id(),
            "platform": await client.platform(),
            "telemetry": _telemetry_json(await client.telemetry()),
        }
    elif not args.unit:
        account = await client.account()
        return {"account": account, "units": await client.units(account.id)}
    else:
        schedule = await client.schedule(args.unit)
        overrides = await client.overrides(args.unit)
        latest = await client.data(args.unit)
        result = {
            "unit": await client.unit(args.unit),
            "latest": latest[-1] if latest else None,
        }
    result["schedule"] = schedule
    result["overrides"] = overrides
    result["effective_state"] = effective_state(_now(client), schedule, overrides)
    return result


async def _data(client: Client, args: argparse.Namespace) -> Any:
    if isinstance(client, PowervaultLocal):
        if args.period is not None:
            raise ValueError("--period needs the cloud API (--api-key)")
        return _telemetry_json(await client.telemetry())
    return await client.data(_unit(args), args.period)


def _window(args: argparse.Namespace) -> dict[str, Any]:
    until: datetime | None = args.until
    if until is not None and until.tzinfo is None:
        until = until.replace(tzinfo=UTC)
    duration = None if args.duration is None else timedelta(minutes=args.duration)
    return {"until": until, "duration": duration}


async def _set_state(client: Client, args: argparse.Namespace) -> Any:
    if isinstance(client, PowervaultLocal):
        return await client.set_state(args.state, **_window(args))
    return await client.set_state(_unit(args), args.state, **_window(args))


async def _cancel(client: Client, args: argparse.Namespace) -> Any:
    if isinstance(client, PowervaultLocal):
        await client.cancel_override()
    else:
        await client.cancel_override(_unit(args))
    return {"cancelled": True}


def _advice(err: EnergyApiError) -> str | None:
    if isinstance(err, AuthenticationError):
        return "the API key was rejected: check it (keys are issued by Powervault)"
    if isinstance(err, NotFoundError):
        return "check --unit (`status` without --unit lists the account's units)"
    return None


async def _run(args: argparse.Namespace) -> int:
    command: Command = args.run
    async with aiohttp.ClientSession() as session:
        client: Client
        if args.host is not None:
            client = PowervaultLocal(session, args.host, port=args.port)
        elif not args.api_key:
            raise ValueError(f"give --api-key (or ${ENV_API_KEY}) or --host")
        else:
            client = PowervaultCloud(session, args.api_key, base_url=args.base_url)
        try:
            _print_json(await command(client, args))
        except EnergyApiError as err:
            print(f"error: {type(err).__name__}: {err}", file=sys.stderr)
            if (advice := _advice(err)) is not None:
                print(f"diagnosis: {advice}", file=sys.stderr)
            return 1
    return 0


def run(args: argparse.Namespace) -> int:
    """Run a `powervault` subcommand; errors print a line and exit 1."""
    try:
        return asyncio.run(_run(args))
    except (ValueError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
