"""A DataUpdateCoordinator whose refreshes are timed by a schedule policy.

Only public `DataUpdateCoordinator` API is used: the base never schedules (its
`update_interval` is None); this class keeps its own timer, planned after every
refresh from the policy, and cancelled at shutdown.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable
from datetime import datetime, timedelta
import logging
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from ..schedule.policy import SchedulePolicy


class ScheduledCoordinator[DataT](DataUpdateCoordinator[DataT]):
    """Refreshes when its policy says (fixed, solar window, quota planner or push).

    Subclasses implement `async_fetch`. `last_refresh` is when the last refresh
    started, successful or not: a failed call costs quota too.
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
        """Create the coordinator; `policy` replaces `update_interval`."""
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
        self._retry_at: datetime | None = None
        self._cancel_timer: CALLBACK_TYPE | None = None
        self._shut_down = False

    @abstractmethod
    async def async_fetch(self) -> DataT:
        """Fetch fresh data; raise `UpdateFailed` (or HA's auth/setup errors) on failure."""

    async def _async_update_data(self) -> DataT:
        """Fetch, then plan the next refresh (after a failure too, but not after rejected credentials)."""
        self.last_refresh = dt_util.utcnow()
        replan = True
        try:
            return await self.async_fetch()
        except ConfigEntryAuthFailed:
            replan = False  # HA starts re-authentication; no polls until it is done
            raise
        except UpdateFailed as err:
            if err.retry_after is not None:
                self._retry_at = self.last_refresh + timedelta(seconds=err.retry_after)
            raise
        finally:
            if replan:
                self.async_reschedule()
            else:
                self._cancel()

    @callback
    def async_add_listener(
        self, update_callback: CALLBACK_TYPE, context: Any = None
    ) -> Callable[[], None]:
        """Add a listener; the first one plans the first scheduled refresh."""
        remove = super().async_add_listener(update_callback, context)
        if self._cancel_timer is None:
            self.async_reschedule()
        return remove

    @callback
    def async_reschedule(self) -> None:
        """Plan the next refresh from the policy, e.g. after push connected or dropped."""
        self._cancel()
        if self._shut_down or self.config_entry.pref_disable_polling:
            return
        now = dt_util.utcnow()
        due = self.policy.next_refresh(now, self.last_refresh)
        if due is None:
            return
        if self._retry_at is not None:
            due = max(due, self._retry_at)
            self._retry_at = None
        self.next_refresh = due
        self._cancel_timer = async_track_point_in_utc_time(
            self.hass, self._on_due, dt_util.as_utc(due)
        )

    async def async_shutdown(self) -> None:
        """Cancel the planned refresh and plan no more."""
        self._shut_down = True
        self._cancel()
        await super().async_shutdown()

    @callback
    def _cancel(self) -> None:
        self.next_refresh = None
        if self._cancel_timer is not None:
            self._cancel_timer()
            self._cancel_timer = None

    @callback
    def _on_due(self, _now: datetime) -> None:
        self._cancel_timer = None
        self.next_refresh = None
        if self.hass.is_stopping:
            return
        self.config_entry.async_create_background_task(
            self.hass,
            self.async_refresh(),
            name=f"{self.name} - {self.config_entry.title} - refresh",
            eager_start=True,
        )
