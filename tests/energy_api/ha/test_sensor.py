"""MonotonicTotal and MonotonicTotalSensor: energy totals that never go backwards."""

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
import logging
import math
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.config_entries import ConfigEntry, ConfigFlow
from homeassistant.const import STATE_UNKNOWN, UnitOfEnergy
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from hypothesis import given, settings, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockModule,
    MockPlatform,
    mock_config_flow,
    mock_integration,
    mock_platform,
    mock_restore_cache_with_extra_data,
)

from energy_api.ha.sensor import (
    DEFAULT_MAX_RATE_PER_HOUR,
    MIN_RATE_WINDOW,
    RESET_CONFIRM_READINGS,
    RESET_CONFIRM_TIME,
    RESTORE_KEY,
    RISE_CONFIRM_READINGS,
    RISE_CONFIRM_TIME,
    MonotonicTotal,
    MonotonicTotalSensor,
)

START = datetime(2026, 6, 1, 10, tzinfo=UTC)
PUSH = timedelta(seconds=5)
POLL = timedelta(minutes=30)


class Clock:
    """A fake clock for `MonotonicTotal.accept`."""

    def __init__(self) -> None:
        self.now = START

    def tick(self, step: timedelta) -> datetime:
        self.now += step
        return self.now


def feed(
    total: MonotonicTotal,
    clock: Clock,
    readings: Iterable[float | None],
    every: timedelta = PUSH,
) -> list[float | None]:
    """Give each reading `every` apart; return what was published after each."""
    return [total.accept(reading, clock.tick(every)) for reading in readings]


# --- Example tests ---------------------------------------------------------------


def test_a_meter_that_reads_zero_from_the_start_shows_zero() -> None:
    total, clock = MonotonicTotal(), Clock()
    assert feed(total, clock, [None, 0, 0, None, 0]) == [None, 0, 0, 0, 0]
    assert feed(total, clock, [0.001]) == [0.001]
    # A later 0 after a positive total is a glitch.
    assert feed(total, clock, [0, 0.002]) == [0.001, 0.002]


def test_missing_nan_infinite_negative_and_zero_readings_keep_the_total() -> None:
    total, clock = MonotonicTotal(), Clock()
    assert feed(total, clock, [math.nan, -1.0, math.inf]) == [None, None, None]
    assert feed(total, clock, [100.0]) == [100.0]
    glitches = [None, math.nan, math.inf, -math.inf, -5.0, 0, 0.0]
    assert feed(total, clock, glitches) == [100.0] * len(glitches)
    assert feed(total, clock, [100.01]) == [100.01]


def test_a_spike_is_never_published_and_the_total_carries_on() -> None:
    total, clock = MonotonicTotal(), Clock()
    feed(total, clock, [1000.0])
    assert feed(total, clock, [1e9, 1000.01, 1000.02]) == [1000.0, 1000.01, 1000.02]
    # Two spike readings, then the old line: discarded, never published.
    assert feed(total, clock, [1e9, 1e9, 1000.03]) == [1000.02, 1000.02, 1000.03]
    # A spike, then a lower glitch: still nothing published but the line.
    assert feed(total, clock, [1e9, 999.0, 1000.04]) == [1000.03, 1000.03, 1000.04]


def test_a_large_rise_is_published_once_confirmed() -> None:
    total, clock = MonotonicTotal(), Clock()
    feed(total, clock, [0])
    # The device reported 0 before its first telegram, then its real total.
    held = feed(total, clock, [1234.0, 1234.0, 1234.001], every=timedelta(seconds=20))
    assert held == [0, 0, 0]  # three readings, but only 40 s
    assert feed(total, clock, [1234.002], every=timedelta(seconds=20)) == [1234.002]
    # Readings above the candidate but implausibly far from it start over.
    feed(total, clock, [5000.0, 5000.0, 9000.0, 9000.0], every=timedelta(seconds=30))
    assert total.total == 1234.002
    assert feed(total, clock, [9000.0], every=timedelta(seconds=30)) == [9000.0]


def test_the_rate_bound_grows_with_the_time_since_the_last_reading() -> None:
    total, clock = MonotonicTotal(max_rate_per_hour=10.0), Clock()
    feed(total, clock, [100.0])
    # Within one minute the bound is MIN_RATE_WINDOW's worth: 10/60 kWh.
    assert feed(total, clock, [100.5]) == [100.0]
    assert feed(total, clock, [100.1]) == [100.1]
    # After a two-hour gap up to 20 kWh more is plausible at once.
    assert feed(total, clock, [119.0], every=timedelta(hours=2)) == [119.0]
    assert feed(total, clock, [150.0], every=timedelta(hours=2)) == [119.0]


