"""Entities per model (snapshots), actions, glitches, external meters and write throttling."""

from __future__ import annotations

import asyncio
from dataclasses import fields

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.button import SERVICE_PRESS
from homeassistant.components.number import ATTR_VALUE, SERVICE_SET_VALUE
from homeassistant.components.select import ATTR_OPTION, SERVICE_SELECT_OPTION
from homeassistant.components.switch import SERVICE_TURN_OFF, SERVICE_TURN_ON
from homeassistant.const import ATTR_ENTITY_ID, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import snapshot_platform
from pytest_homeassistant_custom_component.typing import WebSocketGenerator
from syrupy.assertion import SnapshotAssertion

from custom_components.homewizard_v2.const import (
    CONF_MIN_WRITE_INTERVAL,
    CONF_UPDATE_METHOD,
    DOMAIN,
    UPDATE_POLL,
)
from custom_components.homewizard_v2.sensor import MEASUREMENT_SENSORS
from custom_components.homewizard_v2.vendor.energy_api.homewizard import Measurement
from simulators import Fault, FaultKind

from .conftest import StartDevice, set_up

POLL = {CONF_UPDATE_METHOD: UPDATE_POLL}
# Every push taken in: the tests of push handling need no pacing.
REAL_TIME = {CONF_MIN_WRITE_INTERVAL: 0}


async def wait_for(
    hass: HomeAssistant, condition: object, seconds: float = 5.0
) -> None:
    async with asyncio.timeout(seconds):
        while not condition():  # type: ignore[operator]
            await asyncio.sleep(0.02)
            await hass.async_block_till_done()


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("model", ["p1_3phase", "p1_1phase", "kwh1", "kwh3", "battery"])
@pytest.mark.parametrize(
    "platform",
    [
        Platform.SENSOR,
        Platform.SWITCH,
        Platform.SELECT,
        Platform.NUMBER,
        Platform.BUTTON,
    ],
)
async def test_entities(
    hass: HomeAssistant,
    start_device: StartDevice,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    freezer: FrozenDateTimeFactory,
    monkeypatch: pytest.MonkeyPatch,
    model: str,
    platform: Platform,
) -> None:
    monkeypatch.setattr("custom_components.homewizard_v2.PLATFORMS", [platform])
    # Certificates are issued in real time (OpenSSL checks them against it).
    device = await start_device(model)
    freezer.move_to("2026-06-01T12:00:00+00:00")
    entry = await set_up(hass, device.entry(**POLL))
    if not er.async_entries_for_config_entry(entity_registry, entry.entry_id):
        assert (model, platform) in {
            ("battery", Platform.SELECT),
            ("battery", Platform.SWITCH),
            ("kwh1", Platform.NUMBER),
            ("kwh3", Platform.NUMBER),
        }
    else:
        await snapshot_platform(hass, entity_registry, snapshot, entry.entry_id)
    await hass.config_entries.async_unload(entry.entry_id)


