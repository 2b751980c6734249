"""Battery states and their one-letter codes in local telemetry."""

from __future__ import annotations

from enum import StrEnum


class BatteryState(StrEnum):
    """What the battery is told to do (reference section 1.1)."""

    NORMAL = "normal"
    ONLY_CHARGE = "only-charge"
    ONLY_DISCHARGE = "only-discharge"
    FORCE_CHARGE = "force-charge"
    FORCE_DISCHARGE = "force-discharge"
    DISABLE = "disable"
    DORMANT = "dormant"


NAMES = frozenset(str(state) for state in BatteryState)

# `requestedState` letters (unit "N|I|C|V|H|L|F|R|D|P|Q|A|B|T"): an invented mapping.
REQUESTED_CODES = {
    BatteryState.NORMAL: "N",
    BatteryState.ONLY_CHARGE: "C",
    BatteryState.ONLY_DISCHARGE: "V",
    BatteryState.FORCE_CHARGE: "F",
    BatteryState.FORCE_DISCHARGE: "D",
    BatteryState.DISABLE: "I",
    BatteryState.DORMANT: "P",
}


def parse_state(value: object) -> BatteryState:
    """Return the state named `value`; raise ValueError for anything else."""
    if isinstance(value, str) and value in NAMES:
        return BatteryState(value)
    raise ValueError(f"invalid state {value!r}")
