"""Units and signs: the API conventions converted to HA's, in one place."""

import pytest

from energy_api.powervault import units


def test_cloud_milliwatts_to_ha_watts() -> None:
    assert units.cloud_grid_w(1_500_000) == 1500.0  # import
    assert units.cloud_grid_w(-500_000) == -500.0  # export
    assert units.cloud_battery_w(2_000_000) == 2000.0  # discharging
    assert units.cloud_battery_w(-1_000_000) == -1000.0  # charging
    assert units.cloud_home_w(-800_000) == 800.0  # stored negative
    assert units.cloud_home_w(5_000) == 0.0  # noise the wrong way
    assert units.cloud_solar_w(2_500_000) == 2500.0
    assert units.cloud_solar_w(-3_000) == 0.0
    assert units.cloud_flow_w(700_000) == 700.0
    assert units.cloud_flow_w(-1) == 0.0
    for convert in (
        units.cloud_grid_w,
        units.cloud_battery_w,
        units.cloud_home_w,
        units.cloud_solar_w,
        units.cloud_flow_w,
    ):
        assert convert(None) is None


def test_local_watts_to_ha_signs() -> None:
    assert units.local_grid_w(250.0) == 250.0
    assert units.local_battery_w(1500.0) == -1500.0  # charging
    assert units.local_battery_w(-1500.0) == 1500.0  # discharging
    assert str(units.local_battery_w(0.0)) == "0.0"  # no -0.0
    assert units.local_solar_w(-400.0) == 400.0  # negative while generating
    assert units.local_solar_w(12.0) == 0.0
    assert units.local_battery_w(None) is None
    assert units.local_solar_w(None) is None


def test_home_balance() -> None:
    # Importing 250 W, battery discharging 1500 W, solar 400 W: home draws 2150 W.
    assert units.home_w(250.0, 1500.0, 400.0) == 2150.0
    # Exporting 500 W, charging 1200 W, solar 2500 W: home draws 800 W.
    assert units.home_w(-500.0, -1200.0, 2500.0) == 800.0
    assert units.home_w(-100.0, 0.0, None) == 0.0
    assert units.home_w(None, 0.0, 0.0) is None
    assert units.home_w(0.0, None, 0.0) is None


def test_energy() -> None:
    assert units.energy_kwh(1200.0, 5) == pytest.approx(0.1)
    assert units.energy_kwh(None, 5) is None
