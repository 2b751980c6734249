"""PersistedState: per-entry values in HA's storage, debounced and flushed."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry, ConfigFlow
from homeassistant.const import EVENT_HOMEASSISTANT_FINAL_WRITE
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockModule,
    async_fire_time_changed,
    mock_config_flow,
    mock_integration,
    mock_platform,
)

from energy_api.ha.store import (
    MONTHLY_USAGE,
    SAVE_DELAY,
    TOTALS,
    Codec,
    PersistedState,
)
from energy_api.schedule.usage import MonthlyUsage

DOMAIN = "store_test"
JUNE = datetime(2026, 6, 15, 12, tzinfo=UTC)


def entry_of(hass: HomeAssistant) -> MockConfigEntry:
    entry = MockConfigEntry(domain=DOMAIN, entry_id="entry1")
    entry.add_to_hass(hass)
    return entry


def stored(data: Any, version: int = 1) -> dict[str, Any]:
    return {"version": version, "minor_version": 1, "key": "k", "data": data}


async def elapse(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float
) -> None:
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


def unreadable_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == "energy_api.ha.store" and record.levelno == logging.WARNING
    ]


async def test_a_missing_value_starts_empty_and_is_saved_after_the_delay(
    hass: HomeAssistant, hass_storage: dict[str, Any], freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(JUNE)
    state = PersistedState(hass, entry_of(hass), "usage", MONTHLY_USAGE)
    assert state.key == "store_test.entry1.usage"
    assert await state.async_load() == MonthlyUsage()
    state.data.record(JUNE)
    state.async_save_soon()
    state.data.record(JUNE, manual=True)
    state.async_save_soon()
    await elapse(hass, freezer, SAVE_DELAY - 1)
    assert state.key not in hass_storage
    await elapse(hass, freezer, 1)
    assert hass_storage[state.key]["version"] == 1
    assert hass_storage[state.key]["data"] == {
        "month": "2026-06",
        "spent": 2,
        "manual_spent": 1,
    }


async def test_a_stored_value_is_loaded_once(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    key = "store_test.entry1.usage"
    hass_storage[key] = stored({"month": "2026-06", "spent": 7, "manual_spent": 2})
    state = PersistedState(hass, entry_of(hass), "usage", MONTHLY_USAGE)
    usage = await state.async_load()
    assert usage.spent_at(JUNE) == 7
    hass_storage[key] = stored({"month": "2026-06", "spent": 99, "manual_spent": 0})
    assert await state.async_load() is usage
    assert state.data.spent_at(JUNE) == 7


@pytest.mark.parametrize(
    "content",
    [
        stored(["not", "an", "object"]),
        stored({"month": "2026-06", "spent": 7}, version=2),  # from a newer release
        {"data": {}},  # no version
        stored({"a": "x"}),  # the codec refuses it
    ],
)
async def test_an_unreadable_value_starts_empty_and_is_logged_once(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
    content: dict[str, Any],
) -> None:
    def strict(data: dict[str, Any]) -> dict[str, float]:
        return {name: float(value) for name, value in data.items()}

    hass_storage["store_test.entry1.totals"] = content
    codec = Codec[dict[str, float]](dict, dict, strict)
    state = PersistedState(hass, entry_of(hass), "totals", codec)
    assert await state.async_load() == {}
    assert await state.async_load() == {}
    [warning] = unreadable_warnings(caplog)
    assert "store_test.entry1.totals" in warning


async def test_totals_keep_what_is_readable(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    hass_storage["store_test.entry1.totals"] = stored(
        {"charged": 12.5, "discharged": 3, "bad": "x", "nan": None, "neg": -1.0}
    )
    state = PersistedState(hass, entry_of(hass), "totals", TOTALS)
    assert await state.async_load() == {"charged": 12.5, "discharged": 3.0}
    state.data = {"charged": 13.0}
    assert state.data == {"charged": 13.0}


class StoreFlow(ConfigFlow):
    """The test integration's (unused) config flow."""

    VERSION = 1


@pytest.fixture
def integration(
    hass: HomeAssistant,
) -> Iterator[list[PersistedState[dict[str, float]]]]:
    """Register an integration keeping totals; yield the states it creates."""
    states: list[PersistedState[dict[str, float]]] = []

    async def setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
        state = PersistedState(hass, entry, "totals", TOTALS)
        await state.async_load()
        states.append(state)
        return True

    async def unload_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
        return True

    mock_integration(
        hass,
        MockModule(
            DOMAIN, async_setup_entry=setup_entry, async_unload_entry=unload_entry
        ),
    )
    mock_platform(hass, f"{DOMAIN}.config_flow", None)
    with mock_config_flow(DOMAIN, StoreFlow):
        yield states


async def test_unloading_the_entry_flushes_and_a_reload_reads_it_back(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    integration: list[PersistedState[dict[str, float]]],
) -> None:
    entry = entry_of(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    [state] = integration
    state.data["charged"] = 1.5
    state.async_save_soon()
    assert state.key not in hass_storage
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert hass_storage[state.key]["data"] == {"charged": 1.5}
    assert await hass.config_entries.async_setup(entry.entry_id)
    assert integration[1].data == {"charged": 1.5}
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_home_assistant_stopping_writes_a_pending_change(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    state = PersistedState(hass, entry_of(hass), "totals", TOTALS)
    await state.async_load()
    state.data["charged"] = 2.0
    state.async_save_soon()
    hass.bus.async_fire(EVENT_HOMEASSISTANT_FINAL_WRITE)
    await hass.async_block_till_done()
    assert hass_storage[state.key]["data"] == {"charged": 2.0}


async def test_flush_writes_only_a_pending_change(
    hass: HomeAssistant, hass_storage: dict[str, Any], freezer: FrozenDateTimeFactory
) -> None:
    state = PersistedState(hass, entry_of(hass), "totals", TOTALS)
    await state.async_load()
    await state.async_flush()
    assert state.key not in hass_storage
    state.data["charged"] = 3.0
    state.async_save_soon()
    await state.async_flush()
    assert hass_storage[state.key]["data"] == {"charged": 3.0}
    # The delayed write already happened: nothing is written twice.
    hass_storage.pop(state.key)
    await elapse(hass, freezer, SAVE_DELAY)
    await state.async_flush()
    assert state.key not in hass_storage


async def test_remove_deletes_the_value(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    hass_storage["store_test.entry1.totals"] = stored({"charged": 4.0})
    state = PersistedState(hass, entry_of(hass), "totals", TOTALS)
    assert await state.async_load() == {"charged": 4.0}
    await state.async_remove()
    assert state.key not in hass_storage
    assert state.data == {}
    await state.async_flush()
    assert state.key not in hass_storage
