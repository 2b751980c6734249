"""Data of one HomeWizard device: websocket push first, polling while push is down."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .const import (
    CONF_MIN_WRITE_INTERVAL,
    CONF_POLL_INTERVAL,
    CONF_UPDATE_METHOD,
    DEFAULT_MIN_WRITE_INTERVAL,
    DEFAULT_POLL_INTERVAL,
    DOMAIN,
    ISSUE_API_V1_ENABLED,
    ISSUE_PREDICTIVE_WITHOUT_CLOUD,
    LOGGER,
    UPDATE_POLL,
)
from .vendor.energy_api.errors import AuthenticationError
from .vendor.energy_api.ha.coordinator import ScheduledCoordinator
from .vendor.energy_api.ha.errors import raise_update_failed
from .vendor.energy_api.homewizard import (
    Backoff,
    Batteries,
    BatteryMode,
    Device,
    HomeWizardClient,
    HomeWizardWebSocket,
    Measurement,
    ProductType,
    System,
    UnsupportedError,
    Update,
)
from .vendor.energy_api.schedule.policy import FixedInterval, PushWithFallback

type HomeWizardConfigEntry = ConfigEntry[HomeWizardCoordinator]
type Shows = tuple[CALLBACK_TYPE, frozenset[str] | None]

# Reconnects after 1, 2, 4... s (with jitter), at most a minute apart; polling covers the gap.
PUSH_BACKOFF = Backoff(base=1.0, maximum=60.0)

BATTERY_GROUP_HOSTS = frozenset(
    {
        ProductType.P1_METER,
        ProductType.KWH_METER_1_PHASE,
        ProductType.KWH_METER_3_PHASE,
        ProductType.KWH_METER_SDM230,
        ProductType.KWH_METER_SDM630,
    }
)


@dataclass(frozen=True, slots=True)
class HomeWizardData:
    """Everything the entities show."""

    device: Device
    measurement: Measurement
    system: System | None
    batteries: Batteries | None


class HomeWizardCoordinator(ScheduledCoordinator[HomeWizardData]):
    """Holds the latest data; the websocket pushes it, polling fills in when push is down."""

    config_entry: HomeWizardConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: HomeWizardConfigEntry,
        client: HomeWizardClient,
        device: Device,
    ) -> None:
        """Create the coordinator with the policy chosen in the options."""
        interval = timedelta(
            seconds=entry.options.get(CONF_POLL_INTERVAL, DEFAULT_POLL_INTERVAL)
        )
        self.push_enabled = entry.options.get(CONF_UPDATE_METHOD) != UPDATE_POLL
        self._push_policy = PushWithFallback(interval)
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {device.product_name}",
            policy=self._push_policy if self.push_enabled else FixedInterval(interval),
        )
        self.client = client
        self.device = device
        self.has_battery_group = device.product_type in BATTERY_GROUP_HOSTS
        self._socket: HomeWizardWebSocket | None = None
        self._push_seen = False
        # Remover -> (listener, what it shows: measurement fields or part names, or
        # None for everything).
        self._shows: dict[CALLBACK_TYPE, Shows] = {}

    @callback
    def async_add_listener(
        self, update_callback: CALLBACK_TYPE, context: Any = None
    ) -> Callable[[], None]:
        """Add a listener; a frozenset `context` names what it shows, for pushes."""
        remove = super().async_add_listener(update_callback, context)
        shows = context if isinstance(context, frozenset) else None

        @callback
        def remove_listener() -> None:
            remove()
            self._shows.pop(remove_listener, None)

        self._shows[remove_listener] = (update_callback, shows)
        return remove_listener

    async def _async_update_data(self) -> HomeWizardData:
        """Poll every endpoint this device has."""
        with raise_update_failed(DOMAIN):
            measurement = await self.client.measurement()
            system = await self.client.system()
            batteries = await self._poll_batteries()
        data = HomeWizardData(self.device, measurement, system, batteries)
        self._check_issues(data)
        return data

    async def _poll_batteries(self) -> Batteries | None:
        if not self.has_battery_group:
            return None
        try:
            return await self.client.batteries()
        except UnsupportedError:
            self.has_battery_group = False
            return None

    @callback
    def async_start_push(self) -> None:
        """Open the websocket in the background, if push is chosen."""
        if not self.push_enabled:
            return
        self._socket = HomeWizardWebSocket(
            self.client,
            self.async_apply_update,
            on_connection=self._on_push_connection,
            backoff=PUSH_BACKOFF,
            min_interval=self.config_entry.options.get(
                CONF_MIN_WRITE_INTERVAL, DEFAULT_MIN_WRITE_INTERVAL
            ),
        )
        self.config_entry.async_on_unload(self._socket.stop)
        self.config_entry.async_create_background_task(
            self.hass, self._run_push(self._socket), name=f"{self.name} push"
        )

    async def _run_push(self, socket: HomeWizardWebSocket) -> None:
        try:
            await socket.run()
        except AuthenticationError:
            LOGGER.warning(
                "%s rejected the token on the websocket", self.device.product_name
            )
            self.config_entry.async_start_reauth(self.hass)

    @callback
    def async_apply_update(self, update: Update) -> None:
        """Take new data pushed by the device or returned by an action."""
        if isinstance(update, Measurement):
            # The hot path (about once a second): only listeners of changed fields run.
            changed = update.changed_fields(self.data.measurement)
            if changed or not self.last_update_success:
                self._publish(replace(self.data, measurement=update), changed)
            return
        if isinstance(update, System):
            data, part = replace(self.data, system=update), "system"
        elif isinstance(update, Batteries):
            data, part = replace(self.data, batteries=update), "batteries"
        else:
            data, part = replace(self.data, device=update), "device"
        self._check_issues(data)
        self._publish(data, frozenset({part}))

    @callback
    def _publish(self, data: HomeWizardData, changed: frozenset[str]) -> None:
        """Hand new data to the listeners that show `changed`; all of them after a gap.

        While push is up there is no poll to re-plan, and only what changed is
        recomputed. Otherwise this data also ends a failure: everything updates.
        """
        if not (self._push_policy.connected and self.last_update_success):
            self.async_set_updated_data(data)
            return
        self.data = data
        for update_callback, shows in list(self._shows.values()):
            if shows is None or not shows.isdisjoint(changed):
                update_callback()

    @callback
    def _on_push_connection(self, connected: bool) -> None:  # noqa: FBT001
        self._push_policy.connected = connected
        if connected:
            if self._push_seen:
                LOGGER.info("Push updates from %s are back", self.device.product_name)
            self._push_seen = True
        elif self._push_seen:
            LOGGER.info(
                "Push updates from %s stopped; polling until they are back",
                self.device.product_name,
            )
        self.async_reschedule()

    @callback
    def _check_issues(self, data: HomeWizardData) -> None:
        """Raise or clear the repair issues this data shows."""
        entry_id = self.config_entry.entry_id
        system, batteries = data.system, data.batteries
        predictive_without_cloud = (
            batteries is not None
            and batteries.known_mode is BatteryMode.PREDICTIVE
            and system is not None
            and system.cloud_enabled is False
        )
        _set_issue(
            self.hass,
            f"{ISSUE_PREDICTIVE_WITHOUT_CLOUD}_{entry_id}",
            ISSUE_PREDICTIVE_WITHOUT_CLOUD,
            active=predictive_without_cloud,
            entry_id=entry_id,
            title=self.config_entry.title,
        )
        _set_issue(
            self.hass,
            f"{ISSUE_API_V1_ENABLED}_{entry_id}",
            ISSUE_API_V1_ENABLED,
            active=system is not None and system.api_v1_enabled is True,
            entry_id=entry_id,
            title=self.config_entry.title,
        )


def _set_issue(
    hass: HomeAssistant,
    issue_id: str,
    translation_key: str,
    *,
    active: bool,
    entry_id: str,
    title: str,
) -> None:
    if not active:
        ir.async_delete_issue(hass, DOMAIN, issue_id)
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        is_fixable=True,
        severity=ir.IssueSeverity.WARNING,
        translation_key=translation_key,
        translation_placeholders={"title": title},
        data={"entry_id": entry_id},
    )
