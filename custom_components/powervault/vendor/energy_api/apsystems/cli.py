"""`python -m energy_api apsystems check|summary|hourly|inverters`."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from datetime import UTC, date, datetime
import json
import os
from pathlib import Path
import ssl
import sys
from typing import Any

import aiohttp

from ..errors import CannotConnectError, EnergyApiError
from .client import ApsystemsClient
from .const import DEFAULT_BASE_URL, EnergyLevel
from .errors import (
    AccountRejectedError,
    PermissionDeniedError,
    QuotaExhaustedError,
    SignatureRejectedError,
)
from .models import Ecu, SystemDetails

ENV_APP_ID = "APSYSTEMS_APP_ID"
ENV_APP_SECRET = "APSYSTEMS_APP_SECRET"  # noqa: S105 - a variable name
APP_PAGE = "the APsystems app (Settings > OpenAPI Service)"

type Command = Callable[
    [ApsystemsClient, argparse.Namespace, "CallCounter"], Awaitable[int]
]


class CallCounter:
    """Counts the requests sent (retries included): each costs quota."""

    def __init__(self) -> None:
        """Start at zero."""
        self.calls = 0

    def __call__(self, endpoint: str) -> None:
        """Count one request."""
        self.calls += 1


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `apsystems` command and its subcommands."""
    parser = commands.add_parser(
        "apsystems", help="APsystems EMA cloud (OpenAPI, 1000 calls a month)"
    )
    sub = parser.add_subparsers(dest="apsystems_command", required=True)
    check = sub.add_parser(
        "check", help="prove App Id, App Secret, SID and clock with one call"
    )
    check.set_defaults(run=_check)
    summary = sub.add_parser(
        "summary", help="print the system's energy today/month/year/lifetime"
    )
    summary.set_defaults(run=_summary)
    hourly = sub.add_parser("hourly", help="print a day's hourly energy (kWh)")
    hourly.set_defaults(run=_hourly)
    inverters = sub.add_parser("inverters", help="print the ECUs and inverters")
    inverters.set_defaults(run=_inverters)
    for command in (check, summary, hourly, inverters):
        _add_common(command)


def _add_common(parser: argparse.ArgumentParser) -> None:
    app_id, app_secret = os.environ.get(ENV_APP_ID), os.environ.get(ENV_APP_SECRET)
    parser.add_argument(
        "--app-id",
        default=app_id,
        required=app_id is None,
        help=f"32 characters (or ${ENV_APP_ID})",
    )
    parser.add_argument(
        "--app-secret",
        default=app_secret,
        required=app_secret is None,
        help=f"12 characters (or ${ENV_APP_SECRET})",
    )
    parser.add_argument("--sid", required=True, help="the system id (SID)")
    parser.add_argument("--base-url", default=DEFAULT_BASE_URL)
    parser.add_argument(
        "--ca", type=Path, help="PEM file of the CA to trust instead of the system's"
    )
    parser.add_argument(
        "--date",
        type=date.fromisoformat,
        help="YYYY-MM-DD, for hourly (default: today in the system's timezone, "
        "which costs one call more)",
    )


def _print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, default=str))


async def _check(
    client: ApsystemsClient, args: argparse.Namespace, counter: CallCounter
) -> int:
    details = await client.system_details(args.sid)
    if details is None:
        print(
            "no data for this system (code 1001): check the SID "
            "(Account Details > Personal Info)"
        )
        print(f"calls spent: {counter.calls}")
        return 1
    print("OK: the App Id, App Secret, SID and this computer's clock were accepted")
    print(f"calls spent: {counter.calls}")
    print(f"timezone: {details.timezone or 'not given'}")
    print(f"ECUs: {len(details.ecus)}")
    return 0


async def _summary(
    client: ApsystemsClient, args: argparse.Namespace, counter: CallCounter
) -> int:
    summary = await client.system_summary(args.sid)
    _print_json(
        {
            "calls_spent": counter.calls,
            "summary": None if summary is None else asdict(summary),
        }
    )
    return 0


