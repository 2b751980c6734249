"""Measurement pushes paced to at most one per interval, each handed over fresh."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import logging
from typing import Any

from ..errors import EnergyApiError

_LOGGER = logging.getLogger(__name__)

# A held measurement is handed over this long after the interval if no newer push came
# (the values stood still).
HELD_GRACE = 1.5
# From this interval on, measurements are unsubscribed after each hand-over and
# subscribed again this long before the next is due: the device then sends nothing in
# between, instead of a push every second that would be skipped.
PAUSE_FROM = 3.0
RESUBSCRIBE_LEAD = 0.5

type Frame = dict[str, Any]


class MeasurementPacer:
    """Hands over at most one measurement frame per `interval` seconds.

    The first push after the interval goes through at once, so what is handed over is
    fresh; pushes in between are held back unparsed, and the last one is handed over
    `HELD_GRACE` s after the interval only if no newer push came. Other frames are not
    its business. `send` queues a frame to the device (subscribe, unsubscribe).
    """

    def __init__(
        self,
        interval: float,
        hand_over: Callable[[Frame], None],
        send: Callable[[Frame], None],
        *,
        pause: bool,
    ) -> None:
        """Pace to `interval`; `pause` allows unsubscribing between hand-overs."""
        self._interval = interval
        self._hand_over = hand_over
        self._send = send
        self._pause = pause and interval >= PAUSE_FROM
        self._loop = asyncio.get_running_loop()
        self._due = float("-inf")
        self._held: Frame | None = None
        self._held_timer: asyncio.TimerHandle | None = None
        self._resubscribe_timer: asyncio.TimerHandle | None = None

    def offer(self, frame: Frame) -> bool:
        """Take a measurement frame (True); leave any other frame to the caller."""
        if frame.get("type") != "measurement":
            return False
        if self._loop.time() >= self._due:
            self._drop_held()
            self._hand_over_now(frame)
            return True
        self._held = frame
        if self._held_timer is None:
            self._held_timer = self._loop.call_at(
                self._due + HELD_GRACE, self._release_held
            )
        return True

    def close(self) -> None:
        """Stop the timers; a held frame is dropped."""
        self._drop_held()
        if self._resubscribe_timer is not None:
            self._resubscribe_timer.cancel()
            self._resubscribe_timer = None

    def _hand_over_now(self, frame: Frame) -> None:
        self._due = self._loop.time() + self._interval
        self._hand_over(frame)
        if self._pause:
            self.close()
            self._send({"type": "unsubscribe", "data": "measurement"})
            self._resubscribe_timer = self._loop.call_at(
                self._due - RESUBSCRIBE_LEAD, self._resubscribe
            )

    def _resubscribe(self) -> None:
        self._resubscribe_timer = None
        self._send({"type": "subscribe", "data": "measurement"})

    def _release_held(self) -> None:
        frame, self._held, self._held_timer = self._held, None, None
        if frame is None:
            return
        try:
            self._hand_over_now(frame)
        except EnergyApiError as err:
            _LOGGER.debug("Held measurement not handed over: %s", err)

    def _drop_held(self) -> None:
        self._held = None
        if self._held_timer is not None:
            self._held_timer.cancel()
            self._held_timer = None
