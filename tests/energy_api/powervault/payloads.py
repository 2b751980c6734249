"""Payloads in the shapes of the reference (section 1.3-1.6)."""

from typing import Any

ACCOUNT = {"customerAccount": {"id": 123, "accountName": "Home"}}
UNITS = {
    "units": [
        {"id": "PV-1001", "model": "P4", "epromId": "4.2.1"},
        {"id": "PV-1002", "model": "P5", "epromId": None},
    ]
}
UNIT = {"unit": {"id": "PV-1001", "model": "P4", "epromId": "4.2.1"}}


def row(time: str, **values: Any) -> dict[str, Any]:
    """Return a cloud data row (mW) at `time`."""
    base: dict[str, Any] = {
        "time": time,
        "instant_soc": 55,
        "instant_battery": -1_200_000,  # charging at 1.2 kW
        "instant_demand": -800_000,  # home draws 0.8 kW
        "instant_grid": -500_000,  # exporting 0.5 kW
        "instant_solar": 2_500_000,
        "batteryInputFromGrid": 0,
        "batteryInputFromSolar": 1_200_000,
        "batteryOutputConsumedByHome": 0,
        "batteryOutputExported": 0,
        "homeConsumed": 800_000,
        "gridConsumedByHome": 0,
        "solarConsumedByHome": 800_000,
        "solarExported": 500_000,
        "solarGenerated": 2_500_000,
        "solarConsumption": 2_000_000,
    }
    base.update(values)
    return base


DATA = {"data": [row("2025-06-02T10:55:00Z")]}
SCHEDULE_DAYS = {
    day: [
        {"start": "00:00:00", "end": "06:59:59", "state": "force-charge"},
        {"start": "07:00", "end": "23:59", "state": "normal"},
    ]
    for day in (
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    )
}
SCHEDULE = {"schedule": SCHEDULE_DAYS}
OVERRIDES = {
    "stateOverrides": [
        {
            "start": "2025-06-02 10:00:00",
            "end": "2025-06-02 12:00:00",
            "state": "force-discharge",
        }
    ]
}


def record(measurement: str, value: Any, unit: str = "W") -> dict[str, Any]:
    """Return a local telemetry record."""
    return {
        "created_at": 1748862000.5,
        "id": None,
        "measurement": measurement,
        "timestamp": 1748862000,
        "unit": unit,
        "value": value,
    }


TELEMETRY = [
    record("socUsable", 81.5, "%"),
    record("socAverage", 83, "%"),
    record("gridPower", 250.0),
    record("batteryPower", -1500.0),  # discharging 1.5 kW
    record("aux1Power", -400.0),  # solar 0.4 kW
    record("gridCurrent", 1.1, "A"),
    record("batteryCurrent", -30.2, "A"),
    record("inverterVoltage", 241.3, "V"),
    record("inverterFrequency", 50.01, "Hz"),
    record("maxChargePower", 3000, "W"),
    record("maxDischargePower", -3000, "W"),
    record("temperature", 24.5, "C"),
    record("cpuTemperature", 51.0, "C"),
    record("vocTemperature", 22.0, "C"),
    record("vocHumidity", 45.0, "%"),
    record("vocCO2", 600, "ppm"),
    record("vocVOC", 100, ""),
    record("actualState", "C", "I|C"),
    record("requestedState", "N", "N|I|C|V|H|L|F|R|D|P|Q|A|B|T"),
    record("pack0Temperature", 20.5, "C"),
    record("pack1Temperature", None, "C"),
    record("backplane0Temperature", 21.0, "C"),
    record("string1cell2Voltage", 3.31, "V"),
    record("string1cell2Temperature", 19.0, "C"),
    record("pylontechModule3cell4Voltage", "3.35", "V"),
    record("pylontechMaxCellTemperature", 25.0, "C"),
    record("pylontechModule3cell5Voltage", None, "V"),
]
