"""Clocks: the data clock (aware datetimes) and the signature clock (Unix seconds)."""

from __future__ import annotations

from collections.abc import Callable
import datetime as dt
import time

QUARTER_S = 900


def now_utc() -> dt.datetime:
    """Return the current time in UTC (looked up on each call, so freezegun applies)."""
    return dt.datetime.now(dt.UTC)


def wall_time() -> float:
    """Return `time.time()` (looked up on each call, so freezegun applies)."""
    return time.time()


def as_utc(at: dt.datetime) -> dt.datetime:
    """Return `at` in UTC; a naive `at` is taken as UTC."""
    if at.tzinfo is None:
        return at.replace(tzinfo=dt.UTC)
    return at.astimezone(dt.UTC)


def floor_quarter(at: dt.datetime) -> dt.datetime:
    """Return the last quarter hour (UTC) at or before `at`: what EMA has published."""
    seconds = int(as_utc(at).timestamp()) // QUARTER_S * QUARTER_S
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def accelerated(
    speed: float, base: Callable[[], dt.datetime] = now_utc
) -> Callable[[], dt.datetime]:
    """Return a clock starting at `base()` now and running `speed` times as fast."""
    if not speed > 0:
        raise ValueError(f"speed must be positive, not {speed}")
    start = base()

    def clock() -> dt.datetime:
        return start + (base() - start) * speed

    return clock
