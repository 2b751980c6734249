"""Data of one HomeWizard device: websocket push first, polling while push is down."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from datetime import timedelta

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntry
from homeassistant.core import HomeAssistant, callback
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
    Topic,
    UnsupportedError,
    Update,
)
from .vendor.energy_api.schedule.policy import FixedInterval, PushWithFallback

type HomeWizardConfigEntry = ConfigEntry[HomeWizardCoordinator]

# Reconnects after 1, 2, 4... s (with jitter), at most a minute apart; polling covers the gap.
PUSH_BACKOFF = Backoff(base=1.0, maximum=60.0)
# After the device rejected the token, the websocket is tried again this often (seconds).
PUSH_AFTER_REJECTION = 60.0

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
        self._pushed: HomeWizardData | None = None

    async def async_fetch(self) -> HomeWizardData:
        """Poll every endpoint this device has."""
        with raise_update_failed(DOMAIN):
            measurement = await self.client.measurement()
            system = await self.client.system()
            batteries = await self._poll_batteries()
        data = HomeWizardData(self.device, measurement, system, batteries)
        self._check_issues(data)
        self._end_reauth()
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
            self._async_pushed,
            on_connection=self._on_push_connection,
            topics=(Topic.MEASUREMENT, Topic.SYSTEM)
            + ((Topic.BATTERIES,) if self.has_battery_group else ()),
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
        """Run the push connection; if it fails for good, polling takes over.

        A rejected token starts re-authentication, and the websocket is tried again
        now and then: a rejection that passes ends the re-authentication by itself.
        """
        while True:
            try:
                await socket.run()
            except AuthenticationError:
                LOGGER.warning(
                    "%s rejected the token on the websocket", self.device.product_name
                )
                self.config_entry.async_start_reauth(self.hass)
                await asyncio.sleep(PUSH_AFTER_REJECTION)
                continue
            except Exception:  # noqa: BLE001 - entities must never freeze: polling takes over
                LOGGER.exception(
                    "Push updates from %s failed; polling until the entry is reloaded",
                    self.device.product_name,
                )
                self._push_policy.connected = False
                self.async_reschedule()
            return

    @callback
    def async_apply_update(self, update: Update) -> None:
        """Show data an action returned, at once."""
        self.async_set_updated_data(self._with(self.data, update))

    @callback
    def _async_pushed(self, update: Update) -> None:
        """Take a pushed update; those handed over together are shown in one update."""
        if self._pushed is None:
            self.hass.loop.call_soon(self._publish_pushed)
        self._pushed = self._with(self._pushed or self.data, update)

    @callback
    def _publish_pushed(self) -> None:
        data, self._pushed = self._pushed, None
        if data is not None:
            self.async_set_updated_data(data)

    def _with(self, data: HomeWizardData, update: Update) -> HomeWizardData:
        """Return `data` with `update` in its place; check the issues settings raise."""
        if isinstance(update, Measurement):
            return replace(data, measurement=update)
        if isinstance(update, System):
            data = replace(data, system=update)
        elif isinstance(update, Batteries):
            data = replace(data, batteries=update)
        else:
            data = replace(data, device=update)
        self._check_issues(data)
        return data

    @callback
    def _on_push_connection(self, connected: bool) -> None:  # noqa: FBT001
        self._push_policy.connected = connected
        if connected:
            self._end_reauth()
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
    def _end_reauth(self) -> None:
        """Abort re-authentication started by a rejection that passed: data flows again."""
        for flow in self.config_entry.async_get_active_flows(
            self.hass, {SOURCE_REAUTH}
        ):
            self.hass.config_entries.flow.async_abort(flow["flow_id"])

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
