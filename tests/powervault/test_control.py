"""The battery state: select and actions on cloud and local, the override's end, the warning."""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import issue_registry as ir
import pytest

from custom_components.powervault.const import DOMAIN
from tests.ha_helpers import run_until

from .conftest import START, Cloud, Local, set_up


@pytest.mark.parametrize("kind", ["cloud", "local"])
async def test_set_and_cancel(
    hass: HomeAssistant,
    cloud: Cloud,
    local: Local,
    freezer: FrozenDateTimeFactory,
    kind: str,
) -> None:
    """Force discharge for an hour: the select shows it, the end is known, a warning stands; it ends by itself."""
    entry = cloud.entry() if kind == "cloud" else local.entry()
    coordinator = await set_up(hass, entry)
    select = next(
        s.entity_id
        for s in hass.states.async_all("select")
        if s.entity_id.startswith("select.powervault")
    )
    await hass.services.async_call(
        DOMAIN,
        "set_battery_state",
        {
            "config_entry_id": entry.entry_id,
            "state": "force-discharge",
            "duration": {"hours": 1},
        },
        blocking=True,
    )
    assert hass.states.get(select).state == "force-discharge"
    end = coordinator.unit.override_end
    assert end is not None
    assert end == pytest.approx(START + timedelta(hours=1), abs=timedelta(minutes=1))
    issue_id = f"override_active_{entry.entry_id}"
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is not None

    await run_until(hass, freezer, coordinator, end + timedelta(minutes=1))
    assert hass.states.get(select).state == "force-charge", (
        "the schedule (00:30-04:30 London) applies again"
    )
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None

    await hass.services.async_call(
        "select",
        "select_option",
        {"entity_id": select, "option": "disable"},
        blocking=True,
    )
    assert hass.states.get(select).state == "disable"
    await hass.services.async_call(
        DOMAIN, "cancel_override", {"config_entry_id": entry.entry_id}, blocking=True
    )
    assert hass.states.get(select).state != "disable"
    assert coordinator.unit.override_end is None


async def test_action_errors(hass: HomeAssistant, cloud: Cloud) -> None:
    """An unknown entry or an end in the past are refused before any call."""
    entry = cloud.entry()
    await set_up(hass, entry)
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(
            DOMAIN, "cancel_override", {"config_entry_id": "nope"}, blocking=True
        )
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(
            DOMAIN,
            "set_battery_state",
            {
                "config_entry_id": entry.entry_id,
                "state": "normal",
                "end_time": "2020-01-01 00:00:00",
            },
            blocking=True,
        )
