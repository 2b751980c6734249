"""One Powervault unit, over the cloud API or the local API of a P3/P3X."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util

from .const import (
    DOMAIN,
    ISSUE_OVERRIDE_ACTIVE,
    ISSUE_UNIT_SILENT,
    LATE_RETRY,
    LOGGER,
    ROW_DELAY,
    SILENT_AFTER,
    STATE_READ_EVERY,
)
from .energy import ROW, EnergyLedger, sample_flows_w
from .vendor.energy_api.errors import EnergyApiError
from .vendor.energy_api.ha.coordinator import ScheduledCoordinator
from .vendor.energy_api.ha.errors import update_failed
from .vendor.energy_api.ha.store import Codec, PersistedState
from .vendor.energy_api.powervault import (
    BatteryState,
    DataRow,
    EffectiveState,
    Override,
    Period,
    PowervaultCloud,
    PowervaultLocal,
    Schedule,
    Telemetry,
    effective_state,
)

type PowervaultConfigEntry = ConfigEntry[PowervaultCoordinator]

LEDGER = Codec(EnergyLedger, EnergyLedger.as_dict, EnergyLedger.from_dict)
"""How the energy totals are stored."""

# A state's end is inclusive: look again just after it.
_AFTER_END = timedelta(seconds=1)
# Backfill: the shortest history period that covers a gap.
_PERIODS = (
    (timedelta(hours=1), Period.PAST_HOUR),
    (timedelta(days=1), Period.PAST_DAY),
    (timedelta(days=7), Period.PAST_WEEK),
)


@dataclass(slots=True)
class PowervaultData:
    """What the entities show: instant values in W with HA's signs, the battery state."""

    unit_id: str
    model: str | None = None
    firmware: str | None = None
    soc_pct: float | None = None
    grid_power_w: float | None = None
    battery_power_w: float | None = None
    solar_power_w: float | None = None
    home_power_w: float | None = None
    measured_at: datetime | None = None
    schedule: Schedule | None = None
    overrides: list[Override] = field(default_factory=list)
    state: EffectiveState | None = None
    telemetry: Telemetry | None = None

    @property
    def override_end(self) -> datetime | None:
        """Return when the active override ends, None without one."""
        state = self.state
        return state.until if state is not None and state.source == "override" else None


