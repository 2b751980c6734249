"""Measurement pushes paced to at most one per interval, each handed over fresh.

The battery group's readings (its power and target power follow the grid, so a group
with batteries pushes about once a second) ride along with the measurements; a change
of its settings (mode, permissions, charge to full) goes through at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from contextlib import suppress
from typing import Any, Protocol

import aiohttp

# A held measurement is handed over this long after the interval if no newer push came
# (the values stood still).
HELD_GRACE = 1.5
# From this interval on, the paced topics (measurements, and the battery group's, whose
# readings ride along) are unsubscribed after each hand-over and subscribed again when
# the next is due: the device then sends nothing in between, instead of a push every
# second that would be skipped. It answers a subscription with its latest state at once,
# and that answer is the next hand-over (the battery group is asked first, so its
# answer rides with the measurement's); a settings change made meanwhile arrives then.
PAUSE_FROM = 3.0

# Fields of a `batteries` push that are readings, not settings.
BATTERY_READINGS = frozenset({"power_w", "target_power_w"})

type Frame = dict[str, Any]
type Send = Callable[[Frame], Coroutine[Any, Any, None]]


class Timer(Protocol):
    """A scheduled call."""

    def cancel(self) -> None:
        """Do not make the call."""


class Clock(Protocol):
    """What timing needs of an event loop: its time and calls at a time."""

    def time(self) -> float:
        """Return the current time in seconds."""

    def call_at(self, when: float, callback: Callable[[], object]) -> Timer:
        """Call `callback` at `when`."""


class MeasurementPacer:
    """The one throttle of the push path: at most one measurement per `interval` s.

    `offer` returns what to hand over now. The first measurement after the interval
    goes through at once, so what is handed over is fresh; those in between are held
    back unparsed (None), and the last one goes to `release` `HELD_GRACE` s after the
    interval only if no newer one came. A battery-group push that changes only its
    readings is held too, and goes to `release` just before the next measurement is
    handed over (or with a held one). Other frames always go through.

    With `send` (the connection's), from `PAUSE_FROM` s on, the `paused` topics are
    unsubscribed after each hand-over and subscribed again when the next is due.
    """

    def __init__(
        self,
        interval: float,
        release: Callable[[Frame], None],
        *,
        send: Send | None = None,
        paused: tuple[str, ...] = ("measurement",),
        clock: Clock | None = None,
    ) -> None:
        """Pace to `interval` on `clock` (the running loop by default)."""
        self._paused = paused
        self._interval = interval
        self._release = release
        self._send = send if interval >= PAUSE_FROM else None
        self._clock: Clock = clock or asyncio.get_running_loop()
        self._due = float("-inf")
        self._held: Frame | None = None
        self._held_batteries: Frame | None = None
        self._battery_settings: Any = None
        self._held_timer: Timer | None = None
        self._resubscribe_timer: Timer | None = None
        self._sending: set[asyncio.Task[None]] = set()

    def offer(self, frame: Frame) -> Frame | None:
        """Return `frame` if it is to be handed over now; None if it is held."""
        kind = frame.get("type")
        if kind == "batteries":
            return self._offer_batteries(frame)
        if kind != "measurement":
            return frame
        now = self._clock.time()
        if now >= self._due:
            self._start_interval(now)
            self._release_batteries()
            return frame
        self._held = frame
        self._hold_until_due()
        return None

    def _offer_batteries(self, frame: Frame) -> Frame | None:
        """Hand over a change of settings at once; hold a change of readings."""
        data = frame.get("data")
        settings = (
            {key: value for key, value in data.items() if key not in BATTERY_READINGS}
            if isinstance(data, dict)
            else data
        )
        if settings != self._battery_settings or self._battery_settings is None:
            self._battery_settings = settings
            self._held_batteries = None
            return frame
        self._held_batteries = frame
        self._hold_until_due()
        return None

    def _hold_until_due(self) -> None:
        if self._held_timer is None:
            when = max(self._due, self._clock.time()) + HELD_GRACE
            self._held_timer = self._clock.call_at(when, self._release_held)

    def close(self) -> None:
        """Stop the timers and sends; held frames are dropped."""
        self._drop_held()
        self._held_batteries = None
        self._cancel_resubscribe()
        for task in self._sending:
            task.cancel()

    def _start_interval(self, now: float) -> None:
        """Note a hand-over at `now`; pause measurements until shortly before the next."""
        self._due = now + self._interval
        self._drop_held()
        if (send := self._send) is not None:
            self._cancel_resubscribe()
            self._request(send, "unsubscribe")
            self._resubscribe_timer = self._clock.call_at(
                self._due, lambda: self._resubscribe(send)
            )

    def _release_held(self) -> None:
        frame, self._held, self._held_timer = self._held, None, None
        self._release_batteries()
        if frame is not None:
            self._start_interval(self._clock.time())
            self._release(frame)

    def _release_batteries(self) -> None:
        frame, self._held_batteries = self._held_batteries, None
        if frame is not None:
            self._release(frame)

    def _resubscribe(self, send: Send) -> None:
        self._resubscribe_timer = None
        self._request(send, "subscribe")

    def _request(self, send: Send, kind: str) -> None:
        """Send `kind` for each paused topic; written at once unless the socket is busy."""
        for topic in sorted(self._paused):  # batteries before measurement
            frame = {"type": kind, "data": topic}
            task = asyncio.Task(
                _quietly(send(frame)), loop=asyncio.get_running_loop(), eager_start=True
            )
            if not task.done():
                self._sending.add(task)
                task.add_done_callback(self._sending.discard)

    def _drop_held(self) -> None:
        self._held = None
        if self._held_timer is not None:
            self._held_timer.cancel()
            self._held_timer = None

    def _cancel_resubscribe(self) -> None:
        if self._resubscribe_timer is not None:
            self._resubscribe_timer.cancel()
            self._resubscribe_timer = None


async def _quietly(sending: Coroutine[Any, Any, None]) -> None:
    """Await `sending`; a connection closing meanwhile ends its session anyway."""
    with suppress(aiohttp.ClientError, OSError):
        await sending
