"""Every SELECT the API runs, and nothing else: the API's whole view of the database.

Functions take a Session and return plain rows (named tuples), never ORM
objects, so nothing here can be modified and flushed by accident. A strategy
is "known" when it has a configuration row or any ledger row: legacy rows
written before `strategy_configs` existed stay visible.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, TypeAlias

from sqlalchemy import Row, Select, and_, exists, func, literal, select, text, union
from sqlalchemy.orm import Session

from stratops.core.db import (
    BacktestPoint,
    BacktestRun,
    PerformanceSnapshot,
    RunFailure,
    StrategyConfig,
    StrategyRun,
    Trade,
)

Snap = PerformanceSnapshot
AnyRow: TypeAlias = Row[*tuple[Any, ...]]
"""A result row of any shape: callers read it by column name."""


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
    last = (
        select(StrategyRun.strategy_id, func.max(StrategyRun.trade_date).label("day"))
        .group_by(StrategyRun.strategy_id)
        .subquery()
    )
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


def series_query(
    strategy_ids: Sequence[str], start: dt.date | None = None, end: dt.date | None = None
) -> Select[*tuple[Any, ...]]:
    """Daily snapshots of the given strategies, ascending by date within each strategy."""
    query = select(
        Snap.strategy_id,
        Snap.snapshot_date,
        Snap.total_equity,
        Snap.baseline_value,
        Snap.data_snapshot_id,
        Snap.strategy_cell,
        Snap.trend_state,
        Snap.vol_state,
    ).where(Snap.strategy_id.in_(strategy_ids))
    if start is not None:
        query = query.where(Snap.snapshot_date >= start)
    if end is not None:
        query = query.where(Snap.snapshot_date <= end)
    return query.order_by(Snap.strategy_id, Snap.snapshot_date)


def snapshots(
    session: Session,
    strategy_ids: Sequence[str],
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Sequence[AnyRow]:
    return session.execute(series_query(strategy_ids, start, end)).all()


def latest_snapshot(session: Session, strategy_id: str) -> AnyRow | None:
    query = (
        select(
            Snap.snapshot_date,
            Snap.total_equity,
            Snap.cash,
            Snap.positions_json,
            Snap.t_norm,
            Snap.z_score,
            Snap.strategy_cell,
        )
        .where(Snap.strategy_id == strategy_id)
        .order_by(Snap.snapshot_date.desc())
        .limit(1)
    )
    return session.execute(query).first()


def snapshot_extent(session: Session, strategy_id: str) -> AnyRow:
    """First date, last date and count of a strategy's snapshots."""
    query = select(
        func.min(Snap.snapshot_date).label("first"),
        func.max(Snap.snapshot_date).label("last"),
        func.count().label("n"),
    ).where(Snap.strategy_id == strategy_id)
    return session.execute(query).one()


def latest_cells(session: Session, strategy_ids: Sequence[str]) -> dict[str, int | None]:
    """The regime cell of each strategy's newest snapshot."""
    last = (
        select(Snap.strategy_id, func.max(Snap.snapshot_date).label("day"))
        .where(Snap.strategy_id.in_(strategy_ids))
        .group_by(Snap.strategy_id)
        .subquery()
    )
    query = select(Snap.strategy_id, Snap.strategy_cell).join(
        last, and_(Snap.strategy_id == last.c.strategy_id, Snap.snapshot_date == last.c.day)
    )
    return {row.strategy_id: row.strategy_cell for row in session.execute(query)}


def ledger_version(session: Session) -> int:
    """Changes whenever a snapshot is added: the newest snapshot id (0 when none)."""
    return int(session.execute(select(func.coalesce(func.max(Snap.id), literal(0)))).scalar_one())


def trade_count(session: Session, strategy_id: str) -> int:
    query = select(func.count()).select_from(Trade).where(Trade.strategy_id == strategy_id)
    return int(session.execute(query).scalar_one())


def schema_revision(session: Session) -> str | None:
    """The Alembic revision of the database, None when it was never migrated."""
    try:
        return session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # no alembic_version table: a database that was never migrated
        session.rollback()
        return None


def trades(
    session: Session,
    strategy_id: str | None,
    start: dt.date | None,
    end: dt.date | None,
    limit: int,
    offset: int,
) -> tuple[Sequence[AnyRow], int]:
    """One page of trades, newest first, and how many match the filters in total."""
    conditions = []
    if strategy_id is not None:
        conditions.append(Trade.strategy_id == strategy_id)
    if start is not None:
        conditions.append(Trade.trade_date >= start)
    if end is not None:
        conditions.append(Trade.trade_date <= end)
    total = select(func.count()).select_from(Trade).where(*conditions)
    page = (
        select(
            Trade.id,
            Trade.strategy_id,
            Trade.trade_date,
            Trade.timestamp,
            Trade.symbol,
            Trade.action,
            Trade.quantity,
            Trade.price,
            Trade.value,
            Trade.commission,
            Trade.slippage,
            Trade.reason,
        )
        .where(*conditions)
        .order_by(Trade.timestamp.desc(), Trade.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return session.execute(page).all(), int(session.execute(total).scalar_one())


def backtest_runs(session: Session) -> Sequence[AnyRow]:
    """Every stored backtest, newest first within each strategy."""
    query = select(
        BacktestRun.id,
        BacktestRun.strategy_id,
        BacktestRun.strategy_class,
        BacktestRun.start_date,
        BacktestRun.end_date,
        BacktestRun.synthetic,
        BacktestRun.created_at,
    ).order_by(BacktestRun.strategy_id, BacktestRun.created_at.desc(), BacktestRun.id.desc())
    return session.execute(query).all()


def backtest_run(session: Session, backtest_id: int) -> AnyRow:
    query = select(BacktestRun.initial_capital, BacktestRun.metrics).where(
        BacktestRun.id == backtest_id
    )
    return session.execute(query).one()


def backtest_points(session: Session, backtest_id: int) -> Sequence[AnyRow]:
    query = (
        select(
            BacktestPoint.date,
            BacktestPoint.portfolio_value,
            BacktestPoint.baseline_value,
            BacktestPoint.cell,
            BacktestPoint.trend,
            BacktestPoint.vol,
        )
        .where(BacktestPoint.backtest_run_id == backtest_id)
        .order_by(BacktestPoint.date)
    )
    return session.execute(query).all()
