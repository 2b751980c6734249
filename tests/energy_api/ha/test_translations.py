"""Every integration translates every error the shared base can raise."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from energy_api.ha.errors import EXCEPTION_TRANSLATION_KEYS
from tests.paths import REPO

TRANSLATIONS = sorted(REPO.glob("custom_components/*/translations/en.json"))


def test_every_integration_has_translations() -> None:
    manifests = sorted(REPO.glob("custom_components/*/manifest.json"))
    assert len(TRANSLATIONS) == len(manifests) >= 1


@pytest.mark.parametrize("path", TRANSLATIONS, ids=lambda path: path.parts[-3])
def test_shared_exception_keys_are_translated(path: Path) -> None:
    exceptions = json.loads(path.read_text(encoding="utf-8")).get("exceptions", {})
    missing = [key for key in EXCEPTION_TRANSLATION_KEYS if key not in exceptions]
    assert missing == []
    for key in EXCEPTION_TRANSLATION_KEYS:
        assert "{error}" in exceptions[key]["message"], key
