"""Record every `state_changed` event in memory; write them when HA stops.

Used by `benchmarks/homewizard_latency.py`. Writes `<output>.ready` once HA has
started and `<output>` (one JSON array `[time, entity_id, state]` per line) on stop.
"""

from __future__ import annotations

import json
from pathlib import Path

from homeassistant.const import (
    EVENT_HOMEASSISTANT_STARTED,
    EVENT_HOMEASSISTANT_STOP,
    EVENT_STATE_CHANGED,
)
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
import homeassistant.helpers.config_validation as cv
from homeassistant.helpers.typing import ConfigType
import voluptuous as vol

DOMAIN = "bench_probe"
CONF_OUTPUT = "output"
CONFIG_SCHEMA = vol.Schema(
    {DOMAIN: vol.Schema({vol.Required(CONF_OUTPUT): cv.string})},
    extra=vol.ALLOW_EXTRA,
)

type Record = tuple[float, str, str | None]


def _write(path: Path, records: list[Record]) -> None:
    """Write one JSON array per record."""
    lines = (json.dumps(record) for record in records)
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Listen to state changes; mark readiness and dump the records."""
    output = Path(config[DOMAIN][CONF_OUTPUT])
    records: list[Record] = []

    @callback
    def record(event: Event[EventStateChangedData]) -> None:
        new_state = event.data["new_state"]
        state = None if new_state is None else new_state.state
        records.append((event.time_fired_timestamp, event.data["entity_id"], state))

    async def started(_event: Event) -> None:
        ready = output.with_name(f"{output.name}.ready")
        await hass.async_add_executor_job(ready.write_text, "started\n")

    async def stopping(_event: Event) -> None:
        await hass.async_add_executor_job(_write, output, list(records))

    hass.bus.async_listen(EVENT_STATE_CHANGED, record)
    hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STARTED, started)
    hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, stopping)
    return True
