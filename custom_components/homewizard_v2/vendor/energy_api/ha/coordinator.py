"""A DataUpdateCoordinator whose refreshes are timed by a schedule policy."""

from __future__ import annotations

from datetime import datetime, timedelta
import logging
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util

from ..schedule.policy import SchedulePolicy


class ScheduledCoordinator[DataT](DataUpdateCoordinator[DataT]):
    """Refreshes when its policy says (fixed, solar window, quota planner or push).

    `last_refresh` is when the last refresh started, successful or not: a failed
    call costs quota too.
    """

    config_entry: ConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        logger: logging.Logger,
        *,
        config_entry: ConfigEntry,
        name: str,
        policy: SchedulePolicy,
        always_update: bool = False,
    ) -> None:
        """Create the coordinator; `update_interval` is replaced by `policy`."""
        super().__init__(
            hass,
            logger,
            config_entry=config_entry,
            name=name,
            update_interval=None,
            always_update=always_update,
        )
        self.policy = policy
        self.last_refresh: datetime | None = None
        self.next_refresh: datetime | None = None

    @callback
    def async_reschedule(self) -> None:
        """Ask the policy again, e.g. after push connected or dropped."""
        if self._listeners:
            self._schedule_refresh()

    @callback
    def _schedule_refresh(self) -> None:
        """Schedule the next refresh at the time the policy answers."""
        self._async_unsub_refresh()
        self.next_refresh = None
        if self.config_entry.pref_disable_polling:
            return
        now = dt_util.utcnow()
        due = self.policy.next_refresh(now, self.last_refresh)
        if due is None:
            return
        if self._retry_after is not None:
            due = max(due, now + timedelta(seconds=self._retry_after))
            self._retry_after = None
        self.next_refresh = due
        self._unsub_refresh = async_track_point_in_utc_time(
            self.hass, self._on_due, dt_util.as_utc(due)
        )

    @callback
    def _on_due(self, _now: datetime) -> None:
        self._unsub_refresh = None
        self.config_entry.async_create_background_task(
            self.hass,
            self._handle_refresh_interval(),
            name=f"{self.name} - {self.config_entry.title} - refresh",
            eager_start=True,
        )

    async def _async_refresh(self, *args: Any, **kwargs: Any) -> None:
        """Refresh, remembering when it started: the base plans the next one before it returns."""
        self.last_refresh = dt_util.utcnow()
        self.next_refresh = None
        await super()._async_refresh(*args, **kwargs)
