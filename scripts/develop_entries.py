"""Add config entries for the simulated devices of scripts/develop to CONFIG_DIR/.storage.

Usage: python scripts/develop_entries.py CONFIG_DIR ENTRY_JSON [ENTRY_JSON ...]
where each ENTRY_JSON is {"domain", "title", "unique_id", "data"} and optionally
"options" (used when the entry is added). Entries whose (domain, unique_id) already
exist are updated (their data), others are added, so a second run changes nothing
but addresses. HA must not be running.
"""

import json
from pathlib import Path
import sys
from types import MappingProxyType

from homeassistant.config_entries import (
    SOURCE_USER,
    STORAGE_KEY,
    STORAGE_VERSION,
    STORAGE_VERSION_MINOR,
    ConfigEntry,
)


def main(config: Path, wanted: list[dict[str, object]]) -> None:
    """Merge `wanted` into the config entries file of `config`."""
    path = config / ".storage" / STORAGE_KEY
    stored = json.loads(path.read_text()) if path.exists() else None
    entries: list[dict[str, object]] = stored["data"]["entries"] if stored else []
    for spec in wanted:
        existing = next(
            (
                e
                for e in entries
                if e["domain"] == spec["domain"] and e["unique_id"] == spec["unique_id"]
            ),
            None,
        )
        if existing is not None:
            existing["data"] = spec["data"]
            continue
        entry = ConfigEntry(
            data=spec["data"],  # type: ignore[arg-type]
            discovery_keys=MappingProxyType({}),
            domain=str(spec["domain"]),
            minor_version=1,
            options=spec.get("options") or {},  # type: ignore[arg-type]
            source=SOURCE_USER,
            subentries_data=None,
            title=str(spec["title"]),
            unique_id=str(spec["unique_id"]),
            version=1,
        )
        entries.append(json.loads(json.dumps(entry.as_dict(), default=str)))
    document = {
        "version": STORAGE_VERSION,
        "minor_version": STORAGE_VERSION_MINOR,
        "key": STORAGE_KEY,
        "data": {"entries": entries},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2))


if __name__ == "__main__":
    main(Path(sys.argv[1]), [json.loads(arg) for arg in sys.argv[2:]])