async def test_actions(hass: HomeAssistant, start_device: StartDevice) -> None:
    p1 = await start_device("p1_3phase")
    entry = await set_up(hass, p1.entry(**POLL))
    await hass.services.async_call(
        "switch",
        SERVICE_TURN_OFF,
        {ATTR_ENTITY_ID: "switch.p1_meter_cloud_connection"},
        blocking=True,
    )
    assert hass.states.get("switch.p1_meter_cloud_connection").state == "off"
    assert p1.device.cloud_enabled is False
    await hass.services.async_call(
        "switch",
        SERVICE_TURN_ON,
        {ATTR_ENTITY_ID: "switch.p1_meter_cloud_connection"},
        blocking=True,
    )
    assert p1.device.cloud_enabled is True
    await hass.services.async_call(
        "number",
        SERVICE_SET_VALUE,
        {ATTR_ENTITY_ID: "number.p1_meter_status_light_brightness", ATTR_VALUE: 30},
        blocking=True,
    )
    assert hass.states.get("number.p1_meter_status_light_brightness").state == "30.0"
    select = "select.p1_meter_battery_group_charging_strategy"
    for option in ("zero_charge_only", "standby", "predictive", "zero"):
        await hass.services.async_call(
            "select",
            SERVICE_SELECT_OPTION,
            {ATTR_ENTITY_ID: select, ATTR_OPTION: option},
            blocking=True,
        )
        assert hass.states.get(select).state == option
    # On API 2.3.0 a one-time full charge goes through charge_to_full.
    await hass.services.async_call(
        "select",
        SERVICE_SELECT_OPTION,
        {ATTR_ENTITY_ID: select, ATTR_OPTION: "to_full"},
        blocking=True,
    )
    assert hass.states.get(select).state == "to_full"
    assert hass.states.get("switch.p1_meter_charge_batteries_to_full").state == "on"
    await hass.services.async_call(
        "button",
        SERVICE_PRESS,
        {ATTR_ENTITY_ID: "button.p1_meter_identify"},
        blocking=True,
    )
    await hass.services.async_call(
        "button",
        SERVICE_PRESS,
        {ATTR_ENTITY_ID: "button.p1_meter_restart"},
        blocking=True,
    )
    assert (p1.device.identify_count, p1.device.reboot_count) == (1, 1)
    # A refused action is a translated HA error; the device is untouched.
    p1.device.set_fault(
        Fault(
            FaultKind.STATUS,
            status=400,
            body={"error": "json:parameter-invalid-type:mode"},
            count=1,
        )
    )
    with pytest.raises(HomeAssistantError) as info:
        await hass.services.async_call(
            "select",
            SERVICE_SELECT_OPTION,
            {ATTR_ENTITY_ID: select, ATTR_OPTION: "standby"},
            blocking=True,
        )
    assert info.value.translation_key == "api_error"
    await hass.config_entries.async_unload(entry.entry_id)


async def test_modes_follow_the_api_version(
    hass: HomeAssistant, start_device: StartDevice
) -> None:
    p1 = await start_device("p1_1phase")
    entry = await set_up(hass, p1.entry(**POLL))
    select = "select.p1_meter_battery_group_charging_strategy"
    assert hass.states.get(select).attributes["options"] == [
        "zero",
        "zero_charge_only",
        "zero_discharge_only",
        "standby",
        "to_full",
    ]
    assert hass.states.get("switch.p1_meter_charge_batteries_to_full") is None
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(
            "select",
            SERVICE_SELECT_OPTION,
            {ATTR_ENTITY_ID: select, ATTR_OPTION: "predictive"},
            blocking=True,
        )
    await hass.services.async_call(
        "select",
        SERVICE_SELECT_OPTION,
        {ATTR_ENTITY_ID: select, ATTR_OPTION: "zero_discharge_only"},
        blocking=True,
    )
    assert hass.states.get(select).state == "zero_discharge_only"
    await hass.services.async_call(
        "select",
        SERVICE_SELECT_OPTION,
        {ATTR_ENTITY_ID: select, ATTR_OPTION: "to_full"},
        blocking=True,
    )
    assert hass.states.get(select).state == "to_full"
    await hass.config_entries.async_unload(entry.entry_id)
    old = await start_device("p1_1phase", api_version="2.1.0")
    entry = await set_up(hass, old.entry(**POLL))
    assert hass.states.get(select).attributes["options"] == [
        "zero",
        "standby",
        "to_full",
    ]
    await hass.config_entries.async_unload(entry.entry_id)


async def test_energy_totals_never_go_backwards(
    hass: HomeAssistant, start_device: StartDevice
) -> None:
    p1 = await start_device("p1_3phase", push_interval=0.05)
    entry = await set_up(hass, p1.entry(**REAL_TIME))
    total = "sensor.p1_meter_energy_import"
    gas = "sensor.gas_meter_gas"
    before, gas_before = (
        float(hass.states.get(total).state),
        float(hass.states.get(gas).state),
    )
    p1.device.extra_measurement_fields = {"energy_import_kwh": 0, "external": []}
    await asyncio.sleep(0.3)
    await hass.async_block_till_done()
    assert float(hass.states.get(total).state) == before
    p1.device.extra_measurement_fields = {"energy_import_kwh": before - 100}
    await asyncio.sleep(0.3)
    await hass.async_block_till_done()
    assert float(hass.states.get(total).state) == before
    assert float(hass.states.get(gas).state) >= gas_before
    p1.device.extra_measurement_fields = {"energy_import_kwh": before + 1}
    await wait_for(hass, lambda: float(hass.states.get(total).state) == before + 1)
    await hass.config_entries.async_unload(entry.entry_id)


