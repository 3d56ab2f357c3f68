"""Missed sessions of every configured strategy, by the operator's own rule.

`/api/status/strategies` (its `missed` list *and* its `stale` health) and the
`/metrics` gauge call the pure function of `stratops.core.schedule` that the
operator's timer calls, with what the database knows: the mirrored spec
(schedule, time zone), whether the strategy is active, when it was first
configured (the start of its schedule) and its latest completed run. A
suspended strategy misses nothing; a schedule that cannot be read is judged
by nobody (the operator reports it on the resource as `InvalidSpec`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from stratops.api.queries.rows import AnyRow
from stratops.core.errors import UserError
from stratops.core.resource import TradingStrategySpec
from stratops.core.schedule import DEFAULT_GRACE, RunSchedule, due_sessions, missed_sessions

_FIELDS = TradingStrategySpec.model_fields
DEFAULT_SCHEDULE = str(_FIELDS["schedule"].default)
DEFAULT_TIME_ZONE = str(_FIELDS["time_zone"].default)


@dataclass(frozen=True)
class Lateness:
    """The newest session the schedule made due by now, and the due sessions without a run."""

    expected: dt.date | None = None
    missed: list[dt.date] = field(default_factory=list)


def lateness_of(row: AnyRow, now: dt.datetime, grace: dt.timedelta = DEFAULT_GRACE) -> Lateness:
    """How late this strategy is at `now` (a `runs.schedules` row)."""
    if not row.is_active or row.created_at is None:
        return Lateness()
    spec = row.spec if isinstance(row.spec, dict) else {}
    try:
        schedule = RunSchedule.of(
            str(spec.get("schedule") or DEFAULT_SCHEDULE),
            str(spec.get("timeZone") or DEFAULT_TIME_ZONE),
        )
    except UserError:
        return Lateness()
    due = due_sessions(schedule, row.created_at, now, grace)
    latest = [row.latest] if row.latest is not None else []
    missed = missed_sessions(schedule, row.created_at, now, latest, grace)
    return Lateness(due[-1] if due else None, missed)


def missed_of(row: AnyRow, now: dt.datetime, grace: dt.timedelta = DEFAULT_GRACE) -> list[dt.date]:
    """The sessions this strategy missed by `now`."""
    return lateness_of(row, now, grace).missed


def lateness_by_strategy(
    rows: Iterable[AnyRow], now: dt.datetime, grace: dt.timedelta = DEFAULT_GRACE
) -> dict[str, Lateness]:
    return {row.strategy_id: lateness_of(row, now, grace) for row in rows}


def missed_by_strategy(
    rows: Iterable[AnyRow], now: dt.datetime, grace: dt.timedelta = DEFAULT_GRACE
) -> dict[str, list[dt.date]]:
    return {row.strategy_id: missed_of(row, now, grace) for row in rows}