def test_lower_readings_for_an_hour_are_never_published() -> None:
    total, clock = MonotonicTotal(), Clock()
    feed(total, clock, [1000.0])
    hour = int(timedelta(hours=1) / PUSH)
    lower = [500.0 + i * 0.001 for i in range(hour)]
    assert set(feed(total, clock, lower)) == {1000.0}
    assert feed(total, clock, [1000.01]) == [1000.01]
    # Zeros, however long they last, are never evidence of a reset.
    zeros = int(timedelta(hours=7) / POLL)
    assert set(feed(total, clock, [0] * zeros, every=POLL)) == {1000.01}


def test_a_replaced_meter_is_accepted_after_six_hours_in_push_mode(
    caplog: pytest.LogCaptureFixture,
) -> None:
    total, clock = MonotonicTotal(name="sensor.p1_meter_energy_import"), Clock()
    feed(total, clock, [1000.0])
    steps = int(RESET_CONFIRM_TIME / PUSH)
    new_meter = [5.0 + i * 0.0001 for i in range(steps + 1)]
    published = feed(total, clock, new_meter)
    assert set(published[:-1]) == {1000.0}
    assert published[-1] == new_meter[-1]
    [record] = [r for r in caplog.records if r.levelno == logging.WARNING]
    message = record.getMessage()
    assert "sensor.p1_meter_energy_import" in message
    assert "1000.0" in message
    assert str(new_meter[-1]) in message
    assert feed(total, clock, [5.5]) == [5.5]


def test_a_replaced_meter_is_accepted_after_six_hours_in_poll_mode() -> None:
    total, clock = MonotonicTotal(), Clock()
    feed(total, clock, [1000.0], every=POLL)
    steps = int(RESET_CONFIRM_TIME / POLL)
    published = feed(total, clock, [5.0] * (steps + 1), every=POLL)
    assert published == [1000.0] * steps + [5.0]


def test_a_reset_needs_both_the_time_and_the_readings() -> None:
    # Many readings in little time: not a reset.
    total, clock = MonotonicTotal(), Clock()
    feed(total, clock, [1000.0])
    readings = 10 * RESET_CONFIRM_READINGS
    assert set(feed(total, clock, [5.0] * readings)) == {1000.0}
    # Much time, but too few readings: not a reset.
    total, clock = MonotonicTotal(), Clock()
    feed(total, clock, [1000.0])
    few = [5.0] * (RESET_CONFIRM_READINGS - 1)
    assert set(feed(total, clock, few, every=2 * RESET_CONFIRM_TIME)) == {1000.0}


def test_inconsistent_lower_readings_start_the_reset_over() -> None:
    total, clock = MonotonicTotal(), Clock()
    feed(total, clock, [1000.0])
    half = int(RESET_CONFIRM_TIME / POLL / 2) + 1
    feed(total, clock, [5.0] * half, every=POLL)
    # A reading below the run (or far above it) breaks it; so does the old line.
    for breaker in (4.0, 900.0, 1000.0):
        feed(total, clock, [breaker], every=POLL)
        published = feed(total, clock, [5.0] * half, every=POLL)
        assert set(published) == {total.total} == {1000.0}


def test_state_survives_as_dict_and_restore() -> None:
    total, clock = MonotonicTotal(), Clock()
    feed(total, clock, [1000.0])
    feed(total, clock, [5.0, 5.0, 5.0], every=timedelta(hours=1))
    feed(total, clock, [1e9])  # a spike leaves the drop run alone
    saved = total.as_dict()
    assert saved["drop"]["readings"] == 3
    assert saved["rise"]["last"] == 1e9
    again = MonotonicTotal()
    again.restore(1000.0, saved)
    assert again.as_dict() == saved
    # Six readings over more than 6 h: a reset, as without a restart.
    published = feed(again, clock, [5.0, 5.0, 5.0], every=timedelta(hours=2))
    assert published == [1000.0, 1000.0, 5.0]


