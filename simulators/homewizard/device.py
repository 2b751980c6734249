"""`HomeWizardDevice`: a P1 meter, kWh meter or Plug-In Battery with API v2."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
import datetime as dt
import json
from pathlib import Path
import re
import time
from typing import Any

from aiohttp import web

from simulators.base import SimulatedDevice
from simulators.state import write_atomically
from simulators.tls import ServerCert, TestCA

from .batteries import V2_1, BatteryGroup
from .battery import BatterySource
from .certs import homewizard_certificate
from .common import ApiError, is_number, parse_version
from .handlers import ApiHandlers
from .kwh import KwhSource
from .measurement import EPOCH, P1Source, Source
from .models import MODELS, HomeWizardModel, Kind
from .telegram import build_telegram
from .users import UserStore
from .websocket import WebSocketHub

SERIAL_RE = re.compile(r"^[0-9a-f]{12}$")
# Besides the energy totals, the measurement fields a restarted device continues from.
KEPT_FIELDS = ("monthly_power_peak_w", "state_of_charge_pct", "cycles")


def _source(
    model: HomeWizardModel,
    clock: Callable[[], float],
    start: dt.datetime,
    seed: int,
) -> Source:
    if model.kind is Kind.P1:
        return P1Source(clock, start, phases=model.phases, seed=seed)
    if model.kind is Kind.KWH:
        return KwhSource(clock, start, phases=model.phases, seed=seed)
    return BatterySource(clock, start, seed=seed)


class HomeWizardDevice(SimulatedDevice):
    """A HomeWizard device serving the local API v2 (HTTPS + WebSocket).

    `model` is a key of `MODELS`: `p1_3phase`, `p1_1phase`, `kwh1`, `kwh3` or
    `battery`. The clock drives the measurements, the 30 s user-creation
    window after `press_button()`, `to_full` and the uptime.
    """

    def __init__(
        self,
        model: str = "p1_3phase",
        *,
        api_version: str | None = None,
        serial: str | None = None,
        clock: Callable[[], float] = time.monotonic,
        seed: int = 0,
        start_time: dt.datetime = EPOCH,
        push_interval: float = 1.0,
        ws_auth_timeout: float = 40.0,
        to_full_duration: float = 20.0,
        user_creation_window: float = 30.0,
        cert_with_san: bool = False,
    ) -> None:
        """Create the device; `api_version` (`x.y.z`) overrides the model's."""
        super().__init__(clock=clock)
        if model not in MODELS:
            raise ValueError(f"Unknown HomeWizard model {model!r}")
        self.model = MODELS[model]
        self._api_version = api_version or self.model.api_version
        version = parse_version(self._api_version)
        self._serial = ""
        self.serial = serial or self.model.serial
        self.users = UserStore(clock, user_creation_window)
        self.source = _source(self.model, clock, start_time, seed)
        self.battery_group: BatteryGroup | None = None
        if self.model.battery_group and version >= V2_1:
            self.battery_group = BatteryGroup(
                clock, version, to_full_duration=to_full_duration
            )
        self.external_types: list[str] = list(self.model.external)
        self.extra_measurement_fields: dict[str, Any] = {}
        self.wifi_ssid = "My Wi-Fi"
        self.wifi_rssi_db = -62
        self.cloud_enabled = True
        self.status_led_brightness_pct: float = 100
        self.api_v1_enabled = False
        self.telegram_available = True
        self.identify_count = 0
        self.reboot_count = 0
        self.push_enabled = True
        self.push_interval = push_interval
        self.ws_auth_timeout = ws_auth_timeout
        self.cert_with_san = cert_with_san
        self._booted_at = clock()
        self._state_file: Path | None = None
        self._saved: dict[str, Any] = {}
        self.ws = WebSocketHub(self)
        self._handlers = ApiHandlers(self)

    # Identity

    @property
    def api_version(self) -> str:
        """Return the API version, e.g. `2.3.0`."""
        return self._api_version

    @property
    def serial(self) -> str:
        """Return the serial: 12 lower-case hex digits (the MAC address)."""
        return self._serial

    @serial.setter
    def serial(self, value: str) -> None:
        if SERIAL_RE.match(value) is None:
            raise ValueError(f"Invalid serial {value!r}: 12 lower-case hex digits")
        self._serial = value

    @property
    def identity(self) -> str:
        """Return the device id and certificate CN, `appliance/<type>/<serial>`."""
        return f"appliance/{self.model.type_id}/{self.serial}"

    def server_certificate(self, ca: TestCA, host: str) -> ServerCert:
        """Return the device certificate (SAN only if `cert_with_san`)."""
        return homewizard_certificate(ca, self, with_san=self.cert_with_san)

    def configure(self, options: Mapping[str, str]) -> None:
        """Apply `--serial`, `--token` (a pre-authorised `local/cli` token) and `--state`."""
        unknown = set(options) - {"serial", "token", "state"}
        if unknown:
            super().configure({name: options[name] for name in unknown})
        if "serial" in options:
            self.serial = options["serial"]
        if "token" in options:
            self.add_token(options["token"], name="local/cli")
        if "state" in options:
            self.keep_state(Path(options["state"]))

    def keep_state(self, path: Path) -> None:
        """Continue from the counters saved in `path`, if any, and save them there.

        They are saved before a measurement reports a counter that changed, so
        a restarted device never reports less than before, even after a crash.
        Raise ValueError if `path` holds another model's state.
        """
        if path.exists():
            saved = json.loads(path.read_text(encoding="utf-8"))
            if saved.get("model") != self.model.key:
                raise ValueError(
                    f"{path} holds the state of a {saved.get('model')}, not a {self.model.key}"
                )
            self.source.restore(saved["counters"])
        self._state_file = path

    # Control

    def press_button(self) -> None:
        """Press the button: `POST /api/user` works for `user_creation_window` s."""
        self.users.press()

    def add_token(self, token: str | None = None, name: str = "local/test") -> str:
        """Authorise `token` (random if None) for user `name`; return the token."""
        token, old = self.users.add(name, token)
        self.revoked_tokens([old] if old else [])
        return token

    def delete_user(self, name: str) -> None:
        """Delete a user and close its WebSockets; raise ApiError if unknown."""
        self.revoked_tokens([self.users.delete(name)])

    def revoke_all_tokens(self) -> None:
        """Delete every user; their WebSockets get `user:unauthorized` and close."""
        self.revoked_tokens(self.users.clear())

    def revoked_tokens(self, tokens: list[str]) -> None:
        """Close the WebSockets of revoked `tokens`; push the user list."""
        if tokens:
            self.ws.revoke(tokens)
        self.ws.notify()

    def token_valid(self, token: str | None) -> bool:
        """Return whether `token` belongs to a user."""
        return self.users.name_of(token) is not None

    def set_power(self, watts: float | None) -> None:
        """Force the power (None: back to the simulated one); push it at once."""
        self.source.force_power(watts)
        self.ws.notify()

    def remove_external(self, kind: str) -> None:
        """Stop reporting the external meter of type `kind`."""
        self.external_types = [t for t in self.external_types if t != kind]

    def close_websockets(self) -> None:
        """Drop every WebSocket connection without a close frame."""
        self.ws.drop_all()

    @property
    def ws_frames(self) -> Counter[str]:
        """Return the WebSocket frames sent so far, by type."""
        return self.ws.sent_frames

    @property
    def ws_connections(self) -> int:
        """Return the number of open WebSockets."""
        return len(self.ws)

    def identify(self) -> None:
        """Blink the LED; raise a 404 ApiError if the model cannot."""
        if not self.model.identify:
            raise ApiError("request:unknown-type", 404)
        self.identify_count += 1

    def reboot(self) -> None:
        """Restart: uptime starts again and WebSockets drop."""
        self.reboot_count += 1
        self._booted_at = self.clock()
        self.close_websockets()

    # Views

    def device_info(self) -> dict[str, Any]:
        """Return `GET /api`."""
        return {
            "product_name": self.model.product_name,
            "product_type": self.model.product_type,
            "serial": self.serial,
            "firmware_version": self.model.firmware_version,
            "api_version": self.api_version,
        }

    def measurement(self) -> dict[str, Any]:
        """Return `GET /api/measurement` (plus `extra_measurement_fields`)."""
        return self._measure() | self.extra_measurement_fields

    def telegram(self) -> str:
        """Return `GET /api/telegram` (P1 only)."""
        if not self.telegram_available:
            raise ApiError("telegram:no-telegram-received", 503)
        return build_telegram(self._measure())

    def _measure(self) -> dict[str, Any]:
        """Return the source's measurement, first saving the state if it must be kept."""
        data = self.source.measurement(self.external_types)
        if self._state_file is not None:
            kept = {
                name: value
                for name, value in data.items()
                if name.startswith("energy_") or name in KEPT_FIELDS
            }
            if kept != self._saved:
                state = {"model": self.model.key, "counters": self.source.counters()}
                write_atomically(self._state_file, json.dumps(state, indent=2))
                self._saved = kept
        return data

    def system(self) -> dict[str, Any]:
        """Return `GET /api/system`."""
        data: dict[str, Any] = {
            "wifi_ssid": self.wifi_ssid,
            "wifi_rssi_db": self.wifi_rssi_db,
            "uptime_s": int(self.clock() - self._booted_at),
            "cloud_enabled": self.cloud_enabled,
        }
        if self.model.led:
            data["status_led_brightness_pct"] = self.status_led_brightness_pct
        if self.model.api_v1:
            data["api_v1_enabled"] = self.api_v1_enabled
        return data

    def update_system(self, body: Mapping[str, Any]) -> None:
        """Apply a `PUT /api/system` body; raise ApiError if it is invalid."""
        known = {"cloud_enabled"}
        if self.model.led:
            known.add("status_led_brightness_pct")
        if self.model.api_v1:
            known.add("api_v1_enabled")
        given = [name for name in body if name in known]
        if not given:
            raise ApiError("json:no-parameters-recognized")
        for name in given:
            value = body[name]
            if name == "status_led_brightness_pct":
                valid = is_number(value) and 0 <= value <= 100
            else:
                valid = isinstance(value, bool)
                valid &= not (name == "cloud_enabled" and self.model.cloud_read_only)
            if not valid:
                raise ApiError(f"json:parameter-invalid-type:{name}")
        for name in given:
            setattr(self, name, body[name])
        self.ws.notify()

    def batteries(self) -> dict[str, Any]:
        """Return `GET /api/batteries`."""
        if self.battery_group is None:
            raise ApiError("request:unknown-type", 404)
        return self.battery_group.as_dict(self.source.power_w())

    def update_batteries(self, body: Mapping[str, Any]) -> None:
        """Apply a `PUT /api/batteries` body; raise ApiError if it is invalid."""
        if self.battery_group is None:
            raise ApiError("request:unknown-type", 404)
        self.battery_group.update(body)
        self.ws.notify()

    # Framework hooks

    def routes(self) -> list[web.RouteDef]:
        """Return the API v2 routes of this model and the control routes."""
        return self._handlers.routes()

    def setup_app(self, app: web.Application) -> None:
        """Add the token/version middleware, response header and WS shutdown."""
        self._handlers.setup_app(app)

    def vendor_error_body(self) -> dict[str, Any]:
        """Return HomeWizard's internal error body."""
        return {"error": "request:internal-server-error"}

    def state(self) -> dict[str, Any]:
        """Return the control state snapshot."""
        group = self.battery_group
        return {
            "model": self.model.key,
            "serial": self.serial,
            "identity": self.identity,
            "api_version": self.api_version,
            "tokens": len(self.users),
            "users": self.users.names,
            "creation_enabled": self.users.creation_enabled,
            "mode": None if group is None else group.mode,
            "ws_connections": self.ws_connections,
            "push_enabled": self.push_enabled,
            "identify_count": self.identify_count,
            "reboot_count": self.reboot_count,
        }
