"""One APsystems system: the call routine, its persisted state and the hourly statistics."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util

from .const import (
    CONF_SID,
    DOMAIN,
    ISSUE_QUOTA_EXHAUSTED,
    ISSUE_SIGNATURE_REJECTED,
    LOGGER,
)
from .planning import CallPlan
from .state import InverterReadings, MeterReadings, StorageReadings, SystemState
from .statistics import async_import, closed_hours, day_hours, metadata, prune
from .vendor.energy_api.apsystems import (
    ApsystemsClient,
    Ecu,
    EnergyLevel,
    QuotaExhaustedError,
    SignatureRejectedError,
    last_value,
)
from .vendor.energy_api.errors import EnergyApiError
from .vendor.energy_api.ha.coordinator import ScheduledCoordinator
from .vendor.energy_api.ha.devices import async_remove_stale_devices
from .vendor.energy_api.ha.errors import update_failed
from .vendor.energy_api.ha.store import PersistedState

type ApsystemsConfigEntry = ConfigEntry[ApsystemsCoordinator]


class ReserveSpentError(Exception):
    """A manual action would spend more than the reserve still held back."""

    def __init__(self, needed: int, allowed: int) -> None:
        """Say how many calls were needed and how many are allowed."""
        super().__init__(f"needs {needed} calls, {allowed} allowed")
        self.needed = needed
        self.allowed = allowed


class ApsystemsCoordinator(ScheduledCoordinator[SystemState]):
    """Polls when the plan says, keeps what it learnt, imports closed hours."""

    config_entry: ApsystemsConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ApsystemsConfigEntry,
        client: ApsystemsClient,
        plan: CallPlan,
        store: PersistedState[SystemState],
    ) -> None:
        """Create the coordinator over a loaded store."""
        self.client = client
        self.plan = plan
        self.store = store
        self.sid: str = entry.data[CONF_SID]
        self.statistic = metadata(self.sid, f"{entry.title} solar production")
        self._manual = False
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=DOMAIN,
            policy=plan,
            always_update=True,
        )
        client.on_request = self._count_call

    def now(self) -> datetime:
        """Return the system's time (fast under scripts/develop's time warp)."""
        return self.plan.warped(dt_util.utcnow())

    @property
    def state(self) -> SystemState:
        """Return the persisted state (also `data` once refreshed)."""
        return self.store.data

    def record_calls(self, count: int) -> None:
        """Count calls made outside the coordinator (a reauth or reconfigure flow)."""
        now = self.now().astimezone(self.plan.settings.timezone)
        self.state.routine.usage.record(now, count)
        self.store.async_save_soon()

    def _count_call(self, endpoint: str) -> None:
        """Count every HTTP request, failed and retried ones too."""
        now = self.now().astimezone(self.plan.settings.timezone)
        self.state.routine.usage.record(now, manual=self._manual)
        self.store.async_save_soon()

    # What the diagnostic sensors show

    def calls_used(self) -> int:
        """Return the calls spent this month (the account's month)."""
        now = self.now().astimezone(self.plan.settings.timezone)
        return self.state.routine.usage.spent_at(now)

    def calls_left(self) -> int:
        """Return the calls left this month."""
        return max(0, self.plan.settings.quota - self.calls_used())

    def next_poll(self) -> datetime | None:
        """Return when (real time) the next production poll is planned."""
        due = self.plan.next_poll(self.now())
        return None if due is None else self.plan.real(due)

    def today_hours(self) -> list[float | None]:
        """Return today's production per local hour (None for hours not closed yet)."""
        tz = self.plan.settings.timezone
        today = self.plan.local_day(self.now())
        hours: list[float | None] = [None] * 24
        for start, kwh in self.state.ledger.hours.items():
            local = start.astimezone(tz)
            if local.date() == today:
                hours[local.hour] = round((hours[local.hour] or 0.0) + kwh, 3)
        return hours

    # The refresh

    async def async_fetch(self) -> SystemState:
        """Make the calls that are due, if any; keep last values when none is."""
        now = self.now()
        self._settle(now)
        try:
            await self._run_due_calls(now)
        except QuotaExhaustedError as err:
            self._block_until(err)
        except SignatureRejectedError as err:
            self._raise_issue(ISSUE_SIGNATURE_REJECTED, {})
            raise update_failed(err, DOMAIN) from err
        except EnergyApiError as err:
            raise update_failed(err, DOMAIN) from err
        finally:
            self.store.async_save_soon()
            await self._async_import_statistics(now)
        return self.state

    async def _run_due_calls(self, now: datetime) -> None:
        routine = self.state.routine
        if routine.blocked_until is not None and now < routine.blocked_until:
            return
        first_ever = routine.last_poll is None
        if not (first_ever or self.plan.poll_due(now)):
            LOGGER.debug(
                "No call at %s: the next poll is due at %s",
                now.isoformat(),
                self.plan.next_poll(now),
            )
            return
        if not self.state.ecus:
            await self.async_scan()
        await self._poll(now)
        self._clear_issues()

    async def _poll(self, now: datetime) -> None:
        """One production poll, with the day's once-a-day calls when they are owed."""
        routine, production = self.state.routine, self.state.production
        routine.last_poll = now
        today = self.plan.local_day(now)
        for day in self.plan.days_to_complete(now):
            await self._complete_day(day)
        if routine.summary_day != today:
            summary = await self.client.system_summary(self.sid)
            routine.summary_day = today
            if summary is not None:
                production.summary, production.summary_day = summary, today
        await self._read_ecus(today)
        await self._read_storage_state()
        if self.plan.detail_due(now):
            routine.detail_day = today
            await self._read_totals(now)
            if self.plan.settings.inverter_detail:
                count = self.plan.detail_count(today)
                await self._read_detail(
                    now, count, batch_power=count < self.plan.inverter_count
                )

    async def _complete_day(self, day: date) -> None:
        """Replace a past day's hours by the API's hourly series."""
        hourly = await self.client.system_energy(
            self.sid, EnergyLevel.HOURLY, day.isoformat()
        )
        self.state.routine.completed_day = day
        if hourly is None:
            return
        for start, kwh in day_hours(day, hourly, self.plan.settings.timezone).items():
            self.state.ledger.set_hour(start, kwh)

    async def _read_ecus(self, today: date) -> None:
        """Read every ECU's 5-minute data of today: power, energy, closed hours."""
        production = self.state.production
        series = []
        peak: dict[datetime, float] = {}
        for ecu in self.state.ecus:
            minutely = await self.client.ecu_minutely(self.sid, ecu.eid, today)
            if minutely is None or not minutely.times:
                # Nothing published yet today: keep what is shown, else show 0.
                production.ecu_today_kwh.setdefault(ecu.eid, 0.0)
                production.ecu_power_w.setdefault(ecu.eid, 0.0)
                continue
            series.append((minutely.times, minutely.energy_kwh))
            energy = sum(kwh or 0.0 for kwh in minutely.energy_kwh)
            today_kwh = minutely.today_kwh if minutely.today_kwh is not None else energy
            production.ecu_today_kwh[ecu.eid] = max(
                today_kwh, production.ecu_today_kwh.get(ecu.eid, 0.0)
            )
            power = last_value(minutely.power_w)
            if power is not None:
                production.ecu_power_w[ecu.eid] = power
            latest = max(minutely.times)
            if production.power_at is None or latest > production.power_at:
                production.power_at = latest
            for moment, watts in zip(minutely.times, minutely.power_w, strict=False):
                peak[moment] = peak.get(moment, 0.0) + (watts or 0.0)
        if peak:
            production.peak_w = max(production.peak_w or 0.0, *peak.values())
        if (
            len(series) == len(self.state.ecus)
            and today != self.state.routine.completed_day
        ):
            for start, kwh in closed_hours(series).items():
                self.state.ledger.set_hour(start, kwh)

    async def _read_storage_state(self) -> None:
        """Read each battery's latest state of charge and mode."""
        for ecu in self.state.ecus:
            if not ecu.has_storage:
                continue
            latest = await self.client.storage_latest(self.sid, ecu.eid)
            if latest is None:
                continue
            readings = self.state.storages.setdefault(ecu.eid, StorageReadings())
            readings.soc, readings.mode = latest.soc, latest.mode
            readings.published_at = latest.time

    async def _read_totals(self, now: datetime) -> None:
        """Read the lifetime totals of each meter and battery."""
        for ecu in self.state.ecus:
            if ecu.has_meter:
                meter = await self.client.meter_summary(self.sid, ecu.eid)
                if meter is not None:
                    lifetime = meter.lifetime
                    self.state.meters[ecu.eid] = MeterReadings(
                        consumed_kwh=lifetime.consumed,
                        produced_kwh=lifetime.produced,
                        imported_kwh=lifetime.imported,
                        exported_kwh=lifetime.exported,
                        read_at=now,
                    )
            if ecu.has_storage:
                storage = await self.client.storage_summary(self.sid, ecu.eid)
                if storage is not None:
                    readings = self.state.storages.setdefault(
                        ecu.eid, StorageReadings()
                    )
                    readings.charge_kwh = storage.lifetime.charge
                    readings.discharge_kwh = storage.lifetime.discharge

    async def _read_detail(
        self, now: datetime, count: int, *, batch_power: bool = True
    ) -> None:
        """Energy (and per-channel power) of every inverter, then detail of the stalest ones.

        The batch power is skipped when every inverter's own data is read anyway.
        """
        today = self.plan.local_day(now)
        inverters = self.state.inverters
        for ecu in self.state.ecus:
            batch = (
                await self.client.batch_power(self.sid, ecu.eid, today)
                if batch_power
                else None
            )
            if batch is not None and batch.times:
                for (uid, channel), watts in batch.power_w.items():
                    readings = inverters.setdefault(uid, InverterReadings())
                    readings.dc_power_w[channel] = last_value(watts)
                    readings.published_at = max(batch.times)
            energy = await self.client.batch_energy(self.sid, ecu.eid, today)
            if energy is not None:
                totals: dict[str, float] = {}
                for (uid, _channel), kwh in energy.energy_kwh.items():
                    totals[uid] = totals.get(uid, 0.0) + (kwh or 0.0)
                for uid, kwh in totals.items():
                    readings = inverters.setdefault(uid, InverterReadings())
                    readings.today_kwh, readings.energy_day = kwh, today
        uids = [inv.uid for ecu in self.state.ecus for inv in ecu.inverters]
        stalest = sorted(uids, key=lambda uid: _detail_age_key(inverters.get(uid)))
        for uid in stalest[:count]:
            minutely = await self.client.inverter_minutely(self.sid, uid, today)
            readings = inverters.setdefault(uid, InverterReadings())
            readings.detail_at = now
            if minutely is None or not minutely.times:
                continue
            readings.published_at = max(minutely.times)
            readings.ac_power_w = last_value(minutely.ac_power_w)
            readings.ac_voltage_v = last_value(minutely.ac_voltage_v.get(1, ()))
            readings.frequency_hz = last_value(minutely.ac_frequency_hz)
            readings.temperature_c = last_value(minutely.ac_temperature_c)
            for channel, values in minutely.dc_power_w.items():
                readings.dc_power_w[channel] = last_value(values)
            for channel, values in minutely.dc_voltage_v.items():
                readings.dc_voltage_v[channel] = last_value(values)
            for channel, values in minutely.dc_current_a.items():
                readings.dc_current_a[channel] = last_value(values)

    def _settle(self, now: datetime) -> None:
        """Start a new day at local midnight; show no power outside the window."""
        production = self.state.production
        today = self.plan.local_day(now)
        if production.day != today:
            production.start_day(today)
            for readings in self.state.inverters.values():
                if readings.energy_day != today:
                    readings.today_kwh = None  # until the afternoon's read
        if not self.plan.in_window(now):
            production.ecu_power_w = dict.fromkeys(production.ecu_power_w, 0.0)

    async def _async_import_statistics(self, now: datetime) -> None:
        ledger = self.state.ledger
        imported = await async_import(self.hass, self.statistic, ledger)
        if imported:
            LOGGER.debug("Imported %d hours of production", imported)
        prune(ledger, now)

    # Quota and issues

    def _block_until(self, err: QuotaExhaustedError) -> None:
        """Make no call until the month turns (or a manual call proves otherwise)."""
        resets = err.resets_at
        self.state.routine.blocked_until = resets
        LOGGER.warning(
            "The APsystems API quota is used up; no calls until %s", resets.isoformat()
        )
        self._raise_issue(
            ISSUE_QUOTA_EXHAUSTED,
            {"resets": dt_util.as_local(resets).strftime("%Y-%m-%d %H:%M")},
        )

    def _clear_issues(self) -> None:
        """Forget quota and signature problems: a call went through."""
        self.state.routine.blocked_until = None
        for kind in (ISSUE_QUOTA_EXHAUSTED, ISSUE_SIGNATURE_REJECTED):
            ir.async_delete_issue(self.hass, DOMAIN, self._issue_id(kind))

    def _issue_id(self, kind: str) -> str:
        return f"{kind}_{self.config_entry.entry_id}"

    def _raise_issue(self, kind: str, placeholders: dict[str, str]) -> None:
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            self._issue_id(kind),
            is_fixable=False,
            severity=ir.IssueSeverity.ERROR,
            translation_key=kind,
            translation_placeholders={"title": self.config_entry.title, **placeholders},
        )

    # Manual actions

    @contextmanager
    def _manual_calls(self, needed: int) -> Iterator[None]:
        allowed = self.plan.manual_allowance(self.now())
        if needed > allowed:
            raise ReserveSpentError(needed, allowed)
        self._manual = True
        try:
            yield
        except QuotaExhaustedError as err:
            self._block_until(err)
            raise
        else:
            self._clear_issues()
        finally:
            self._manual = False
            self.store.async_save_soon()

    async def async_scan(self) -> None:
        """Read the list of ECUs and inverters; detach devices no longer reported."""
        ecus = await self.client.inverters(self.sid)
        if not ecus:
            return  # an empty answer is a glitch, not a removal
        self.state.ecus = tuple(ecus)
        async_remove_stale_devices(self.hass, self.config_entry, self.reported())

    def reported(self) -> set[tuple[str, str]]:
        """Return the identifiers of every device the API reports."""
        return {(DOMAIN, self.sid)} | {
            (DOMAIN, ident) for ecu in self.state.ecus for ident in device_idents(ecu)
        }

    async def async_scan_inverters(self) -> None:
        """Scan for inverters (the button): one call from the reserve."""
        with self._manual_calls(1):
            await self.async_scan()
        self.async_set_updated_data(self.state)

    async def async_refresh_inverters(self) -> None:
        """Refresh inverter data (the button): batch calls, then detail as the reserve allows."""
        now = self.now()
        fixed = 2 * len(self.state.ecus)
        allowed = self.plan.manual_allowance(now)
        count = min(self.plan.inverter_count, allowed - fixed)
        every = count >= self.plan.inverter_count
        if every:
            fixed = len(self.state.ecus)
            count = min(self.plan.inverter_count, allowed - fixed)
        with self._manual_calls(fixed + max(count, 1)):
            await self._read_detail(now, count, batch_power=not every)
        self.async_set_updated_data(self.state)


def meter_ident(ecu: Ecu) -> str:
    """Return the device identifier of an ECU's meter."""
    return f"{ecu.eid}_meter"


def storage_ident(ecu: Ecu) -> str:
    """Return the device identifier of an ECU's battery."""
    return f"{ecu.eid}_storage"


def device_idents(ecu: Ecu) -> Iterator[str]:
    """Yield the identifiers of an ECU's devices: itself, meter, battery, inverters."""
    yield ecu.eid
    if ecu.has_meter:
        yield meter_ident(ecu)
    if ecu.has_storage:
        yield storage_ident(ecu)
    for inverter in ecu.inverters:
        yield inverter.uid


def _detail_age_key(readings: InverterReadings | None) -> datetime:
    if readings is None or readings.detail_at is None:
        return datetime.min.replace(tzinfo=dt_util.UTC)
    return readings.detail_at