async def _hourly(
    client: ApsystemsClient, args: argparse.Namespace, counter: CallCounter
) -> int:
    day: date | None = args.date
    details: SystemDetails | None = None
    if day is None:
        details = await client.system_details(args.sid)
        if details is not None and (tz := details.zone) is not None:
            client.timezone = tz
        day = client.today()
    hours = await client.system_energy(args.sid, EnergyLevel.HOURLY, day.isoformat())
    _print_json(
        {
            "calls_spent": counter.calls,
            "date": day.isoformat(),
            "timezone": details.timezone if details else None,
            "hourly_kwh": hours,
            "total_kwh": None
            if hours is None
            else round(sum(value or 0.0 for value in hours), 3),
        }
    )
    return 0


def _ecu_json(ecu: Ecu) -> dict[str, Any]:
    return {
        **asdict(ecu),
        "inverters": [
            {
                "uid": inverter.uid,
                "model": inverter.model,
                "channels": inverter.channels,
            }
            for inverter in ecu.inverters
        ],
        "has_meter": ecu.has_meter,
        "has_storage": ecu.has_storage,
    }


async def _inverters(
    client: ApsystemsClient, args: argparse.Namespace, counter: CallCounter
) -> int:
    ecus = await client.inverters(args.sid)
    _print_json(
        {
            "calls_spent": counter.calls,
            "ecus": None if ecus is None else [_ecu_json(ecu) for ecu in ecus],
        }
    )
    return 0


def _account_advice(code: int) -> str:
    if code == 2001:
        return (
            f"the App Id is not a valid application account: copy it again from "
            f"{APP_PAGE}; the service may have been shut down, or closed after six "
            "months without use"
        )
    return f"check the App Id and App Secret in {APP_PAGE}, and that the service is on"


_ADVICE: tuple[tuple[type[EnergyApiError], str], ...] = (
    (
        PermissionDeniedError,
        (
            "the application account may not read this: check that the SID "
            "(Account Details > Personal Info) belongs to the account behind the App Id, "
            "or the endpoint is not in its plan"
        ),
    ),
    (
        CannotConnectError,
        "check the network and --base-url (and --ca for a private CA)",
    ),
)


def diagnosis(err: EnergyApiError, now: datetime) -> str | None:
    """Return what to check for an error, or None if the error says it all."""
    if isinstance(err, SignatureRejectedError):
        return (
            f"check this computer's clock (it says {now:%Y-%m-%d %H:%M:%S} UTC; a few "
            f"minutes off is refused), that the App Secret is the one shown in {APP_PAGE} "
            "and was not changed since, and that the App Id belongs to it"
        )
    if isinstance(err, AccountRejectedError):
        return _account_advice(err.code)
    if isinstance(err, QuotaExhaustedError):
        hours = (err.retry_after or 0.0) / 3600
        return (
            f"this month's API calls are used up; the quota resets at "
            f"{err.resets_at.isoformat()} (in {hours:.1f} h)"
        )
    return next((text for kind, text in _ADVICE if isinstance(err, kind)), None)


async def _run(args: argparse.Namespace) -> int:
    counter = CallCounter()
    ssl_context: ssl.SSLContext | bool = True
    if args.ca is not None:
        ssl_context = ssl.create_default_context(cafile=str(args.ca))
    command: Command = args.run
    async with aiohttp.ClientSession() as session:
        client = ApsystemsClient(
            session,
            args.app_id,
            args.app_secret,
            base_url=args.base_url,
            on_request=counter,
            ssl_context=ssl_context,
        )
        client.remember(args.sid)
        try:
            return await command(client, args, counter)
        except EnergyApiError as err:
            print(f"error: {type(err).__name__}: {err}", file=sys.stderr)
            if (advice := diagnosis(err, datetime.now(UTC))) is not None:
                print(f"diagnosis: {advice}", file=sys.stderr)
            print(f"calls spent: {counter.calls}", file=sys.stderr)
            return 1


def run(args: argparse.Namespace) -> int:
    """Run an `apsystems` subcommand; errors print a line (and a diagnosis) and exit 1."""
    try:
        return asyncio.run(_run(args))
    except OSError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
