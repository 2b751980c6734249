"""Measurement pacing on a clock the test moves: fresh hand-overs, held pushes, pauses."""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from energy_api.homewizard.pacing import (
    HELD_GRACE,
    PAUSE_FROM,
    Frame,
    MeasurementPacer,
)

UNSUBSCRIBE = {"type": "unsubscribe", "data": "measurement"}
SUBSCRIBE = {"type": "subscribe", "data": "measurement"}


@dataclass
class FakeTimer:
    """A call the fake clock makes when it is moved past `when`."""

    when: float
    callback: Callable[[], object]
    cancelled: bool = False

    def cancel(self) -> None:
        self.cancelled = True


class FakeClock:
    """Time that moves only when told; calls come due in order as it moves."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.timers: list[FakeTimer] = []

    def time(self) -> float:
        return self.now

    def call_at(self, when: float, callback: Callable[[], object]) -> FakeTimer:
        timer = FakeTimer(when, callback)
        self.timers.append(timer)
        return timer

    def advance(self, seconds: float) -> None:
        end = self.now + seconds
        while due := [t for t in self.timers if not t.cancelled and t.when <= end]:
            timer = min(due, key=lambda t: t.when)
            self.timers.remove(timer)
            self.now = max(self.now, timer.when)
            timer.callback()
        self.now = end

    @property
    def pending(self) -> list[FakeTimer]:
        return [t for t in self.timers if not t.cancelled]


def measurement(watts: float) -> Frame:
    return {"type": "measurement", "data": {"power_w": watts}}


class Sent(list[Frame]):
    """What the pacer asked the connection to send."""

    async def send(self, frame: Frame) -> None:
        self.append(frame)


async def test_first_push_after_the_interval_is_handed_over_at_once() -> None:
    clock, released = FakeClock(), list[Frame]()
    pacer = MeasurementPacer(5, released.append, clock=clock)
    assert pacer.offer(measurement(1)) == measurement(1)
    clock.advance(1)
    assert pacer.offer(measurement(2)) is None
    assert pacer.offer(measurement(3)) is None
    clock.advance(4)
    # Due: this one goes through at once, and the held one is dropped.
    assert pacer.offer(measurement(4)) == measurement(4)
    clock.advance(60)
    assert released == []


async def test_last_held_push_is_released_after_the_grace() -> None:
    clock, released = FakeClock(), list[Frame]()
    pacer = MeasurementPacer(5, released.append, clock=clock)
    pacer.offer(measurement(1))
    clock.advance(1)
    assert pacer.offer(measurement(2)) is None
    assert pacer.offer(measurement(3)) is None
    clock.advance(4 + HELD_GRACE - 0.25)
    assert released == []
    clock.advance(0.25)
    assert released == [measurement(3)]
    # The release starts the next interval.
    clock.advance(1)
    assert pacer.offer(measurement(4)) is None
    clock.advance(4)
    assert pacer.offer(measurement(5)) == measurement(5)
    clock.advance(60)
    assert released == [measurement(3)]


async def test_other_frames_are_never_held() -> None:
    clock = FakeClock()
    pacer = MeasurementPacer(5, lambda frame: None, clock=clock)
    pacer.offer(measurement(1))
    for frame in (
        {"type": "system", "data": {"cloud_enabled": False}},
        {"type": "batteries", "data": {"mode": "zero"}},
        {"type": "error", "data": {"message": "user:unauthorized"}},
    ):
        assert pacer.offer(frame) == frame


async def test_long_intervals_pause_measurements_between_hand_overs() -> None:
    clock, released, sent = FakeClock(), list[Frame](), Sent()
    pacer = MeasurementPacer(5, released.append, send=sent.send, clock=clock)
    pacer.offer(measurement(1))
    assert sent == [UNSUBSCRIBE]
    clock.advance(5 - 0.25)
    assert sent == [UNSUBSCRIBE]
    clock.advance(0.25)
    assert sent == [UNSUBSCRIBE, SUBSCRIBE]
    # The device answers the subscription with its latest state: that answer is the
    # hand-over, and measurements pause again.
    clock.advance(0.01)
    assert pacer.offer(measurement(2)) == measurement(2)
    assert sent == [UNSUBSCRIBE, SUBSCRIBE, UNSUBSCRIBE]
    # A push that still arrives inside the interval (sent before the device took the
    # unsubscription) is held, and released after the grace if nothing newer came.
    assert pacer.offer(measurement(3)) is None
    clock.advance(5 + HELD_GRACE)
    assert released == [measurement(3)]
    assert sent == [UNSUBSCRIBE, SUBSCRIBE, UNSUBSCRIBE, SUBSCRIBE, UNSUBSCRIBE]


async def test_short_intervals_do_not_pause() -> None:
    clock, sent = FakeClock(), Sent()
    pacer = MeasurementPacer(
        PAUSE_FROM - 0.5, lambda frame: None, send=sent.send, clock=clock
    )
    for watts in range(5):
        pacer.offer(measurement(watts))
        clock.advance(1)
    assert sent == []


async def test_close_drops_the_held_push_and_stops_every_timer() -> None:
    clock, released, sent = FakeClock(), list[Frame](), Sent()
    pacer = MeasurementPacer(5, released.append, send=sent.send, clock=clock)
    pacer.offer(measurement(1))
    pacer.offer(measurement(2))
    pacer.close()
    assert clock.pending == []
    clock.advance(60)
    assert released == []
    assert sent == [UNSUBSCRIBE]


async def test_a_closing_connection_is_no_error_and_a_pending_send_is_cancelled() -> (
    None
):
    clock = FakeClock()
    blocked: list[str] = []

    async def closing(frame: Frame) -> None:
        raise ConnectionResetError("Cannot write to closing transport")

    async def busy(frame: Frame) -> None:
        blocked.append("waiting")
        try:
            await asyncio.Event().wait()
        finally:
            blocked.append("ended")

    MeasurementPacer(5, lambda frame: None, send=closing, clock=clock).offer(
        measurement(1)
    )
    pacer = MeasurementPacer(5, lambda frame: None, send=busy, clock=clock)
    pacer.offer(measurement(1))
    assert blocked == ["waiting"]
    pacer.close()
    await asyncio.sleep(0)
    assert blocked == ["waiting", "ended"]


def batteries(target: float, mode: str = "zero") -> Frame:
    return {
        "type": "batteries",
        "data": {"mode": mode, "power_w": target * 1.01, "target_power_w": target},
    }


async def test_battery_readings_ride_with_measurements_settings_go_at_once() -> None:
    clock, released = FakeClock(), list[Frame]()
    pacer = MeasurementPacer(4, released.append, clock=clock)
    assert pacer.offer(measurement(1)) == measurement(1)
    # The first battery-group push goes through: its settings are new.
    assert pacer.offer(batteries(-100)) == batteries(-100)
    # Readings that follow the grid, one a second, are held...
    for second in range(1, 4):
        clock.advance(1)
        assert pacer.offer(batteries(-100 - second)) is None
    assert released == []
    # ... and the latest goes just before the next measurement, in the same hand-over.
    clock.advance(1)
    assert pacer.offer(measurement(5)) == measurement(5)
    assert released == [batteries(-103)]
    # A change of mode (from the app, say) is not held.
    clock.advance(1)
    assert pacer.offer(batteries(0, mode="standby")) == batteries(0, mode="standby")
    # Without measurements, a held reading still goes after the interval.
    assert pacer.offer(batteries(5, mode="standby")) is None
    clock.advance(4 + HELD_GRACE)
    assert released == [batteries(-103), batteries(5, mode="standby")]
    pacer.close()


async def test_the_battery_group_pauses_with_the_measurements() -> None:
    clock, sent = FakeClock(), Sent()
    pacer = MeasurementPacer(
        4,
        list[Frame]().append,
        send=sent.send,
        paused=("measurement", "batteries"),
        clock=clock,
    )
    pacer.offer(measurement(1))
    off = [{"type": "unsubscribe", "data": t} for t in ("batteries", "measurement")]
    assert sent == off
    clock.advance(4)
    # The battery group first: its answer then rides with the measurement's.
    on = [{"type": "subscribe", "data": t} for t in ("batteries", "measurement")]
    assert sent == off + on
    pacer.close()
