"""Which strategies exist, how they are configured, and their latest runs and failures."""

from __future__ import annotations

from sqlalchemy import and_, exists, func, select, text, union
from sqlalchemy.orm import Session

from stratops.api.queries.rows import AnyRow
from stratops.api.queries.runs import latest_run_days
from stratops.core.db import (
    PerformanceSnapshot,
    RunFailure,
    StrategyConfig,
    StrategyRun,
)

Snap = PerformanceSnapshot


def known_ids(session: Session) -> list[str]:
    """Every strategy id with a configuration, a snapshot or a completed run, sorted."""
    query = union(
        select(StrategyConfig.strategy_id),
        select(Snap.strategy_id).distinct(),
        select(StrategyRun.strategy_id).distinct(),
    )
    return sorted(session.execute(query).scalars())


def is_known(session: Session, strategy_id: str) -> bool:
    """Whether `strategy_id` has a configuration or ledger rows (index lookups only)."""
    found = select(
        exists().where(StrategyConfig.strategy_id == strategy_id)
        | exists().where(Snap.strategy_id == strategy_id)
        | exists().where(StrategyRun.strategy_id == strategy_id)
    )
    return bool(session.execute(found).scalar())


def configs(session: Session) -> dict[str, AnyRow]:
    """Configuration rows by strategy id."""
    query = select(
        StrategyConfig.strategy_id,
        StrategyConfig.display_name,
        StrategyConfig.strategy_class,
        StrategyConfig.is_primary,
        StrategyConfig.is_active,
        StrategyConfig.parameters,
        StrategyConfig.spec,
        StrategyConfig.generation,
    )
    return {row.strategy_id: row for row in session.execute(query)}


def primary_id(session: Session) -> str | None:
    """The configured primary; with several claimants (a GitOps transition) the earliest
    configured one, which matches the operator keeping the previous primary."""
    query = (
        select(StrategyConfig.strategy_id)
        .where(StrategyConfig.is_primary.is_(True))
        .order_by(StrategyConfig.created_at, StrategyConfig.id)
        .limit(1)
    )
    return session.execute(query).scalar()


def latest_runs(session: Session) -> dict[str, AnyRow]:
    """The latest completed run of every strategy."""
    last = latest_run_days()
    query = select(
        StrategyRun.strategy_id,
        StrategyRun.trade_date,
        StrategyRun.result,
        StrategyRun.finished_at,
        StrategyRun.equity,
        StrategyRun.cash,
        StrategyRun.state,
        StrategyRun.cell,
        StrategyRun.trend,
        StrategyRun.vol,
        StrategyRun.data_snapshot_id,
        StrategyRun.params_hash,
    ).join(
        last,
        and_(StrategyRun.strategy_id == last.c.strategy_id, StrategyRun.trade_date == last.c.day),
    )
    return {row.strategy_id: row for row in session.execute(query)}


def latest_failures(session: Session) -> dict[str, AnyRow]:
    """The latest failed attempt of every strategy that ever failed."""
    last = select(func.max(RunFailure.id).label("id")).group_by(RunFailure.strategy_id).subquery()
    query = select(
        RunFailure.strategy_id,
        RunFailure.trade_date,
        RunFailure.reason,
        RunFailure.message,
        RunFailure.created_at,
    ).join(last, RunFailure.id == last.c.id)
    return {row.strategy_id: row for row in session.execute(query)}


def schema_revision(session: Session) -> str | None:
    """The Alembic revision of the database, None when it was never migrated."""
    try:
        return session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # no alembic_version table: a database that was never migrated
        session.rollback()
        return None
