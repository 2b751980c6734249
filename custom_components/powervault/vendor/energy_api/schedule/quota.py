"""Spend a monthly call quota evenly over the solar time left in the month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
import math

from .solar import SolarWindow, local_midnight
from .weighting import DaylightWeight


@dataclass(frozen=True, slots=True)
class QuotaPlanner:
    """Answers when the next production poll should happen.

    Inputs the caller keeps: calls spent this month (persisted, so restarts cost
    nothing), calls still committed this month (daily summaries, batch calls) and
    the time of the last poll. Rules, in order: never plan a call that would exceed
    the quota; never poll twice within one publication period; poll just after a
    publication; spend what is left evenly over the solar time left in the month,
    starting each day at the first publication inside the window.
    """

    window: SolarWindow
    timezone: tzinfo
    quota: int = 1000
    reserve: int = 50
    publish_every: timedelta = timedelta(minutes=15)
    publish_delay: timedelta = timedelta(minutes=1)
    weight: DaylightWeight | None = None
    """Spread polls over this weight of the window rather than evenly over its time."""

    def month_span(self, now: datetime) -> tuple[datetime, datetime]:
        """Return start and end (UTC) of the account-timezone month containing `now`."""
        local = now.astimezone(self.timezone)
        first = local.date().replace(day=1)
        nxt = (first + timedelta(days=32)).replace(day=1)
        return local_midnight(first, self.timezone), local_midnight(nxt, self.timezone)

    def days_left(self, now: datetime) -> int:
        """Return the local days left in the month, today included."""
        local = now.astimezone(self.timezone)
        _, end = self.month_span(now)
        return (end.astimezone(self.timezone).date() - local.date()).days or 1

    def solar_seconds_left(self, now: datetime) -> float:
        """Return the window seconds from `now` to the end of the month."""
        return self.window.seconds_between(self._local(now), self.month_span(now)[1])

    def reserve_held(self, now: datetime, manual_spent: int) -> int:
        """Return the unused manual reserve still held back; it is released as the month runs out."""
        unused = max(0, self.reserve - manual_spent)
        start, end = self.month_span(now)
        total = self.window.seconds_between(start, end)
        share = self.solar_seconds_left(now) / total if total else 0.0
        return math.floor(unused * share)

    def manual_allowance(
        self, now: datetime, spent: int, committed: int, manual_spent: int
    ) -> int:
        """Return the calls a manual action may spend now.

        Only the part of the reserve still held back: what was released has been
        promised to production polls, which come first.
        """
        held = self.reserve_held(now, manual_spent)
        return max(0, min(held, self.quota - spent - committed))

    def polls_left(
        self, now: datetime, spent: int, committed: int, manual_spent: int = 0
    ) -> int:
        """Return the polls that fit in the month after commitments and the held reserve."""
        held = self.reserve_held(now, manual_spent)
        return max(0, self.quota - spent - committed - held)

    def next_poll(
        self,
        now: datetime,
        *,
        spent: int,
        committed: int,
        manual_spent: int = 0,
        last_poll: datetime | None = None,
    ) -> datetime | None:
        """Return when to poll next (account time); None if no window lies ahead."""
        due = self._next_poll_utc(now, spent, committed, manual_spent, last_poll)
        return None if due is None else self._local(due)

    def _next_poll_utc(
        self,
        now: datetime,
        spent: int,
        committed: int,
        manual_spent: int,
        last_poll: datetime | None,
    ) -> datetime | None:
        now = now.astimezone(UTC)
        earliest = now
        # A clock that jumped back less than a day still waits for the next
        # publication after the last poll; a bigger jump makes that poll meaningless.
        if last_poll is not None and last_poll - now < _FORGET_LAST_POLL:
            earliest = max(now, self._slot_after(last_poll))
        else:
            last_poll = None
        month_end = self.month_span(now)[1]
        available = self.polls_left(now, spent, committed, manual_spent)
        span = self.window.next_span(self._local(earliest))
        if available <= 0 or span is None or span[0] >= month_end:
            return self._first_slot(month_end)
        if last_poll is None or last_poll < span[0]:
            return self._first_slot(max(span[0], earliest), month_end)
        target = self._target(last_poll, earliest, month_end, available)
        slot = max(self._nearest_slot(target), self._slot_at_or_after(earliest))
        if slot < span[1]:
            return slot
        return self._first_slot(span[1], month_end)

    def _target(
        self, last_poll: datetime, earliest: datetime, month_end: datetime, polls: int
    ) -> datetime:
        """Return the ideal next poll: one share of what is left after the last poll."""
        start = self._local(earliest)
        if self.weight is None:
            share = self.window.seconds_between(start, month_end) / polls
            return last_poll + timedelta(seconds=share)
        share = self.weight.between(start, month_end) / polls
        return self.weight.advance(self._local(last_poll), share) or month_end

    def _local(self, moment: datetime) -> datetime:
        """Return `moment` in the account timezone, which decides the local day."""
        return moment.astimezone(self.timezone)

    def _first_slot(
        self, moment: datetime, before: datetime | None = None
    ) -> datetime | None:
        """Return the first slot inside a window from `moment`; past `before`, next month's."""
        span = self.window.next_span(self._local(moment))
        while span is not None and (before is None or span[0] < before):
            slot = self._slot_at_or_after(max(span[0], moment))
            if slot < span[1]:
                return slot
            span = self.window.next_span(self._local(span[1]))
        if before is None or span is None:
            return None
        return self._first_slot(before)

    def _slot_index(self, moment: datetime) -> float:
        return (moment - self.publish_delay - _EPOCH) / self.publish_every

    def _slot(self, index: int) -> datetime:
        return _EPOCH + self.publish_delay + self.publish_every * index

    def _slot_at_or_after(self, moment: datetime) -> datetime:
        return self._slot(math.ceil(self._slot_index(moment)))

    def _slot_after(self, moment: datetime) -> datetime:
        return self._slot(math.floor(self._slot_index(moment)) + 1)

    def _nearest_slot(self, moment: datetime) -> datetime:
        return self._slot(round(self._slot_index(moment)))


_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
_FORGET_LAST_POLL = timedelta(days=1)
