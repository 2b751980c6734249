"""Units and signs of both APIs, stated once, and their conversion to HA's conventions.

Cloud (`/unit/{id}/data` rows; power in **milliwatts**):
- `instant_grid`: + import, - export.
- `instant_battery`: + discharging, - charging.
- `instant_demand`: the home's draw, stored **negative** (home = -instant_demand).
- `instant_solar`: + generation.
- `instant_soc`: percent, 0-100.
- The nine flows (`batteryInputFromGrid` ... `solarGenerated`): mean power over the
  5-minute row, milliwatts, never negative.

Local (`/api/latest-telemetry`, `/api/chart-data`; power in **watts**):
- `gridPower`: + import, - export.
- `batteryPower`: + charging, - discharging.
- `aux1Power`: the solar CT, **negative** while generating.
- `socUsable`: percent, 0-100.

Home Assistant's conventions, the only ones our models expose (watts):
- `grid_power_w`: + import, - export.
- `battery_power_w`: + discharging, - charging (the energy dashboard's battery power).
- `solar_power_w`, `home_power_w`: never negative.
- `soc_pct`: percent.
"""

from __future__ import annotations

MILLIWATTS_PER_WATT = 1000.0
WATTS_PER_KILOWATT = 1000.0
MINUTES_PER_HOUR = 60.0


def _watts(milliwatts: float | None) -> float | None:
    return None if milliwatts is None else milliwatts / MILLIWATTS_PER_WATT


def _not_negative(watts: float | None) -> float | None:
    # max() keeps -0.0 and small negative sensor noise out of the result.
    return None if watts is None else max(0.0, watts) + 0.0


def cloud_grid_w(instant_grid_mw: float | None) -> float | None:
    """Cloud `instant_grid` (mW, + import) -> W, + import / - export."""
    return _watts(instant_grid_mw)


def cloud_battery_w(instant_battery_mw: float | None) -> float | None:
    """Cloud `instant_battery` (mW, + discharging) -> W, + discharging / - charging."""
    return _watts(instant_battery_mw)


def cloud_home_w(instant_demand_mw: float | None) -> float | None:
    """Cloud `instant_demand` (mW, stored negative) -> W, never negative."""
    return _not_negative(
        None if instant_demand_mw is None else -instant_demand_mw / MILLIWATTS_PER_WATT
    )


def cloud_solar_w(instant_solar_mw: float | None) -> float | None:
    """Cloud `instant_solar` (mW, + generation) -> W, never negative."""
    return _not_negative(_watts(instant_solar_mw))


def cloud_flow_w(flow_mw: float | None) -> float | None:
    """Convert a cloud flow (mean mW over a row, never negative) to W, never negative."""
    return _not_negative(_watts(flow_mw))


def local_grid_w(grid_power_w: float | None) -> float | None:
    """Local `gridPower` (W, + import) -> W, + import / - export (unchanged)."""
    return grid_power_w


def local_battery_w(battery_power_w: float | None) -> float | None:
    """Local `batteryPower` (W, + charging) -> W, + discharging / - charging."""
    return None if battery_power_w is None else -battery_power_w + 0.0


def local_solar_w(aux1_power_w: float | None) -> float | None:
    """Local `aux1Power` (W, negative while generating) -> W, never negative."""
    return _not_negative(None if aux1_power_w is None else -aux1_power_w)


def home_w(
    grid_w: float | None, battery_w: float | None, solar_w: float | None
) -> float | None:
    """Return the home's draw from the balance of HA-convention powers, never negative.

    home = grid (+ import) + battery (+ discharging) + solar. Unknown solar counts
    as none (units without a solar CT); unknown grid or battery is unknown.
    """
    if grid_w is None or battery_w is None:
        return None
    return _not_negative(grid_w + battery_w + (solar_w or 0.0))


def energy_kwh(power_w: float | None, minutes: float) -> float | None:
    """Energy in kWh of a mean power (W) held for `minutes`."""
    if power_w is None:
        return None
    return power_w * minutes / MINUTES_PER_HOUR / WATTS_PER_KILOWATT
