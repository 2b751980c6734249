"""Command line: `python -m energy_api`. Vendor issues add their subcommands here."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import datetime, timedelta
import json
from zoneinfo import ZoneInfo

from . import __version__
from .apsystems import cli as apsystems
from .homewizard import cli as homewizard
from .powervault import cli as powervault
from .schedule.quota import QuotaPlanner
from .schedule.solar import SolarWindow


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="python -m energy_api",
        description="Talk to home energy devices and clouds, and plan API budgets.",
    )
    parser.add_argument("--version", action="version", version=__version__)
    commands = parser.add_subparsers(dest="command", required=True)

    solar = commands.add_parser("solar", help="print the solar window of a day")
    _add_place(solar)
    solar.add_argument("--date", required=True, help="local date, YYYY-MM-DD")
    solar.set_defaults(run=_run_solar)

    plan = commands.add_parser(
        "plan", help="print the next polls the quota planner makes"
    )
    _add_place(plan)
    plan.add_argument("--start", required=True, help="local start, YYYY-MM-DDTHH:MM")
    plan.add_argument("--quota", type=int, default=1000)
    plan.add_argument("--reserve", type=int, default=50)
    plan.add_argument("--spent", type=int, default=0, help="calls spent this month")
    plan.add_argument("--committed", type=int, default=0, help="calls still committed")
    plan.add_argument("--count", type=int, default=10, help="how many polls to print")
    plan.set_defaults(run=_run_plan)
    homewizard.add_commands(commands)
    apsystems.add_commands(commands)
    powervault.add_commands(commands)
    return parser


def _add_place(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--latitude", type=float, required=True)
    parser.add_argument("--longitude", type=float, required=True)
    parser.add_argument(
        "--timezone", default="UTC", help="IANA name, e.g. Europe/London"
    )
    parser.add_argument("--before-sunrise", type=int, default=0, help="minutes")
    parser.add_argument("--after-sunset", type=int, default=0, help="minutes")


def _window(args: argparse.Namespace) -> SolarWindow:
    return SolarWindow(
        args.latitude,
        args.longitude,
        timedelta(minutes=args.before_sunrise),
        timedelta(minutes=args.after_sunset),
    )


def _run_solar(args: argparse.Namespace) -> int:
    tz = ZoneInfo(args.timezone)
    span = _window(args).on(datetime.fromisoformat(args.date).date(), tz)
    result = (
        None
        if span is None
        else {"start": span[0].isoformat(), "end": span[1].isoformat()}
    )
    print(json.dumps(result))
    return 0


def _run_plan(args: argparse.Namespace) -> int:
    tz = ZoneInfo(args.timezone)
    planner = QuotaPlanner(_window(args), tz, quota=args.quota, reserve=args.reserve)
    now = datetime.fromisoformat(args.start).replace(tzinfo=tz)
    spent, last = args.spent, None
    polls = []
    for _ in range(args.count):
        due = planner.next_poll(
            now, spent=spent, committed=args.committed, last_poll=last
        )
        if due is None:
            break
        polls.append(due.isoformat())
        now = last = due
        spent += 1
    print(json.dumps(polls))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = build_parser().parse_args(argv)
    if args.command == "homewizard":
        return homewizard.run(args)
    if args.command == "apsystems":
        return apsystems.run(args)
    if args.command == "powervault":
        return powervault.run(args)
    code: int = args.run(args)
    return code
