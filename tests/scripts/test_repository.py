"""Repository files that HACS and Home Assistant read."""

import json

from tests.paths import REPO

# HACS validates hacs.json with a schema that rejects unknown keys.
HACS_KEYS = {
    "name",
    "content_in_root",
    "zip_release",
    "filename",
    "hide_default_branch",
    "country",
    "homeassistant",
    "hacs",
    "persistent_directory",
}


def test_hacs_json_has_only_keys_hacs_accepts() -> None:
    data = json.loads((REPO / "hacs.json").read_text())
    assert set(data) <= HACS_KEYS
    assert data["name"]
    assert data["homeassistant"] == "2026.2.0"


def test_only_configuration_yaml_of_config_is_tracked() -> None:
    ignore = (REPO / ".gitignore").read_text().splitlines()
    assert "config/*" in ignore
    assert "!config/configuration.yaml" in ignore
