"""Daily performance snapshots: series, the latest snapshot, and the ledger version."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from stratops.api.queries.rows import AnyRow
from stratops.core.db import (
    BacktestRun,
    PerformanceSnapshot,
    PrimaryChange,
    RunFailure,
    StrategyConfig,
    StrategyRun,
    Trade,
)

Snap = PerformanceSnapshot


def series_query(
    strategy_ids: Sequence[str], start: dt.date | None = None, end: dt.date | None = None
) -> Select[*tuple[Any, ...]]:
    """Daily snapshots of the given strategies, ascending by date within each strategy:
    (strategy_id, date, equity, baseline, cell, trend, vol, data snapshot id), all served
    by the covering index `ix_performance_snapshots_series` on Postgres."""
    query = select(
        Snap.strategy_id,
        Snap.snapshot_date,
        Snap.total_equity,
        Snap.baseline_value,
        Snap.strategy_cell,
        Snap.trend_state,
        Snap.vol_state,
        Snap.data_snapshot_id,
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


def ledger_version(session: Session) -> tuple[Any, ...]:
    """Changes whenever the ledger gains a row or a configuration changes: the newest id
    of every append-only table, and the count and newest update of the configurations.
    One statement of primary-key probes (and a scan of the small configuration table)."""
    newest = [
        select(func.max(model.id)).scalar_subquery()
        for model in (Snap, StrategyRun, RunFailure, Trade, BacktestRun, PrimaryChange)
    ]
    configs = [
        select(func.count()).select_from(StrategyConfig).scalar_subquery(),
        select(func.max(StrategyConfig.updated_at)).scalar_subquery(),
    ]
    return tuple(session.execute(select(*newest, *configs)).one())