@pytest.mark.parametrize(
    "saved",
    [
        None,
        "garbage",
        {},
        {"line_at": "yesterday", "rise": {"last": 1}, "drop": "x"},
        {"line_at": "2026-06-01T10:00:00", "rise": None, "drop": None},
        {
            "line_at": None,
            "rise": None,
            "drop": {
                "first_at": START.isoformat(),
                "last": math.nan,
                "last_at": START.isoformat(),
                "readings": 3,
            },
        },
    ],
)
def test_damaged_saved_state_keeps_the_total(saved: Any) -> None:
    total = MonotonicTotal()
    total.restore(1000.0, saved)
    assert total.as_dict() == {"line_at": None, "rise": None, "drop": None}
    clock = Clock()
    # Without a known time, a rise beyond MIN_RATE_WINDOW's worth is held.
    bound = DEFAULT_MAX_RATE_PER_HOUR * (MIN_RATE_WINDOW / timedelta(hours=1))
    assert feed(total, clock, [1000.0 + 2 * bound]) == [1000.0]
    assert feed(total, clock, [1000.0 + bound / 2]) == [1000.0 + bound / 2]


# --- Property tests ----------------------------------------------------------------

# A glitch: missing, not a number, zero, negative, lower than the truth, or a spike.
GLITCH = st.one_of(
    st.none(),
    st.sampled_from([math.nan, math.inf, -math.inf, 0.0, -1.0]),
    st.floats(min_value=0.001, max_value=0.999).map(lambda f: ("lower", f)),
    st.floats(min_value=1e3, max_value=1e12).map(lambda f: ("spike", f)),
)
PROPERTY = settings(max_examples=300, deadline=None, database=None, derandomize=True)
STEP = st.timedeltas(min_value=timedelta(seconds=1), max_value=timedelta(hours=2))


@st.composite
def glitchy_meter(
    draw: st.DrawFn,
) -> list[tuple[timedelta, float | None, float]]:
    """Draw a true total growing at a plausible rate, with bursts of up to 2 glitches.

    Each item is (time since the previous reading, reading, true total so far).
    """
    truth = draw(st.floats(min_value=0, max_value=1e6))
    items: list[tuple[timedelta, float | None, float]] = [
        (timedelta(seconds=1), truth, truth)
    ]
    for _ in range(draw(st.integers(min_value=1, max_value=60))):
        for glitch in draw(st.lists(GLITCH, max_size=2)):
            reading: float | None
            if isinstance(glitch, tuple):
                kind, factor = glitch
                reading = truth * factor if kind == "lower" else truth + factor
                if reading == truth:  # a lower glitch of a zero total
                    reading = None
            else:
                reading = glitch
            items.append((draw(STEP), reading, truth))
        step = draw(STEP)
        hours = max(step, MIN_RATE_WINDOW) / timedelta(hours=1)
        rate = draw(st.floats(min_value=0, max_value=DEFAULT_MAX_RATE_PER_HOUR))
        truth += rate * hours * 0.99
        items.append((step, truth, truth))
    return items


@PROPERTY
@given(glitchy_meter())
def test_property_glitches_are_never_published(
    items: list[tuple[timedelta, float | None, float]],
) -> None:
    total, clock = MonotonicTotal(), Clock()
    for step, reading, truth in items:
        assert total.accept(reading, clock.tick(step)) == truth


@PROPERTY
@given(
    st.floats(min_value=0, max_value=1e9),
    st.floats(min_value=0, max_value=1e9),
    st.lists(
        st.tuples(
            STEP,
            st.one_of(
                st.none(),
                st.floats(allow_nan=True, allow_infinity=True),
                # Mostly the same value again: a run that may become a reset.
                *[st.just("low")] * 4,
            ),
        ),
        max_size=80,
    ),
)
def test_property_the_total_drops_only_on_strong_evidence(
    first: float, low: float, readings: list[tuple[timedelta, float | str | None]]
) -> None:
    total, clock = MonotonicTotal(), Clock()
    total.accept(first, clock.now)
    # Times of the positive readings below the total since it last changed.
    lower: list[datetime] = []
    for step, drawn in readings:
        reading = low if drawn == "low" else drawn
        assert not isinstance(reading, str)
        before = total.total
        assert before is not None
        now = clock.tick(step)
        if reading is not None and 0 < reading < before:
            lower.append(now)
        after = total.accept(reading, now)
        assert after is not None
        if after < before:
            assert len(lower) >= RESET_CONFIRM_READINGS
            assert now - lower[0] >= RESET_CONFIRM_TIME
        if after != before:
            lower = []


SPIKE = st.floats(min_value=1e3, max_value=1e12)


