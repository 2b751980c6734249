"""Helpers shared by the integrations' tests: snapshots per HA release, icons, the clock."""

from __future__ import annotations

from datetime import datetime
import json
from pathlib import Path
from typing import Any, Protocol

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import MAJOR_VERSION, MINOR_VERSION
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.location import PyTestLocation


class VersionedSnapshotExtension(HomeAssistantSnapshotExtension):
    """HA's snapshot extension, one folder per HA release: the format differs between them.

    The folders are siblings of `snapshots/`, not inside it: syrupy walks the default
    folder for unused snapshots and would delete the other release's.
    """

    @classmethod
    def dirname(cls, *, test_location: PyTestLocation) -> str:
        """Return `snapshots-<HA major.minor>` beside the test file."""
        folder = Path(super().dirname(test_location=test_location))
        return f"{folder}-{MAJOR_VERSION}.{MINOR_VERSION}"


def icons_used(integration: Path) -> set[str]:
    """Return every icon of `icons.json`, asserting each belongs to a translated entity."""
    icons = json.loads((integration / "icons.json").read_text())["entity"]
    names = json.loads((integration / "translations" / "en.json").read_text())["entity"]
    used = set()
    for platform, keys in icons.items():
        for key, icon in keys.items():
            assert key in names[platform], f"{platform}.{key} has no translation"
            used.add(icon["default"])
            used.update(icon.get("state", {}).values())
    return used


class Planned(Protocol):
    """A coordinator that knows its next planned refresh."""

    @property
    def next_refresh(self) -> datetime | None:
        """Return the next planned refresh, None when none is planned."""


async def set_up_entry(hass: HomeAssistant, entry: MockConfigEntry) -> Any:
    """Add the entry, set it up and return its runtime data (the coordinator)."""
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry.runtime_data


async def run_until(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    coordinator: Planned,
    end: datetime,
) -> None:
    """Move HA's time (and the simulators') from planned refresh to planned refresh."""
    while (due := coordinator.next_refresh) is not None and due <= end:
        freezer.move_to(due)
        async_fire_time_changed(hass, due)
        await hass.async_block_till_done(wait_background_tasks=True)
    freezer.move_to(end)
    async_fire_time_changed(hass, end)
    await hass.async_block_till_done(wait_background_tasks=True)
