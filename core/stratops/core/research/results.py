"""Reading a sweep's rows back, ranked: one order for the CLI, the operator and the API.

Sets are ranked by their stored score, best first; sets without a score (a
failed set, an undefined metric) come last; ties keep the set index order, so
the same rows always give the same table and pages never overlap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Select, func, select

from stratops.core.db import ConfigBacktest, Sweep, SweepResult, UnitOfWork


@dataclass(frozen=True)
class RankedSet:
    """One parameter set: its rank, overrides and metrics (or the reason it failed).

    The one shape of a ranked row: the CLI prints it, the operator puts the top
    ones in status and the read API serves it as it is."""

    rank: int
    index: int
    parameters: dict[str, Any]
    score: float | None
    in_sample: dict[str, Any] | None
    out_of_sample: dict[str, Any] | None
    error: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "index": self.index,
            "parameters": self.parameters,
            "score": self.score,
            "inSample": self.in_sample,
            "outOfSample": self.out_of_sample,
            "error": self.error,
        }


def ranked_query(sweep_id: int) -> Select[SweepResult]:
    """Best score first, unscored last, then by set index (a total, stable order)."""
    unscored = SweepResult.score.is_(None)
    return (
        select(SweepResult)
        .filter_by(sweep_id=sweep_id)
        .order_by(unscored, SweepResult.score.desc(), SweepResult.set_index)
    )


def ranked(
    engine: Engine, sweep_id: int, limit: int | None = None, offset: int = 0
) -> list[RankedSet]:
    query = ranked_query(sweep_id).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    with UnitOfWork(engine) as session:
        rows: Sequence[SweepResult] = session.scalars(query).all()
    return [ranked_set(offset + n, row) for n, row in enumerate(rows, start=1)]


def ranked_set(rank: int, row: SweepResult) -> RankedSet:
    return RankedSet(
        rank=rank,
        index=row.set_index,
        parameters=dict(row.parameters),
        score=row.score,
        in_sample=row.in_sample,
        out_of_sample=row.out_of_sample,
        error=row.error,
    )


@dataclass(frozen=True)
class Progress:
    done: int
    failed: list[tuple[int, str]]


def progress(engine: Engine, sweep_id: int) -> Progress:
    """Rows stored so far and the failed sets with their reasons."""
    with UnitOfWork(engine) as session:
        done = session.scalar(
            select(func.count()).select_from(SweepResult).filter_by(sweep_id=sweep_id)
        )
        failed = session.execute(
            select(SweepResult.set_index, SweepResult.error)
            .filter_by(sweep_id=sweep_id)
            .where(SweepResult.error.is_not(None))
            .order_by(SweepResult.set_index)
        ).all()
    return Progress(int(done or 0), [(int(i), str(e)) for i, e in failed])


def latest_sweep_id(engine: Engine, namespace: str, name: str) -> int | None:
    with UnitOfWork(engine) as session:
        query = (
            select(Sweep.id)
            .filter_by(namespace=namespace, name=name)
            .order_by(Sweep.created_at.desc(), Sweep.id.desc())
        )
        return session.scalars(query).first()


def find_config_backtest(
    engine: Engine, strategy_id: str, config_hash: str
) -> ConfigBacktest | None:
    """The newest stored backtest of this configuration (any data snapshot)."""
    query = (
        select(ConfigBacktest)
        .filter_by(strategy_id=strategy_id, config_hash=config_hash)
        .order_by(ConfigBacktest.created_at.desc(), ConfigBacktest.id.desc())
    )
    with UnitOfWork(engine) as session:
        return session.scalars(query).first()
