"""Setup and unload results follow what the running HA can do, not its version."""

from __future__ import annotations

from collections.abc import Iterator
import importlib
from types import ModuleType
from typing import Any

from homeassistant.config_entries import ConfigEntries
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from energy_api.ha import entry as entry_module


@pytest.fixture(name="reloaded")
def fixture_reloaded() -> Iterator[Any]:
    """Reload the module after a test changed what HA offers, and again after it."""

    def reload() -> ModuleType:
        return importlib.reload(entry_module)

    yield reload
    importlib.reload(entry_module)


async def test_before_unload_or_raise_a_bool(
    hass: HomeAssistant, reloaded: Any
) -> None:
    module = reloaded()
    if hasattr(ConfigEntries, "async_unload_platforms_or_raise"):
        pytest.skip("this HA unloads with async_unload_platforms_or_raise")
    assert module.SETUP_DONE is True
    entry = MockConfigEntry(domain="energy_test")
    entry.add_to_hass(hass)
    assert await module.async_unload_platforms(hass, entry, [Platform.SENSOR]) is True


async def test_with_unload_or_raise_none(
    hass: HomeAssistant, reloaded: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[Platform]] = []

    async def unload_or_raise(
        self: ConfigEntries, entry: MockConfigEntry, platforms: list[Platform]
    ) -> None:
        calls.append(list(platforms))

    monkeypatch.setattr(
        ConfigEntries, "async_unload_platforms_or_raise", unload_or_raise, raising=False
    )
    module = reloaded()
    assert module.SETUP_DONE is None
    entry = MockConfigEntry(domain="energy_test")
    entry.add_to_hass(hass)
    assert await module.async_unload_platforms(hass, entry, [Platform.SENSOR]) is None
    assert calls == [[Platform.SENSOR]]
