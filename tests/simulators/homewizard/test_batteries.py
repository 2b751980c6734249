"""The battery group state machine (`/api/batteries`) of the HomeWizard simulator."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from simulators.homewizard import ApiError, BatteryGroup
from simulators.homewizard.testing import FakeClock, HomeWizardClient

type StartHomeWizard = Callable[..., Awaitable[HomeWizardClient]]

BOTH = ["charge_allowed", "discharge_allowed"]


def group(
    version: tuple[int, int, int] = (2, 3, 0), clock: FakeClock | None = None
) -> BatteryGroup:
    return BatteryGroup(clock or FakeClock(), version)


def put(battery_group: BatteryGroup, body: dict[str, Any]) -> dict[str, Any]:
    battery_group.update(body)
    return battery_group.as_dict(0)


def error_of(battery_group: BatteryGroup, body: dict[str, Any]) -> str:
    with pytest.raises(ApiError) as info:
        battery_group.update(body)
    assert info.value.status == 400
    return info.value.code


@pytest.mark.parametrize(
    ("version", "keys"),
    [
        ((2, 1, 0), ["mode", "power_w", "target_power_w", "max_consumption_w", "max_production_w"]),
        ((2, 2, 0), ["mode", "permissions", "battery_count", "power_w", "target_power_w", "max_consumption_w", "max_production_w"]),
        ((2, 3, 0), ["mode", "permissions", "charge_to_full", "battery_count", "power_w", "target_power_w", "max_consumption_w", "max_production_w"]),
    ],
)  # fmt: skip
def test_fields_by_version(version: tuple[int, int, int], keys: list[str]) -> None:
    assert list(group(version).as_dict(100)) == keys


def test_default_state() -> None:
    assert group().as_dict(0) == {
        "mode": "zero",
        "permissions": BOTH,
        "charge_to_full": False,
        "battery_count": 2,
        "power_w": 0,
        "target_power_w": 0,
        "max_consumption_w": 1600,
        "max_production_w": 800,
    }


def test_predictive_only_from_2_3() -> None:
    old = group((2, 2, 0))
    assert error_of(old, {"mode": "predictive"}) == "json:parameter-invalid-type:mode"
    assert put(group(), {"mode": "predictive"})["mode"] == "predictive"


@pytest.mark.parametrize(
    ("version", "body"),
    [
        ((2, 1, 0), {"permissions": []}),
        ((2, 2, 0), {"charge_to_full": True}),
        ((2, 3, 0), {"other": 1}),
        ((2, 3, 0), {}),
    ],
)
def test_unknown_fields_only(
    version: tuple[int, int, int], body: dict[str, Any]
) -> None:
    assert error_of(group(version), body) == "json:no-parameters-recognized"


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"mode": 1}, "json:parameter-invalid-type:mode"),
        ({"mode": "full"}, "json:parameter-invalid-type:mode"),
        ({"permissions": "charge_allowed"}, "json:parameter-invalid-type:permissions"),
        ({"permissions": ["fly_allowed"]}, "json:parameter-invalid-type:permissions"),
        ({"charge_to_full": "yes"}, "json:parameter-invalid-type:charge_to_full"),
        ({"mode": "to_full", "permissions": []}, "json:parameter-not-exclusive"),
        ({"charge_to_full": True, "permissions": BOTH}, "json:parameter-not-exclusive"),
        ({"charge_to_full": True, "mode": "zero"}, "json:parameter-not-exclusive"),
        ({"charge_to_full": False, "mode": "to_full"}, "json:parameter-not-exclusive"),
        ({"mode": "standby", "permissions": BOTH}, "json:parameter-not-exclusive"),
        ({"mode": "predictive", "permissions": BOTH}, "json:parameter-not-exclusive"),
    ],
)
def test_invalid_bodies_change_nothing(body: dict[str, Any], error: str) -> None:
    battery_group = group()
    before = battery_group.as_dict(0)
    assert error_of(battery_group, body) == error
    assert battery_group.as_dict(0) == before


def test_standby_and_permission_rules() -> None:
    battery_group = group()
    assert put(battery_group, {"mode": "standby", "x": 1})["permissions"] == []
    state = put(battery_group, {"permissions": ["charge_allowed"]})
    assert (state["mode"], state["permissions"]) == ("zero", ["charge_allowed"])
    state = put(battery_group, {"permissions": []})
    assert (state["mode"], state["permissions"]) == ("standby", [])
    state = put(battery_group, {"mode": "zero"})
    assert (state["mode"], state["permissions"]) == ("zero", BOTH)
    state = put(battery_group, {"mode": "zero", "permissions": []})
    assert state["mode"] == "standby"
    state = put(
        battery_group,
        {"permissions": ["discharge_allowed", "charge_allowed"], "mode": "zero"},
    )
    assert (state["mode"], state["permissions"]) == ("zero", BOTH)
    state = put(battery_group, {"mode": "standby", "permissions": []})
    assert state["mode"] == "standby"


def test_to_full_returns_to_previous_mode() -> None:
    clock = FakeClock()
    battery_group = group(clock=clock)
    put(battery_group, {"permissions": ["discharge_allowed"]})
    state = put(battery_group, {"mode": "to_full"})
    assert (state["mode"], state["charge_to_full"]) == ("to_full", True)
    assert state["target_power_w"] == 1600
    code = error_of(battery_group, {"permissions": BOTH})
    assert code == "json:parameter-invalid-type:permissions"
    clock.advance(10)
    put(battery_group, {"charge_to_full": True})  # does not restart the timer
    clock.advance(9.9)
    assert battery_group.as_dict(0)["mode"] == "to_full"
    clock.advance(0.1)
    state = battery_group.as_dict(0)
    assert (state["mode"], state["permissions"]) == ("zero", ["discharge_allowed"])
    assert state["charge_to_full"] is False


def test_to_full_from_standby_and_cancel() -> None:
    battery_group = group()
    put(battery_group, {"mode": "standby"})
    assert put(battery_group, {"charge_to_full": True})["mode"] == "to_full"
    state = put(battery_group, {"charge_to_full": False})
    assert (state["mode"], state["permissions"]) == ("standby", [])
    assert put(battery_group, {"charge_to_full": False})["mode"] == "standby"
    put(battery_group, {"mode": "to_full"})
    state = put(battery_group, {"mode": "zero"})
    assert (state["mode"], state["permissions"]) == ("zero", BOTH)


def test_to_full_cancel_to_predictive_keeps_permissions_read_only() -> None:
    battery_group = group()
    put(battery_group, {"mode": "predictive"})
    put(battery_group, {"mode": "to_full"})
    body = {"charge_to_full": False, "permissions": []}
    assert error_of(battery_group, body) == "json:parameter-invalid-type:permissions"
    assert battery_group.mode == "to_full"
    code = error_of(battery_group, {"permissions": []})
    assert code == "json:parameter-invalid-type:permissions"


def test_legacy_to_full_in_2_1() -> None:
    clock = FakeClock()
    battery_group = group((2, 1, 0), clock)
    assert put(battery_group, {"mode": "to_full"}) == {
        "mode": "to_full",
        "power_w": 1616,
        "target_power_w": 1600,
        "max_consumption_w": 1600,
        "max_production_w": 800,
    }
    clock.advance(20)
    assert battery_group.as_dict(0)["mode"] == "zero"


@pytest.mark.parametrize(
    ("permissions", "grid", "target"),
    [
        (BOTH, 500, -500),
        (BOTH, 2000, -800),
        (BOTH, -300, 300),
        (BOTH, -5000, 1600),
        (["charge_allowed"], 500, 0),
        (["discharge_allowed"], -500, 0),
        (BOTH, 0, 0),
    ],
)
def test_target_power(permissions: list[str], grid: int, target: int) -> None:
    battery_group = group()
    put(battery_group, {"permissions": permissions})
    assert battery_group.target_power_w(grid) == target
    put(battery_group, {"mode": "standby"})
    assert battery_group.target_power_w(grid) == 0


def test_realtime_fields() -> None:
    assert group((2, 1, 0)).realtime(100) == {"mode": "zero"}
    assert group().realtime(100) == {
        "mode": "zero",
        "permissions": BOTH,
        "charge_to_full": False,
        "target_power_w": -100,
    }


async def test_batteries_over_https(
    homewizard: StartHomeWizard, fake_clock: FakeClock
) -> None:
    client = await homewizard("p1_3phase", to_full_duration=5)
    client.device.set_power(400)
    status, state = await client.call("GET", "/api/batteries")
    assert status == 200
    assert (state["mode"], state["target_power_w"]) == ("zero", -400)
    status, state = await client.call(
        "PUT", "/api/batteries", json={"charge_to_full": True, "x": 1}
    )
    assert (status, state["mode"], state["charge_to_full"]) == (200, "to_full", True)
    assert state["battery_count"] == 2
    status, body = await client.call("PUT", "/api/batteries", json={"permissions": []})
    assert (status, body) == (400, {"error": "json:parameter-invalid-type:permissions"})
    status, body = await client.call("PUT", "/api/batteries", data=b"[")
    assert (status, body) == (400, {"error": "request:invalid-json"})
    fake_clock.advance(5)
    assert (await client.call("GET", "/api/batteries"))[1]["mode"] == "zero"
    state = (await client.call("GET", "/_sim/state"))[1]
    assert state["mode"] == "zero"


@pytest.mark.parametrize(
    ("model", "api_version", "status"),
    [
        ("p1_1phase", None, 200),
        ("kwh1", None, 200),
        ("kwh3", "2.1.0", 200),
        ("kwh3", "2.0.1", 404),
        ("battery", None, 404),
    ],
)
async def test_batteries_availability(
    homewizard: StartHomeWizard, model: str, api_version: str | None, status: int
) -> None:
    client = await homewizard(model, api_version=api_version)
    assert (await client.call("GET", "/api/batteries"))[0] == status
    assert (await client.call("PUT", "/api/batteries", json={"mode": "zero"}))[
        0
    ] == status
    if status == 404:
        assert client.device.state()["mode"] is None


def test_batteries_without_group_raise() -> None:
    from simulators import HomeWizardDevice  # noqa: PLC0415

    device = HomeWizardDevice("battery")
    for call in (device.batteries, lambda: device.update_batteries({"mode": "zero"})):
        with pytest.raises(ApiError) as info:
            call()
        assert info.value.status == 404


def test_two_two_has_no_charge_to_full_nor_predictive() -> None:
    battery_group = group((2, 2, 0))
    assert "charge_to_full" not in battery_group.as_dict(0)
    assert battery_group.modes == ("zero", "standby", "to_full")
