"""The battery group a P1 or kWh meter controls (`/api/batteries`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .common import ApiError

V2_1 = (2, 1, 0)
V2_2 = (2, 2, 0)
V2_3 = (2, 3, 0)
ZERO = "zero"
STANDBY = "standby"
TO_FULL = "to_full"
PREDICTIVE = "predictive"
CHARGE = "charge_allowed"
DISCHARGE = "discharge_allowed"
PERMISSIONS = (CHARGE, DISCHARGE)
TO_FULL_DURATION_S = 20.0


def _canonical(permissions: list[Any]) -> list[str]:
    if not all(item in PERMISSIONS for item in permissions):
        raise ApiError("json:parameter-invalid-type:permissions")
    return [item for item in PERMISSIONS if item in permissions]


class BatteryGroup:
    """Mode and permissions state machine of the HomeWizard battery group.

    `to_full` ends `to_full_duration` seconds of the clock after it starts
    (the batteries are then "full") and restores the previous mode.
    """

    def __init__(
        self,
        clock: Callable[[], float],
        api_version: tuple[int, int, int],
        *,
        battery_count: int = 2,
        max_consumption_w: int = 1600,
        max_production_w: int = 800,
        to_full_duration: float = TO_FULL_DURATION_S,
    ) -> None:
        """Start in mode `zero` with both permissions."""
        self._clock = clock
        self.api_version = api_version
        self.battery_count = battery_count
        self.max_consumption_w = max_consumption_w
        self.max_production_w = max_production_w
        self.to_full_duration = to_full_duration
        self.mode = ZERO
        self.permissions: list[str] = list(PERMISSIONS)
        self._before_full: tuple[str, list[str]] = (ZERO, list(PERMISSIONS))
        self._full_at = 0.0

    @property
    def modes(self) -> tuple[str, ...]:
        """Return the modes this API version accepts."""
        modes = (ZERO, STANDBY, TO_FULL)
        return (*modes, PREDICTIVE) if self.api_version >= V2_3 else modes

    def refresh(self) -> None:
        """Return from `to_full` to the previous mode once the batteries are full."""
        if self.mode == TO_FULL and self._clock() >= self._full_at:
            self._leave_to_full()

    def _leave_to_full(self) -> None:
        if self.mode == TO_FULL:
            self.mode, permissions = self._before_full
            self.permissions = list(permissions)

    def target_power_w(self, grid_w: float) -> int:
        """Return the group setpoint in W (negative = producing) for the grid power."""
        self.refresh()
        if self.mode == TO_FULL:
            return self.max_consumption_w
        if self.mode == STANDBY:
            return 0
        if grid_w > 0 and DISCHARGE in self.permissions:
            return -min(round(grid_w), self.max_production_w)
        if grid_w < 0 and CHARGE in self.permissions:
            return min(round(-grid_w), self.max_consumption_w)
        return 0

    def as_dict(self, grid_w: float) -> dict[str, Any]:
        """Return `GET /api/batteries` for this API version and grid power."""
        target = self.target_power_w(grid_w)
        data: dict[str, Any] = {"mode": self.mode}
        if self.api_version >= V2_2:
            data["permissions"] = list(self.permissions)
        if self.api_version >= V2_3:
            data["charge_to_full"] = self.mode == TO_FULL
        if self.api_version >= V2_2:
            data["battery_count"] = self.battery_count
        data["power_w"] = round(target * 1.01)
        data["target_power_w"] = target
        data["max_consumption_w"] = self.max_consumption_w
        data["max_production_w"] = self.max_production_w
        return data

    def realtime(self, grid_w: float) -> dict[str, Any]:
        """Return the fields whose change the device pushes over the WebSocket."""
        data = self.as_dict(grid_w)
        keys = ["mode", "permissions", "charge_to_full"]
        if self.api_version >= V2_2:
            keys.append("target_power_w")
        return {key: data[key] for key in keys if key in data}

    def _parse(
        self, body: Mapping[str, Any]
    ) -> tuple[str | None, list[str] | None, bool | None]:
        mode, permissions, charge_to_full = None, None, None
        known = False
        if "mode" in body:
            known = True
            mode = body["mode"]
            if not isinstance(mode, str) or mode not in self.modes:
                raise ApiError("json:parameter-invalid-type:mode")
        if "permissions" in body and self.api_version >= V2_2:
            known = True
            if not isinstance(body["permissions"], list):
                raise ApiError("json:parameter-invalid-type:permissions")
            permissions = _canonical(body["permissions"])
        if "charge_to_full" in body and self.api_version >= V2_3:
            known = True
            charge_to_full = body["charge_to_full"]
            if not isinstance(charge_to_full, bool):
                raise ApiError("json:parameter-invalid-type:charge_to_full")
        if not known:
            raise ApiError("json:no-parameters-recognized")
        return mode, permissions, charge_to_full

    def update(self, body: Mapping[str, Any]) -> None:
        """Apply a `PUT /api/batteries` body; raise ApiError if it is invalid."""
        mode, permissions, charge_to_full = self._parse(body)
        self.refresh()
        leave = False
        if charge_to_full is not None:
            if mode is not None and (mode == TO_FULL) != charge_to_full:
                raise ApiError("json:parameter-not-exclusive")
            if charge_to_full:
                mode = TO_FULL
            elif mode is None and self.mode == TO_FULL:
                leave = True
        if permissions is not None:
            if mode in {TO_FULL, PREDICTIVE} or (mode == STANDBY and permissions):
                raise ApiError("json:parameter-not-exclusive")
            current = self._before_full[0] if leave else self.mode
            if mode is None and current in {TO_FULL, PREDICTIVE}:
                raise ApiError("json:parameter-invalid-type:permissions")
        if leave:
            self._leave_to_full()
        if mode is not None:
            self._set_mode(mode)
        if permissions is not None:
            self.permissions = permissions
            if self.mode == STANDBY and permissions:
                self.mode = ZERO
            elif self.mode == ZERO and not permissions:
                self.mode = STANDBY

    def _set_mode(self, mode: str) -> None:
        if mode == TO_FULL:
            if self.mode != TO_FULL:
                self._before_full = (self.mode, list(self.permissions))
                self._full_at = self._clock() + self.to_full_duration
                self.mode = TO_FULL
            return
        self._leave_to_full()
        self.mode = mode
        if mode == STANDBY:
            self.permissions = []
        elif not self.permissions:
            self.permissions = list(PERMISSIONS)
