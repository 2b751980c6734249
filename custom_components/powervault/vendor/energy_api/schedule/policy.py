"""Schedule policies: each answers when the next refresh should run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Protocol

from .quota import QuotaPlanner
from .solar import SolarWindow
from .usage import MonthlyUsage


class SchedulePolicy(Protocol):
    """Decides the next refresh; None means no scheduled refresh."""

    def next_refresh(
        self, now: datetime, last_refresh: datetime | None
    ) -> datetime | None:
        """Return the next refresh after one that ended at `now`."""


@dataclass(slots=True)
class FixedInterval:
    """Refresh every `interval`."""

    interval: timedelta

    def next_refresh(
        self, now: datetime, last_refresh: datetime | None
    ) -> datetime | None:
        """`now` plus the interval."""
        return now + self.interval


@dataclass(slots=True)
class SolarWindowInterval:
    """Refresh every `interval` inside the solar window, and not at all outside it."""

    window: SolarWindow
    timezone: tzinfo
    interval: timedelta

    def next_refresh(
        self, now: datetime, last_refresh: datetime | None
    ) -> datetime | None:
        """Next interval tick if still inside today's window, else the next window's start."""
        local = now.astimezone(self.timezone)
        target = local + self.interval
        if self.window.contains(target):
            return target
        span = self.window.next_span(target)
        return None if span is None else span[0]


@dataclass(slots=True)
class PushWithFallback:
    """No polling while pushed data arrives; poll every `fallback` while push is down."""

    fallback: timedelta
    connected: bool = False

    def next_refresh(
        self, now: datetime, last_refresh: datetime | None
    ) -> datetime | None:
        """None while connected, else the fallback tick."""
        return None if self.connected else now + self.fallback


@dataclass(slots=True)
class QuotaPlanned:
    """Polls as the quota planner says, with the spent count from a persisted counter."""

    planner: QuotaPlanner
    usage: MonthlyUsage
    committed: Callable[[datetime], int]

    def next_refresh(
        self, now: datetime, last_refresh: datetime | None
    ) -> datetime | None:
        """Ask the planner, with this month's usage and commitments."""
        return self.planner.next_poll(
            now,
            spent=self.usage.spent_at(now),
            committed=self.committed(now),
            manual_spent=self.usage.manual_spent_at(now),
            last_poll=last_refresh,
        )
