"""Which trading sessions a strategy's runner should have run by now, and which it missed.

A CronJob can skip a day without anyone noticing (controller downtime, a
short `startingDeadlineSeconds`, a suspended CronJob). This module is the
pure rule both the operator and the read API apply, so the two always agree:

* a session is *due* when it is an NYSE session (weekends, holidays never
  are; early closes are ordinary sessions), the schedule fires on that day
  in the strategy's time zone at or after `start`, and the grace period has
  passed since the day's last firing (the runner resolves `--date today` in
  that time zone, so a firing on day D produces the run of D);
* a due session is *missed* when it has no completed run (`strategy_runs`
  row) and lies after the latest completed run. Runs are traded in order:
  once a later day is in the ledger, an earlier one can never be run, so it
  is reported when it happens (event, alert, metric) and then leaves the
  list instead of keeping the strategy unhealthy forever.

Sessions come from `stratops.core.nyse` (the standard library alone), so the
operator applies this rule without loading pandas or exchange_calendars.

`now` is always passed in: callers own the clock, and tests simulate one.
At most `MAX_LOOKBACK` of history is examined, which bounds the work for a
strategy that has been scheduled for years without a run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from stratops.core.cron import Cron, CronError, parse_cron, parse_time_zone
from stratops.core.cron_shift import shift
from stratops.core.nyse import sessions

DEFAULT_GRACE = dt.timedelta(minutes=60)
MAX_LOOKBACK = dt.timedelta(days=370)
LISTED_DATES = 10


@dataclass(frozen=True)
class RunSchedule:
    """A strategy's schedule as missed-run detection reads it."""

    cron: Cron
    zone: ZoneInfo

    @classmethod
    def of(cls, schedule: str, time_zone: str) -> RunSchedule:
        """Parse both; a UserError (CronError for the schedule) names the bad one."""
        return cls(parse_cron(schedule), parse_time_zone(time_zone))

    def firings(self, day: dt.date) -> list[dt.datetime]:
        """The moments it fires on `day` (local calendar day), earliest first."""
        if not self.cron.fires_on(day):
            return []
        return [dt.datetime.combine(day, t, tzinfo=self.zone) for t in self.cron.times()]

    def deadline(self, day: dt.date, start: dt.datetime) -> dt.datetime | None:
        """The last firing on `day` at or after `start`; None when there is none."""
        firings = [f for f in self.firings(day) if f >= start]
        return firings[-1] if firings else None


def runner_slot(schedule: str, primary: bool, secondary_offset_minutes: int) -> str:
    """The schedule a strategy's runner actually fires at: the primary at `spec.schedule`,
    a secondary `secondary_offset_minutes` later so the primary runs first. A schedule
    that cannot be moved exactly is kept as written (the operator reports it).

    The operator writes this slot into the runner's CronJob; the read API judges
    missed runs by it, so a secondary is never called late before its own time."""
    if primary:
        return schedule
    shifted = shift(schedule, secondary_offset_minutes)
    return shifted if shifted is not None else schedule


def latest_due_session(
    schedule: RunSchedule,
    start: dt.datetime,
    now: dt.datetime,
    grace: dt.timedelta = DEFAULT_GRACE,
) -> dt.date | None:
    """The newest session `due_sessions` would list (None when none is due), found by
    walking back from `now` rather than listing a year of sessions."""
    now = _aware(now)
    start = max(_aware(start), now - MAX_LOOKBACK)
    first = start.astimezone(schedule.zone).date()
    day = (now - grace).astimezone(schedule.zone).date()
    while day >= first:
        for session in reversed(sessions(max(first, day - dt.timedelta(days=13)), day)):
            deadline = schedule.deadline(session, start)
            if deadline is not None and deadline + grace <= now:
                return session
        day -= dt.timedelta(days=14)
    return None


def due_sessions(
    schedule: RunSchedule,
    start: dt.datetime,
    now: dt.datetime,
    grace: dt.timedelta = DEFAULT_GRACE,
) -> list[dt.date]:
    """Sessions whose run should exist at `now` (see the module docstring), oldest first."""
    now = _aware(now)
    start = max(_aware(start), now - MAX_LOOKBACK)
    first = start.astimezone(schedule.zone).date()
    last = (now - grace).astimezone(schedule.zone).date()
    if last < first:
        return []
    due = []
    for day in sessions(first, last):
        deadline = schedule.deadline(day, start)
        if deadline is not None and deadline + grace <= now:
            due.append(day)
    return due


def missed_sessions(
    schedule: RunSchedule,
    start: dt.datetime,
    now: dt.datetime,
    run_dates: Iterable[dt.date],
    grace: dt.timedelta = DEFAULT_GRACE,
) -> list[dt.date]:
    """Due sessions without a run and after the latest run, oldest first."""
    runs = set(run_dates)
    latest = max(runs, default=None)
    if latest is not None:
        after_latest = dt.datetime.combine(
            latest + dt.timedelta(days=1), dt.time(0), tzinfo=schedule.zone
        )
        start = max(_aware(start), after_latest)
    return [d for d in due_sessions(schedule, start, now, grace) if d not in runs]


def missed_message(missed: Sequence[dt.date]) -> str:
    """Names the dates (bounded) and, in a fixed form, the newest one."""
    count = f"{len(missed)} scheduled NYSE session{'s' if len(missed) > 1 else ''}"
    return (
        f"{count} without a completed run: {describe_dates(list(missed))} "
        f"(latest {missed[-1].isoformat()})"
    )


def describe_dates(days: list[dt.date], limit: int = LISTED_DATES) -> str:
    """`2025-11-24, 2025-11-25 and 3 more`: a bounded list for messages."""
    shown = ", ".join(d.isoformat() for d in days[:limit])
    rest = len(days) - limit
    return f"{shown} and {rest} more" if rest > 0 else shown


def _aware(moment: dt.datetime) -> dt.datetime:
    """A naive moment is UTC (database timestamps read back from SQLite are naive)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


__all__ = [
    "DEFAULT_GRACE",
    "CronError",
    "RunSchedule",
    "describe_dates",
    "due_sessions",
    "latest_due_session",
    "missed_message",
    "missed_sessions",
    "runner_slot",
]
