"""Run aggregates for metrics and schedules: counts, durations, the latest run per strategy.

Each query groups by strategy id (and a bounded code such as the result or
failure reason), so the work and the answer grow with the number of
strategies, never with the length of the history.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Subquery, and_, case, func, select
from sqlalchemy.orm import Session

from stratops.api.queries.rows import AnyRow
from stratops.core.db import RunFailure, StrategyConfig, StrategyRun


def run_counts(session: Session) -> list[AnyRow]:
    """(strategy_id, result, n): completed runs by result."""
    query = select(StrategyRun.strategy_id, StrategyRun.result, func.count().label("n"))
    query = query.group_by(StrategyRun.strategy_id, StrategyRun.result)
    return list(session.execute(query))


def failure_counts(session: Session) -> list[AnyRow]:
    """(strategy_id, reason, n): failed attempts by reason."""
    query = select(RunFailure.strategy_id, RunFailure.reason, func.count().label("n"))
    query = query.group_by(RunFailure.strategy_id, RunFailure.reason)
    return list(session.execute(query))


def duration_buckets(session: Session, bounds: Sequence[float]) -> list[AnyRow]:
    """Per strategy: run count, total duration, and the count at or below each bound
    (columns `le0`, `le1`, ... in the order of `bounds`)."""
    duration = StrategyRun.duration_seconds
    buckets = [
        func.sum(case((duration <= bound, 1), else_=0)).label(f"le{i}")
        for i, bound in enumerate(bounds)
    ]
    query = select(
        StrategyRun.strategy_id,
        func.count().label("n"),
        func.sum(duration).label("total"),
        *buckets,
    ).group_by(StrategyRun.strategy_id)
    return list(session.execute(query))


def latest_run_days() -> Subquery:
    """Per strategy, the trade date of its latest completed run (columns strategy_id, day)."""
    return (
        select(StrategyRun.strategy_id, func.max(StrategyRun.trade_date).label("day"))
        .group_by(StrategyRun.strategy_id)
        .subquery()
    )


def latest_runs(session: Session) -> list[AnyRow]:
    """The latest completed run of every strategy: date, equity, duration, finish time."""
    last = latest_run_days()
    query = select(
        StrategyRun.strategy_id,
        StrategyRun.trade_date,
        StrategyRun.equity,
        StrategyRun.duration_seconds,
        StrategyRun.finished_at,
    ).join(
        last,
        and_(StrategyRun.strategy_id == last.c.strategy_id, StrategyRun.trade_date == last.c.day),
    )
    return list(session.execute(query))


def schedules(session: Session) -> list[AnyRow]:
    """Every configured strategy with what missed-run detection needs: whether it is
    active and primary, its spec (schedule, time zone), when it was first configured,
    and its latest completed trade date (None without runs)."""
    last = latest_run_days()
    query = select(
        StrategyConfig.strategy_id,
        StrategyConfig.is_active,
        StrategyConfig.is_primary,
        StrategyConfig.spec,
        StrategyConfig.created_at,
        last.c.day.label("latest"),
    ).outerjoin(last, StrategyConfig.strategy_id == last.c.strategy_id)
    return list(session.execute(query))
