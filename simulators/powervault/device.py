"""What both Powervault simulators share: data clock, models, options and the state file."""

from __future__ import annotations

from collections.abc import Mapping
import datetime as dt
import json
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from energy_api.timewarp import TimeWarp
from simulators.base import SimulatedDevice
from simulators.faults import CONTROL_PREFIX
from simulators.state import write_atomically

from .clocks import Clock, accelerated, as_utc, now_utc
from .physics import PowervaultModel

STATE_KIND = "powervault"


class PowervaultDevice(SimulatedDevice):
    """A simulated Powervault service holding one model per unit id."""

    def __init__(self, *, clock: Clock = now_utc) -> None:
        """Use `clock` (aware datetimes, looked up per call) as the data clock."""
        super().__init__()
        self.data_clock = clock
        self.models: dict[str, PowervaultModel] = {}
        self.state_path: Path | None = None

    def now(self) -> dt.datetime:
        """Return the data clock's time (UTC)."""
        return as_utc(self.data_clock())

    def model_clock(self) -> dt.datetime:
        """Return the data clock's time; models call this so `--speed` reaches them."""
        return self.now()

    # Options and the state file

    def configure(self, options: Mapping[str, str]) -> None:
        """Apply `--state FILE`, `--speed N` and `--time-warp W`; subclasses add more."""
        unknown = set(options) - {"state", "speed", "time_warp"}
        if unknown:
            super().configure({name: options[name] for name in unknown})
        if "speed" in options:
            self.data_clock = accelerated(float(options["speed"]), self.data_clock)
        if "time_warp" in options:
            warp = TimeWarp.parse(options["time_warp"])
            self.data_clock = lambda: warp.warped(now_utc())
        if "state" in options:
            self.keep_state(Path(options["state"]))

    def keep_state(self, path: Path) -> None:
        """Continue from the SoC, counters and overrides saved in `path`; save there.

        Raise ValueError if `path` holds another device's state.
        """
        if path.exists():
            saved = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(saved, dict) or saved.get("device") != STATE_KIND:
                raise ValueError(f"{path} does not hold the state of a Powervault")
            for unit_id, checkpoint in saved.get("units", {}).items():
                if unit_id in self.models:
                    self.models[unit_id].restore(checkpoint)
        self.state_path = path

    def save_state(self) -> None:
        """Write every unit's checkpoint at the current time to the state file."""
        if self.state_path is None:
            return
        now = self.now()
        units = {uid: model.checkpoint(now) for uid, model in self.models.items()}
        text = json.dumps({"device": STATE_KIND, "units": units}, indent=2)
        write_atomically(self.state_path, text)

    # Framework hooks

    def setup_app(self, app: web.Application) -> None:
        """Save the state after every vendor request."""
        app.middlewares.append(self._save_after)

    @web.middleware
    async def _save_after(
        self, request: web.Request, handler: Handler
    ) -> web.StreamResponse:
        response = await handler(request)
        if not request.path.startswith(CONTROL_PREFIX):
            self.save_state()
        return response

    def unit_state(self, unit_id: str) -> dict[str, Any]:
        """Return a JSON-able snapshot of one unit now."""
        model = self.models[unit_id]
        now = self.now()
        state, source = model.effective_state(now)
        return {
            "soc_pct": round(model.soc_pct(now), 3),
            "state": str(state),
            "source": source,
            "counters_wh": {k: round(v, 3) for k, v in model.counters_wh(now).items()},
        }

    def state(self) -> dict[str, Any]:
        """Return the data time, every unit's SoC, state and counters, and the requests."""
        return {
            "now": self.now().isoformat(),
            "units": {uid: self.unit_state(uid) for uid in self.models},
            "requests": dict(self.requests),
        }