@PROPERTY
@given(
    st.floats(min_value=0, max_value=1e6),
    st.one_of(
        # Up to two readings, however far apart.
        st.lists(st.tuples(STEP, SPIKE), min_size=1, max_size=2),
        # Any number of readings within less than RISE_CONFIRM_TIME.
        st.lists(
            st.tuples(
                st.timedeltas(min_value=timedelta(0), max_value=timedelta(seconds=5)),
                SPIKE,
            ),
            min_size=1,
            max_size=11,
        ),
    ),
)
def test_property_a_rise_is_published_only_once_confirmed(
    first: float, readings: list[tuple[timedelta, float]]
) -> None:
    total, clock = MonotonicTotal(), Clock()
    total.accept(first, clock.now)
    for step, jump in sorted(readings, key=lambda item: item[1]):
        assert total.accept(first + jump, clock.tick(step)) == first
    assert len(readings) < RISE_CONFIRM_READINGS or (
        clock.now - START < RISE_CONFIRM_TIME
    )


# --- The sensor mixin in Home Assistant ------------------------------------------

DOMAIN = "total_test"
ENTITY = "sensor.total_test_energy"


class EnergyTotal(MonotonicTotalSensor):
    """A total that tests feed by hand."""

    _attr_has_entity_name = True
    _attr_name = "Energy"
    _attr_device_class = SensorDeviceClass.ENERGY
    _attr_native_unit_of_measurement = UnitOfEnergy.KILO_WATT_HOUR
    _attr_should_poll = False
    _attr_unique_id = "energy"

    def __init__(self) -> None:
        self.entity_id = ENTITY

    def feed(self, reading: Any) -> None:
        self._publish_total(reading)
        self.async_write_ha_state()


class TotalFlow(ConfigFlow):
    """The test integration's (unused) config flow."""

    VERSION = 1


@pytest.fixture
def flow() -> Iterator[None]:
    with mock_config_flow(DOMAIN, TotalFlow):
        yield


class SlowTotal(EnergyTotal):
    """A total that grows at most 1 unit an hour."""

    max_rate_per_hour = 1.0


class Harness:
    """One entry of a tiny integration whose sensor the test feeds directly."""

    def __init__(self, hass: HomeAssistant, sensor: type[EnergyTotal]) -> None:
        self.hass = hass
        self.sensor_type = sensor
        self.sensor: EnergyTotal | None = None
        self.entry = MockConfigEntry(domain=DOMAIN, title="Total")
        self.entry.add_to_hass(hass)

        async def setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
            await hass.config_entries.async_forward_entry_setups(entry, ["sensor"])
            return True

        async def unload_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
            return await hass.config_entries.async_unload_platforms(entry, ["sensor"])

        async def setup_sensors(
            hass: HomeAssistant,
            entry: ConfigEntry,
            add: AddConfigEntryEntitiesCallback,
        ) -> None:
            self.sensor = self.sensor_type()
            add([self.sensor])

        mock_integration(
            hass,
            MockModule(
                DOMAIN, async_setup_entry=setup_entry, async_unload_entry=unload_entry
            ),
        )
        mock_platform(
            hass, f"{DOMAIN}.sensor", MockPlatform(async_setup_entry=setup_sensors)
        )
        mock_platform(hass, f"{DOMAIN}.config_flow", None)

    async def start(self) -> EnergyTotal:
        """Set the entry up (again): a restart, as far as the sensor can tell."""
        assert await self.hass.config_entries.async_setup(self.entry.entry_id)
        await self.hass.async_block_till_done()
        assert self.sensor is not None
        return self.sensor

    async def stop(self) -> None:
        assert await self.hass.config_entries.async_unload(self.entry.entry_id)
        await self.hass.async_block_till_done()

    def state(self) -> str:
        state = self.hass.states.get(ENTITY)
        assert state is not None
        return state.state


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == "energy_api.ha.sensor" and record.levelno == logging.WARNING
    ]


