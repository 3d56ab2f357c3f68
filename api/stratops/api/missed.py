"""Missed sessions of every configured strategy, by the operator's own rule.

`/api/status/strategies` (its `missed` list *and* its `stale` health) and the
`/metrics` gauge call the pure function of `stratops.core.schedule` that the
operator's timer calls, with what the database knows: the mirrored spec
(schedule, time zone), whether the strategy is active and primary, when it
was first configured (the start of its schedule) and its latest completed run.
Each runner is judged by the slot it actually fires at (`runner_slot`: a
secondary's schedule shifted by the operator's offset, `Judge.secondary_offset`).
A suspended strategy misses nothing; a schedule that cannot be read is judged
by nobody (the operator reports it on the resource as `InvalidSpec`).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field

from stratops.api.queries.rows import AnyRow
from stratops.core.errors import UserError
from stratops.core.resource import TradingStrategySpec
from stratops.core.schedule import (
    DEFAULT_GRACE,
    RunSchedule,
    latest_due_session,
    missed_sessions,
    runner_slot,
)

_FIELDS = TradingStrategySpec.model_fields
DEFAULT_SCHEDULE = str(_FIELDS["schedule"].default)
DEFAULT_TIME_ZONE = str(_FIELDS["time_zone"].default)


@dataclass(frozen=True)
class Lateness:
    """The newest session the schedule made due by now, and the due sessions without a run."""

    expected: dt.date | None = None
    missed: list[dt.date] = field(default_factory=list)


@dataclass(frozen=True)
class Judge:
    """How lateness is judged: the grace period and the secondaries' offset, both the
    operator's values (STRATOPS_API_MISSED_RUN_GRACE_MINUTES and
    STRATOPS_API_SECONDARY_OFFSET_MINUTES mirror its settings)."""

    grace: dt.timedelta = DEFAULT_GRACE
    secondary_offset_minutes: int = 5


DEFAULT_JUDGE = Judge()


def lateness_of(row: AnyRow, now: dt.datetime, judge: Judge = DEFAULT_JUDGE) -> Lateness:
    """How late this strategy is at `now` (a row with is_active, is_primary, spec,
    created_at and latest)."""
    if not row.is_active or row.created_at is None:
        return Lateness()
    spec = row.spec if isinstance(row.spec, dict) else {}
    written = str(spec.get("schedule") or DEFAULT_SCHEDULE)
    slot = runner_slot(written, bool(row.is_primary), judge.secondary_offset_minutes)
    try:
        schedule = _schedule(slot, str(spec.get("timeZone") or DEFAULT_TIME_ZONE))
    except UserError:
        return Lateness()
    latest = [row.latest] if row.latest is not None else []
    missed = missed_sessions(schedule, row.created_at, now, latest, judge.grace)
    return Lateness(latest_due_session(schedule, row.created_at, now, judge.grace), missed)


@functools.lru_cache(maxsize=256)
def _schedule(schedule: str, time_zone: str) -> RunSchedule:
    """Parsed once per distinct schedule: hundreds of strategies share a few."""
    return RunSchedule.of(schedule, time_zone)


def missed_of(row: AnyRow, now: dt.datetime, judge: Judge = DEFAULT_JUDGE) -> list[dt.date]:
    """The sessions this strategy missed by `now`."""
    return lateness_of(row, now, judge).missed


def lateness_by_strategy(
    rows: Iterable[AnyRow], now: dt.datetime, judge: Judge = DEFAULT_JUDGE
) -> dict[str, Lateness]:
    """Each strategy's lateness; strategies that share every input (schedule, role, time
    zone, start and latest run: a fleet applied together) are judged once."""
    found: dict[tuple[object, ...], Lateness] = {}
    result = {}
    for row in rows:
        spec = row.spec if isinstance(row.spec, dict) else {}
        key = (
            row.is_active,
            bool(row.is_primary),
            spec.get("schedule"),
            spec.get("timeZone"),
            row.created_at,
            row.latest,
        )
        if key not in found:
            found[key] = lateness_of(row, now, judge)
        result[row.strategy_id] = found[key]
    return result


def missed_by_strategy(
    rows: Iterable[AnyRow], now: dt.datetime, judge: Judge = DEFAULT_JUDGE
) -> dict[str, list[dt.date]]:
    return {row.strategy_id: missed_of(row, now, judge) for row in rows}