def slot_start(now: datetime) -> datetime:
    """Return the start of the 5-minute slot `now` falls in."""
    slot = ROW.total_seconds()
    return datetime.fromtimestamp(now.timestamp() // slot * slot, dt_util.UTC)


@dataclass(slots=True)
class UnitPolicy:
    """Cloud: just after each 5-minute row is complete; local: every `interval`.

    Cloud rows are read `row_delay` after they fall due, and again at `retry_at`
    when the row due was still blank; a row found late moves `row_delay` to when
    it was found, so a cloud that publishes late costs one retry, not one a row.
    Either way also
    when the effective battery state changes (an override ends).
    """

    unit: PowervaultData
    interval: timedelta | None
    row_delay: timedelta = ROW_DELAY
    retry_at: datetime | None = None

    def next_refresh(self, now: datetime, last_refresh: datetime | None) -> datetime:
        """Return the next refresh."""
        if self.interval is not None:
            due = now + self.interval
        else:
            due = slot_start(now) + self.row_delay
            if due <= now:
                due += ROW
            if self.retry_at is not None and now < self.retry_at < due:
                due = self.retry_at
        until = self.unit.state.until if self.unit.state else None
        if until is not None and now < until + _AFTER_END < due:
            due = until + _AFTER_END
        return due


class PowervaultCoordinator(ScheduledCoordinator[PowervaultData]):
    """Reads the unit when new data can be there; counts energy exactly once."""

    config_entry: PowervaultConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: PowervaultConfigEntry,
        api: PowervaultCloud | PowervaultLocal,
        data: PowervaultData,
        ledger: PersistedState[EnergyLedger],
        poll_interval: timedelta,
    ) -> None:
        """Create the coordinator over a loaded ledger."""
        self.api = api
        self.ledger = ledger
        self.poll_interval = poll_interval
        self.unit = data
        self._state_read: datetime | None = None
        self._rows_read: datetime | None = None
        self.unit_policy = UnitPolicy(data, None if self.is_cloud else poll_interval)
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=DOMAIN,
            policy=self.unit_policy,
            always_update=True,
        )

    @property
    def is_cloud(self) -> bool:
        """Return whether the unit is reached over the cloud API."""
        return isinstance(self.api, PowervaultCloud)

    async def async_fetch(self) -> PowervaultData:
        """Read what is due, count new energy, work out the battery state."""
        now = dt_util.utcnow()
        try:
            if isinstance(self.api, PowervaultCloud):
                await self._fetch_cloud(self.api, now)
            else:
                await self._fetch_local(self.api, now)
        except EnergyApiError as err:
            raise update_failed(err, DOMAIN) from err
        finally:
            self.ledger.async_save_soon()
        self.unit.state = effective_state(now, self.unit.schedule, self.unit.overrides)
        self._check_issues(now)
        return self.unit

    async def _fetch_cloud(self, api: PowervaultCloud, now: datetime) -> None:
        """One data call: the past hour, or the shortest period covering a gap.

        None when the row due was already read in this slot, e.g. when the refresh
        is for the battery state changing at a schedule boundary.
        """
        unit, ledger = self.unit.unit_id, self.ledger.data
        if self._rows_due_read(now):
            await self._read_state_if_due(now)
            return
        missing = ledger.missing_since(now) or timedelta(0)
        period = next(
            (p for span, p in _PERIODS if missing <= span - ROW), Period.PAST_MONTH
        )
        rows = await api.data(unit, period)
        counted = ledger.add_rows(rows, now)
        if counted:
            LOGGER.debug("Counted %d new rows", counted)
        self._show_row(rows)
        self._retry_if_late(rows, now)
        self._rows_read = now
        await self._read_state_if_due(now)

    def _rows_due_read(self, now: datetime) -> bool:
        """Return whether the rows were read since the last row fell due, no retry pending."""
        due = slot_start(now) + self.unit_policy.row_delay
        if due > now:
            due -= ROW
        read = self._rows_read
        return read is not None and read >= due and self.unit_policy.retry_at is None

    async def _read_state_if_due(self, now: datetime) -> None:
        """Read the schedule and overrides at the first refresh and then hourly."""
        if self._state_read is None or now - self._state_read >= STATE_READ_EVERY:
            await self.async_read_state()

    def _show_row(self, rows: list[DataRow]) -> None:
        """Show the newest row with values (the row in progress is blank)."""
        unit = self.unit
        newest = max(
            (row for row in rows if row.soc_pct is not None),
            key=lambda row: row.time,
            default=None,
        )
        if newest is None or (
            unit.measured_at is not None and newest.time < unit.measured_at
        ):
            return
        unit.measured_at = newest.time
        unit.soc_pct = newest.soc_pct
        for name in (
            "grid_power_w",
            "battery_power_w",
            "solar_power_w",
            "home_power_w",
        ):
            value = getattr(newest, name)
            if value is not None:
                setattr(unit, name, value)

    def _retry_if_late(self, rows: list[DataRow], now: datetime) -> None:
        """Look again soon when the row just due is listed but still blank.

        Only while the unit is live (one of the last three rows shown): a silent
        unit's blank rows are not worth a call each. A row missing from the answer
        is one the history drops: waiting would not bring it. Retries stop halfway
        through the slot; the next poll catches up.
        """
        policy, start = self.unit_policy, slot_start(now)
        due_row = [row for row in rows if row.time == start - ROW]
        late = any(row.soc_pct is None for row in due_row)
        shown = self.unit.measured_at
        live = shown is not None and start - shown <= 3 * ROW
        retry_at = now + LATE_RETRY
        if late and live and retry_at < start + ROW / 2:
            policy.retry_at = retry_at
            return
        if due_row and not late and policy.retry_at is not None:
            policy.row_delay = min(now - start, ROW / 2)
        policy.retry_at = None

    async def _fetch_local(self, api: PowervaultLocal, now: datetime) -> None:
        ledger = self.ledger.data
        if (
            ledger.last_sample is not None
            and now - ledger.last_sample > 2 * self.poll_interval
        ):
            ledger.add_chart(await api.chart_data(ledger.last_sample, now))
        telemetry = await api.telemetry()
        moment = telemetry.at or now
        ledger.add_sample(
            moment,
            sample_flows_w(
                telemetry.grid_power_w,
                telemetry.battery_power_w,
                telemetry.solar_power_w,
                telemetry.home_power_w,
            ),
        )
        unit = self.unit
        unit.telemetry = telemetry
        unit.soc_pct = telemetry.soc_pct
        unit.grid_power_w = telemetry.grid_power_w
        unit.battery_power_w = telemetry.battery_power_w
        unit.solar_power_w = telemetry.solar_power_w
        unit.home_power_w = telemetry.home_power_w
        unit.measured_at = moment
        await self.async_read_state()

    async def async_read_state(self) -> None:
        """Read the schedule and the overrides (2 calls)."""
        if isinstance(self.api, PowervaultCloud):
            self.unit.schedule = await self.api.schedule(self.unit.unit_id)
            self.unit.overrides = await self.api.overrides(self.unit.unit_id)
        else:
            self.unit.schedule = await self.api.schedule()
            override = await self.api.override()
            self.unit.overrides = [] if override is None else [override]
        self._state_read = dt_util.utcnow()

    async def async_set_state(
        self, state: BatteryState, *, until: datetime | None, duration: timedelta | None
    ) -> None:
        """Override the battery state, then read the state back."""
        if isinstance(self.api, PowervaultCloud):
            await self.api.set_state(
                self.unit.unit_id, state, until=until, duration=duration
            )
        else:
            await self.api.set_state(state, until=until, duration=duration)
        await self._async_after_write()

    async def async_cancel_override(self) -> None:
        """Cancel the active override: the schedule applies again."""
        if isinstance(self.api, PowervaultCloud):
            await self.api.cancel_override(self.unit.unit_id)
        else:
            await self.api.cancel_override()
        await self._async_after_write()

    async def _async_after_write(self) -> None:
        await self.async_read_state()
        now = dt_util.utcnow()
        self.unit.state = effective_state(now, self.unit.schedule, self.unit.overrides)
        self._check_issues(now)
        self.async_set_updated_data(self.unit)
        self.async_reschedule()

    def _check_issues(self, now: datetime) -> None:
        """Warn while an override holds off the portal's schedule; note a silent cloud unit."""
        entry = self.config_entry
        override_issue = f"{ISSUE_OVERRIDE_ACTIVE}_{entry.entry_id}"
        end = self.unit.override_end
        if end is not None:
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                override_issue,
                is_fixable=False,
                is_persistent=False,
                severity=ir.IssueSeverity.WARNING,
                translation_key=ISSUE_OVERRIDE_ACTIVE,
                translation_placeholders={
                    "title": entry.title,
                    "state": str(self.unit.state.state if self.unit.state else ""),
                    "end": dt_util.as_local(end).strftime("%Y-%m-%d %H:%M"),
                },
            )
        else:
            ir.async_delete_issue(self.hass, DOMAIN, override_issue)
        silent_issue = f"{ISSUE_UNIT_SILENT}_{entry.entry_id}"
        newest = self.unit.measured_at
        if self.is_cloud and newest is not None and now - newest > SILENT_AFTER:
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                silent_issue,
                is_fixable=False,
                severity=ir.IssueSeverity.WARNING,
                translation_key=ISSUE_UNIT_SILENT,
                translation_placeholders={
                    "title": entry.title,
                    "since": dt_util.as_local(newest).strftime("%Y-%m-%d %H:%M"),
                },
            )
        else:
            ir.async_delete_issue(self.hass, DOMAIN, silent_issue)
