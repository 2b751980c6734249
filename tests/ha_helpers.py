"""Helpers shared by the integrations' tests: snapshots per HA release, icon checks."""

from __future__ import annotations

import json
from pathlib import Path

from homeassistant.const import MAJOR_VERSION, MINOR_VERSION
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