async def test_external_meters_come_and_go(
    hass: HomeAssistant, start_device: StartDevice, hass_ws_client: WebSocketGenerator
) -> None:
    assert await async_setup_component(hass, "config", {})
    p1 = await start_device("p1_3phase", push_interval=0.05)
    entry = await set_up(hass, p1.entry(**REAL_TIME))
    registry = dr.async_get(hass)
    devices = {
        d.name: d for d in dr.async_entries_for_config_entry(registry, entry.entry_id)
    }
    assert set(devices) == {"P1 meter", "Gas meter", "Water meter"}
    assert devices["Gas meter"].via_device_id == devices["P1 meter"].id
    client = await hass_ws_client(hass)
    # Reported meters cannot be deleted by hand.
    response = await client.remove_device(devices["Water meter"].id, entry.entry_id)
    assert not response["success"]
    # A new, unknown meter type shows up as its own device.
    p1.device.external_types.append("steam_meter")
    await wait_for(
        hass, lambda: hass.states.get("sensor.steam_meter_meter_reading") is not None
    )
    # The water meter is no longer reported: its device goes.
    p1.device.remove_external("water_meter")
    await wait_for(hass, lambda: registry.async_get(devices["Water meter"].id) is None)
    assert registry.async_get(devices["Gas meter"].id) is not None
    await hass.config_entries.async_unload(entry.entry_id)


async def test_min_write_interval_throttles_measurements(
    hass: HomeAssistant, start_device: StartDevice
) -> None:
    p1 = await start_device("p1_3phase", push_interval=0.02)
    entry = await set_up(hass, p1.entry(**{CONF_MIN_WRITE_INTERVAL: 1}))
    power = "sensor.p1_meter_power"
    await wait_for(hass, lambda: p1.device.ws_connections == 1)
    written: list[str] = []
    hass.bus.async_listen(
        "state_changed",
        lambda event: (
            written.append(event.data["new_state"].state)
            if event.data["entity_id"] == power
            else None
        ),
    )
    await asyncio.sleep(1.0)
    p1.device.set_power(100)
    await wait_for(hass, lambda: written == ["100.0"])
    # Inside the interval pushes are held back.
    for watts in (101, 102):
        p1.device.set_power(watts)
        await asyncio.sleep(0.1)
    await hass.async_block_till_done()
    assert written == ["100.0"]
    # No further push: the last held value is written once the interval has passed.
    await wait_for(hass, lambda: written == ["100.0", "102.0"])
    # A push after the interval is written at once, not when a timer fires.
    await asyncio.sleep(1.0)
    p1.device.set_power(200)
    await wait_for(hass, lambda: written[-1] == "200.0", 0.5)
    assert written == ["100.0", "102.0", "200.0"]
    await hass.config_entries.async_unload(entry.entry_id)


async def test_removing_the_entry_deletes_the_token(
    hass: HomeAssistant, start_device: StartDevice
) -> None:
    p1 = await start_device("battery")
    entry = await set_up(hass, p1.entry(**POLL))
    assert await hass.config_entries.async_remove(entry.entry_id)
    assert not p1.device.token_valid(p1.token)


async def test_removing_an_unreachable_entry_says_what_to_do(
    hass: HomeAssistant, start_device: StartDevice, caplog: pytest.LogCaptureFixture
) -> None:
    p1 = await start_device("battery")
    entry = await set_up(hass, p1.entry(**POLL))
    await p1.sim.stop()
    assert await hass.config_entries.async_remove(entry.entry_id)
    assert "remove the user" in caplog.text
    assert p1.token not in caplog.text
    assert DOMAIN in caplog.text or "Plug-In Battery" in caplog.text


def test_measurement_sensors_are_named_after_their_field() -> None:
    """A push reaches a measurement sensor through the field its key names."""
    names = {spec.name for spec in fields(Measurement)}
    keys = {d.key for d in MEASUREMENT_SENSORS if d.part == "measurement"}
    assert keys <= names
