"""Evolving meter state driven by a fake clock."""

from __future__ import annotations

import itertools

import pytest

from simulators import EnergyMeter


class FakeClock:
    """A clock that moves only when told."""

    def __init__(self, now: float = 1000.0) -> None:
        """Start at `now`."""
        self.now = now

    def __call__(self) -> float:
        """Return the current fake time."""
        return self.now


def test_counters_only_grow_while_power_varies() -> None:
    clock = FakeClock()
    meter = EnergyMeter(clock)
    snapshots = []
    for _ in range(240):
        clock.now += 5.0
        snapshots.append(meter.snapshot())
    powers = [snap["power_w"] for snap in snapshots]
    assert min(powers) < 0 < max(powers)
    for key in ("energy_import_kwh", "energy_export_kwh"):
        values = [snap[key] for snap in snapshots]
        assert values == sorted(values)
        assert values[-1] > 0


def test_deterministic_for_clock_and_seed() -> None:
    def run(seed: int) -> list[dict[str, float]]:
        clock = FakeClock()
        meter = EnergyMeter(clock, seed=seed)
        result = []
        for step in (0.5, 3.0, 60.0, 7.25):
            clock.now += step
            result.append(meter.snapshot())
        return result

    assert run(1) == run(1)
    assert run(1) != run(2)


def test_constant_power_integrates_exactly() -> None:
    clock = FakeClock()
    meter = EnergyMeter(
        clock, mean_w=1000.0, amplitude_w=0.0, noise_w=0.0, import_kwh=10.0
    )
    clock.now += 3600.0
    assert meter.snapshot() == {
        "power_w": 1000.0,
        "energy_import_kwh": 11.0,
        "energy_export_kwh": 0.0,
    }


def test_negative_power_counts_as_export() -> None:
    clock = FakeClock()
    meter = EnergyMeter(clock, mean_w=-2000.0, amplitude_w=0.0, noise_w=0.0)
    clock.now += 1800.0
    snap = meter.snapshot()
    assert snap["energy_export_kwh"] == pytest.approx(1.0)
    assert snap["energy_import_kwh"] == 0.0


def test_clock_going_back_never_decreases_counters() -> None:
    clock = FakeClock()
    meter = EnergyMeter(clock, mean_w=1000.0)
    clock.now += 60.0
    before = meter.snapshot()
    clock.now -= 30.0
    after = meter.snapshot()
    assert after["energy_import_kwh"] == before["energy_import_kwh"]
    assert after["energy_export_kwh"] == before["energy_export_kwh"]


def test_noise_is_smooth() -> None:
    clock = FakeClock()
    meter = EnergyMeter(clock, amplitude_w=0.0, noise_w=50.0)
    samples = [meter.power_at(clock.now + i / 10) for i in range(100)]
    assert max(abs(b - a) for a, b in itertools.pairwise(samples)) < 10
    assert len(set(samples)) > 1
