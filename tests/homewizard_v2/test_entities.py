"""Entities per model (snapshots), actions, availability, totals, battery group, external meters."""

from __future__ import annotations

import asyncio
from dataclasses import fields
from datetime import datetime, timedelta
import inspect
from pathlib import Path
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.button import SERVICE_PRESS
from homeassistant.components.number import ATTR_VALUE, SERVICE_SET_VALUE
from homeassistant.components.select import ATTR_OPTION, SERVICE_SELECT_OPTION
from homeassistant.components.switch import SERVICE_TURN_OFF, SERVICE_TURN_ON
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNAVAILABLE, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    snapshot_platform,
)
from pytest_homeassistant_custom_component.typing import (
    MockHAClientWebSocket,
    WebSocketGenerator,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.homewizard_v2.const import (
    CONF_MIN_WRITE_INTERVAL,
    CONF_UPDATE_METHOD,
    DOMAIN,
    UPDATE_POLL,
)
from custom_components.homewizard_v2.coordinator import HomeWizardData
from custom_components.homewizard_v2.sensor import (
    ENERGY_SENSORS,
    MEASUREMENT_SENSORS,
    HomeWizardSensorDescription,
)
from custom_components.homewizard_v2.vendor.energy_api.homewizard import (
    Device as DeviceInfo,
    Measurement,
)
from simulators import Fault, FaultKind
from tests.ha_helpers import icons_used

from .conftest import Device, StartDevice, set_up

POLL = {CONF_UPDATE_METHOD: UPDATE_POLL}
# Every push taken in: the tests of push handling need no pacing.
REAL_TIME = {CONF_MIN_WRITE_INTERVAL: 0}
INTEGRATION = Path(__file__).parents[2] / "custom_components" / DOMAIN
# Every icon icons.json may use, each checked to exist in the Material Design Icons
# set (the names exported by @mdi/js 7.4.47). A name not in MDI shows as a blank
# icon, as `mdi:battery-multiple` did: check a new one there before adding it here.
VERIFIED_ICONS = frozenset(
    {
        "mdi:alert",
        "mdi:alphabetical-variant",
        "mdi:api",
        "mdi:api-off",
        "mdi:battery-arrow-up",
        "mdi:battery-plus-variant",
        "mdi:battery-sync",
        "mdi:calendar-clock",
        "mdi:cloud",
        "mdi:cloud-off-outline",
        "mdi:counter",
        "mdi:gauge",
        "mdi:heat-wave",
        "mdi:home-battery",
        "mdi:home-battery-outline",
        "mdi:lightbulb-on",
        "mdi:transmission-tower-off",
        "mdi:wifi",
    }
)
BATTERY_GROUP_ENTITIES = {
    "sensor.p1_meter_battery_group_power",
    "sensor.p1_meter_battery_group_target_power",
    "sensor.p1_meter_battery_group_maximum_charging_power",
    "sensor.p1_meter_battery_group_maximum_discharging_power",
    "sensor.p1_meter_batteries_in_group",
    "select.p1_meter_battery_group_charging_strategy",
    "switch.p1_meter_charge_batteries_to_full",
}


async def wait_for(
    hass: HomeAssistant, condition: object, seconds: float = 5.0
) -> None:
    """Wait for the simulator and HA to get somewhere over the real sockets."""
    async with asyncio.timeout(seconds):
        while not condition():  # type: ignore[operator]
            await asyncio.sleep(0.02)
            await hass.async_block_till_done()


async def push(
    hass: HomeAssistant, device: Device, entry: MockConfigEntry, **wire: Any
) -> None:
    """Have the device push a measurement with `wire` fields; wait until HA took it in."""
    device.device.extra_measurement_fields = wire
    device.device.ws.notify()
    expected = Measurement.from_json(device.device.measurement())
    await wait_for(hass, lambda: entry.runtime_data.data.measurement == expected)


async def poll(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Let the polling interval pass and the poll finish."""
    freezer.tick(timedelta(seconds=5))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


async def remove_by_hand(
    client: MockHAClientWebSocket, device_id: str, entry_id: str
) -> dict[str, Any]:
    """Ask HA to delete a device, as the UI does (2026.10 dropped the entry id)."""
    if "config_entry_id" in inspect.signature(client.remove_device).parameters:
        response = await client.remove_device(device_id, entry_id)
    else:
        response = await client.remove_device(device_id)
    assert isinstance(response, dict)
    return response


def state(hass: HomeAssistant, entity_id: str) -> str:
    """Return an entity's state; the entity must exist."""
    current = hass.states.get(entity_id)
    assert current is not None, entity_id
    return current.state


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
    assert state(hass, "switch.p1_meter_cloud_connection") == "off"
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
    assert state(hass, "number.p1_meter_status_light_brightness") == "30.0"
    assert p1.device.status_led_brightness_pct == 30
    select = "select.p1_meter_battery_group_charging_strategy"
    for option in ("zero_charge_only", "standby", "predictive", "zero"):
        await hass.services.async_call(
            "select",
            SERVICE_SELECT_OPTION,
            {ATTR_ENTITY_ID: select, ATTR_OPTION: option},
            blocking=True,
        )
        assert state(hass, select) == option
    # On API 2.3.0 a one-time full charge goes through charge_to_full.
    await hass.services.async_call(
        "select",
        SERVICE_SELECT_OPTION,
        {ATTR_ENTITY_ID: select, ATTR_OPTION: "to_full"},
        blocking=True,
    )
    assert state(hass, select) == "to_full"
    assert state(hass, "switch.p1_meter_charge_batteries_to_full") == "on"
    await hass.services.async_call(
        "switch",
        SERVICE_TURN_OFF,
        {ATTR_ENTITY_ID: "switch.p1_meter_charge_batteries_to_full"},
        blocking=True,
    )
    assert state(hass, select) == "zero"
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
    assert state(hass, select) == "zero"
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
    assert state(hass, select) == "zero_discharge_only"
    await hass.services.async_call(
        "select",
        SERVICE_SELECT_OPTION,
        {ATTR_ENTITY_ID: select, ATTR_OPTION: "to_full"},
        blocking=True,
    )
    assert state(hass, select) == "to_full"
    await hass.config_entries.async_unload(entry.entry_id)


async def test_battery_group_before_api_2_2(
    hass: HomeAssistant, start_device: StartDevice
) -> None:
    """API 2.1 does not count the batteries: a reported mode stands for the group."""
    p1 = await start_device("p1_1phase", api_version="2.1.0")
    entry = await set_up(hass, p1.entry(**POLL))
    select = "select.p1_meter_battery_group_charging_strategy"
    assert hass.states.get(select).attributes["options"] == [
        "zero",
        "standby",
        "to_full",
    ]
    assert state(hass, "sensor.p1_meter_battery_group_power") != STATE_UNAVAILABLE
    assert hass.states.get("sensor.p1_meter_batteries_in_group") is None
    await hass.config_entries.async_unload(entry.entry_id)


async def test_battery_group_appears_with_its_batteries(
    hass: HomeAssistant, start_device: StartDevice, entity_registry: er.EntityRegistry
) -> None:
    """A meter without batteries has no battery-group entities until batteries appear."""
    p1 = await start_device("p1_3phase")
    group = p1.device.battery_group
    assert group is not None
    group.battery_count = 0
    entry = await set_up(hass, p1.entry(**REAL_TIME))
    await wait_for(hass, lambda: p1.device.ws_connections == 1)
    shown = {
        e.entity_id
        for e in er.async_entries_for_config_entry(entity_registry, entry.entry_id)
    }
    assert "sensor.p1_meter_power" in shown
    assert shown.isdisjoint(BATTERY_GROUP_ENTITIES)
    # The group pushes when its target power follows the grid; the count rides along.
    group.battery_count = 2
    p1.device.set_power(432)
    await wait_for(
        hass,
        lambda: all(hass.states.get(e) is not None for e in BATTERY_GROUP_ENTITIES),
    )
    assert state(hass, "sensor.p1_meter_batteries_in_group") == "2"
    assert state(hass, "sensor.p1_meter_battery_group_target_power") == "-432.0"
    assert state(hass, "select.p1_meter_battery_group_charging_strategy") == "zero"
    # They are added once: later pushes only update them.
    added = len(er.async_entries_for_config_entry(entity_registry, entry.entry_id))
    group.battery_count = 3
    p1.device.set_power(321)
    await wait_for(
        hass, lambda: state(hass, "sensor.p1_meter_batteries_in_group") == "3"
    )
    assert (
        len(er.async_entries_for_config_entry(entity_registry, entry.entry_id)) == added
    )
    await hass.config_entries.async_unload(entry.entry_id)


async def test_battery_group_appears_when_polled(
    hass: HomeAssistant, start_device: StartDevice, freezer: FrozenDateTimeFactory
) -> None:
    kwh = await start_device("kwh1")
    group = kwh.device.battery_group
    assert group is not None
    group.battery_count = 0
    entry = await set_up(hass, kwh.entry(**POLL))
    select = "select.kwh_meter_battery_group_charging_strategy"
    assert hass.states.get(select) is None
    await poll(hass, freezer)
    assert hass.states.get(select) is None
    group.battery_count = 1
    await poll(hass, freezer)
    assert state(hass, select) == "zero"
    assert state(hass, "sensor.kwh_meter_batteries_in_group") == "1"
    await hass.config_entries.async_unload(entry.entry_id)


async def test_unavailable_when_updates_fail_or_a_value_is_missing(
    hass: HomeAssistant, start_device: StartDevice, freezer: FrozenDateTimeFactory
) -> None:
    p1 = await start_device("p1_3phase")
    entry = await set_up(hass, p1.entry(**POLL))
    shown = (
        "sensor.p1_meter_power",
        "sensor.p1_meter_energy_import",
        "sensor.gas_meter_gas",
        "switch.p1_meter_cloud_connection",
        "select.p1_meter_battery_group_charging_strategy",
        "number.p1_meter_status_light_brightness",
    )
    assert all(state(hass, e) != STATE_UNAVAILABLE for e in shown)
    p1.device.set_fault(Fault(FaultKind.STATUS, status=500, count=1))
    await poll(hass, freezer)
    assert all(state(hass, e) == STATE_UNAVAILABLE for e in shown)
    # The device no longer delivers one value: only its sensor is unavailable.
    p1.device.extra_measurement_fields = {"power_l1_w": None}
    await poll(hass, freezer)
    assert all(state(hass, e) != STATE_UNAVAILABLE for e in shown)
    assert state(hass, "sensor.p1_meter_power_phase_1") == STATE_UNAVAILABLE
    await hass.config_entries.async_unload(entry.entry_id)


async def test_energy_totals_never_go_backwards(
    hass: HomeAssistant, start_device: StartDevice
) -> None:
    p1 = await start_device("p1_3phase")
    entry = await set_up(hass, p1.entry(**REAL_TIME))
    await wait_for(hass, lambda: p1.device.ws_connections == 1)
    total = "sensor.p1_meter_energy_import"
    gas = "sensor.gas_meter_gas"
    before, gas_before = float(state(hass, total)), float(state(hass, gas))
    external = p1.device.measurement()["external"]
    lower_gas = [
        meter | {"value": meter["value"] - 10}
        if meter["type"] == "gas_meter"
        else meter
        for meter in external
    ]
    for wire in (
        {"energy_import_kwh": 0},
        {"energy_import_kwh": None},
        {"energy_import_kwh": before - 100, "external": lower_gas},
        # A one-reading spike is never shown...
        {"energy_import_kwh": before + 1000},
    ):
        await push(hass, p1, entry, **wire)
        assert float(state(hass, total)) == before
        assert float(state(hass, gas)) == gas_before
    # ... and a plausible rise is, at once.
    await push(hass, p1, entry, energy_import_kwh=before + 0.5)
    assert float(state(hass, total)) == before + 0.5
    # The total survives a restart, also when the device then reads lower.
    p1.device.extra_measurement_fields = {"energy_import_kwh": before - 1}
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert float(state(hass, total)) == before + 0.5
    await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_uptime_moves_only_past_a_minute(
    hass: HomeAssistant, start_device: StartDevice, freezer: FrozenDateTimeFactory
) -> None:
    p1 = await start_device("p1_3phase")
    freezer.move_to("2026-06-01T12:00:00+00:00")
    entry = await set_up(hass, p1.entry(**POLL))
    last_restart = "sensor.p1_meter_last_restart"
    assert state(hass, last_restart) == "2026-06-01T12:00:00+00:00"
    # Uptime lags HA's clock by the time a poll takes: the boot time stays.
    p1.clock.now += 4
    await poll(hass, freezer)
    assert state(hass, last_restart) == "2026-06-01T12:00:00+00:00"
    # Uptime disagrees by more than a minute: the boot time moves.
    p1.clock.now += 100
    await poll(hass, freezer)
    assert state(hass, last_restart) == "2026-06-01T11:58:26+00:00"
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
    assert devices["Water meter"].via_device_id == devices["P1 meter"].id
    client = await hass_ws_client(hass)
    # Reported meters cannot be deleted by hand.
    response = await remove_by_hand(client, devices["Water meter"].id, entry.entry_id)
    assert not response["success"]
    # A new, unknown meter type shows up as its own device, as a plain measurement.
    p1.device.external_types.append("steam_meter")
    await wait_for(
        hass, lambda: hass.states.get("sensor.steam_meter_meter_reading") is not None
    )
    steam = hass.states.get("sensor.steam_meter_meter_reading")
    assert steam.attributes["state_class"] == "measurement"
    # A push without the meter list is a glitch: no device goes.
    await push(hass, p1, entry, external=None)
    assert registry.async_get(devices["Water meter"].id) is not None
    assert hass.states.get("sensor.water_meter_water") is not None
    p1.device.extra_measurement_fields = {}
    # The water meter is no longer reported: its device goes.
    p1.device.remove_external("water_meter")
    await wait_for(hass, lambda: registry.async_get(devices["Water meter"].id) is None)
    assert registry.async_get(devices["Gas meter"].id) is not None
    await hass.config_entries.async_unload(entry.entry_id)


async def test_min_write_interval_throttles_measurements(
    hass: HomeAssistant, start_device: StartDevice
) -> None:
    """The websocket's pace is the one throttle: at most one write per interval.

    The pace runs on the event loop's clock, so this test takes real seconds.
    """
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


# A value for each data point of a measurement, by its type.
SAMPLES: dict[str, object] = {
    "str | None": "x",
    "int | None": 1,
    "float | None": 1.0,
    "datetime | None": datetime(2026, 1, 1, 12, 0),
}
DATA_POINTS = {
    spec.name: SAMPLES[str(spec.type)]
    for spec in fields(Measurement)
    if spec.name not in ("external", "unknown")
}


@pytest.mark.parametrize(
    "description",
    [*ENERGY_SENSORS, *MEASUREMENT_SENSORS],
    ids=lambda description: description.key,
)
def test_measurement_sensors_show_the_field_they_are_named_after(
    description: HomeWizardSensorDescription,
) -> None:
    """Each written-out description reads exactly the field its key (unique id) names."""
    device = DeviceInfo("P1 meter", "HWE-P1", "5c2fafaabbcc", None, "2.3.0")
    only = Measurement(**{description.key: DATA_POINTS[description.key]})
    others = Measurement(
        **{
            name: value
            for name, value in DATA_POINTS.items()
            if name != description.key
        }
    )
    for measurement, shown in ((only, True), (others, False)):
        data = HomeWizardData(device, measurement, None, None)
        assert (description.value_fn(data) is not None) is shown


def test_icons_exist_and_are_translated() -> None:
    """Every icon is a verified MDI name, for an entity that has a translation."""
    used = icons_used(INTEGRATION)
    assert used <= VERIFIED_ICONS, used - VERIFIED_ICONS
    assert "mdi:battery-multiple" not in VERIFIED_ICONS
