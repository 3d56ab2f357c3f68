"""Daily performance snapshots: series, the latest snapshot, and the ledger version."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, and_, func, literal, select
from sqlalchemy.orm import Session

from stratops.api.queries.rows import AnyRow
from stratops.core.db import (
    PerformanceSnapshot,
)

Snap = PerformanceSnapshot


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


def compare_query(strategy_ids: Sequence[str]) -> Select[*tuple[Any, ...]]:
    """The columns a comparison needs, ascending by date within each strategy."""
    return (
        select(
            Snap.strategy_id,
            Snap.snapshot_date,
            Snap.total_equity,
            Snap.baseline_value,
            Snap.data_snapshot_id,
        )
        .where(Snap.strategy_id.in_(strategy_ids))
        .order_by(Snap.strategy_id, Snap.snapshot_date)
    )


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