@pytest.mark.usefixtures("flow")
async def test_sensor_shows_zero_when_the_meter_reads_zero_from_the_start(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(START)
    harness = Harness(hass, EnergyTotal)
    sensor = await harness.start()
    assert harness.state() == STATE_UNKNOWN
    sensor.feed(0)
    assert harness.state() == "0"
    freezer.tick(PUSH)
    sensor.feed(0.0)
    assert harness.state() == "0.0"
    await harness.stop()


@pytest.mark.usefixtures("flow")
async def test_sensor_restores_a_total_saved_without_filter_state(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(START)
    mock_restore_cache_with_extra_data(
        hass,
        [
            (
                State(ENTITY, "5.0"),
                {"native_value": 5.0, "native_unit_of_measurement": "kWh"},
            )
        ],
    )
    harness = Harness(hass, EnergyTotal)
    sensor = await harness.start()
    assert harness.state() == "5.0"
    for glitch in (0, None, "garbage", True, 4.5, math.nan, 10**400):
        freezer.tick(PUSH)
        sensor.feed(glitch)
        assert harness.state() == "5.0"
    freezer.tick(PUSH)
    sensor.feed(5.25)
    assert harness.state() == "5.25"
    await harness.stop()


@pytest.mark.usefixtures("flow")
async def test_sensor_restart_during_a_held_spike_publishes_neither_spike_nor_drop(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(START)
    harness = Harness(hass, EnergyTotal)
    sensor = await harness.start()
    sensor.feed(1000.0)
    for _ in range(2):
        freezer.tick(PUSH)
        sensor.feed(1e9)
    assert harness.state() == "1000.0"
    await harness.stop()
    freezer.tick(timedelta(seconds=30))
    sensor = await harness.start()
    assert harness.state() == "1000.0"
    # The spike once more: three readings now, but within a minute.
    freezer.tick(PUSH)
    sensor.feed(1e9)
    assert harness.state() == "1000.0"
    # The device restarted too: its first reading is lower, then normal again.
    freezer.tick(PUSH)
    sensor.feed(999.0)
    assert harness.state() == "1000.0"
    freezer.tick(PUSH)
    sensor.feed(1000.1)
    assert harness.state() == "1000.1"
    await harness.stop()


@pytest.mark.usefixtures("flow")
async def test_sensor_reset_evidence_survives_a_restart(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    freezer.move_to(START)
    harness = Harness(hass, EnergyTotal)
    sensor = await harness.start()
    sensor.feed(1000.0)
    for _ in range(10):
        freezer.tick(POLL)
        sensor.feed(5.0)
    await harness.stop()
    freezer.tick(timedelta(minutes=5))
    sensor = await harness.start()
    assert harness.state() == "1000.0"
    # 5 h 5 min since the first lower reading: still the old total.
    freezer.tick(timedelta(minutes=30))
    sensor.feed(5.0)
    assert harness.state() == "1000.0"
    assert warnings_of(caplog) == []
    freezer.tick(timedelta(hours=1))
    sensor.feed(5.1)
    assert harness.state() == "5.1"
    await harness.stop()
    [warning] = warnings_of(caplog)
    assert ENTITY in warning
    assert "1000.0" in warning
    assert "5.1" in warning


@pytest.mark.usefixtures("flow")
async def test_sensor_restores_a_pending_reset_from_the_restore_cache(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(START)
    began = START - RESET_CONFIRM_TIME + timedelta(minutes=1)
    drop = {
        "first_at": began.isoformat(),
        "last": 5.0,
        "last_at": (START - timedelta(minutes=5)).isoformat(),
        "readings": RESET_CONFIRM_READINGS,
    }
    mock_restore_cache_with_extra_data(
        hass,
        [
            (
                State(ENTITY, "1000.0"),
                {
                    "native_value": 1000.0,
                    "native_unit_of_measurement": "kWh",
                    RESTORE_KEY: {"line_at": None, "rise": None, "drop": drop},
                },
            )
        ],
    )
    harness = Harness(hass, EnergyTotal)
    sensor = await harness.start()
    assert harness.state() == "1000.0"
    assert sensor.extra_restore_state_data.as_dict()[RESTORE_KEY]["drop"] == drop
    sensor.feed(5.0)
    assert harness.state() == "1000.0"  # 5 h 59 min
    freezer.tick(timedelta(minutes=1))
    sensor.feed(5.0)
    assert harness.state() == "5.0"
    await harness.stop()


@pytest.mark.usefixtures("flow")
@pytest.mark.parametrize(
    ("sensor_type", "shown"), [(EnergyTotal, "10.5"), (SlowTotal, "10.0")]
)
async def test_sensor_rate_bound_is_set_per_sensor(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sensor_type: type[EnergyTotal],
    shown: str,
) -> None:
    freezer.move_to(START)
    harness = Harness(hass, sensor_type)
    sensor = await harness.start()
    sensor.feed(10.0)
    freezer.tick(PUSH)
    sensor.feed(10.5)  # plausible for household kWh, not at 1 unit an hour
    assert harness.state() == shown
    await harness.stop()
