"""Storing a backtest in `backtest_runs` / `backtest_points` (stratops.core.db).

A run is identified by strategy, configuration hash, data snapshot and window;
the results are a pure function of those, so storing the same identity twice
keeps the first row and reports it instead of duplicating or rewriting it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from stratops.core.backtest.result import BacktestResult
from stratops.core.db import BacktestPoint, BacktestRun, UnitOfWork, create_engine_for, is_at_head
from stratops.core.errors import UserError


@dataclass(frozen=True)
class Stored:
    run_id: int
    created: bool


def _identity(result: BacktestResult) -> dict[str, object]:
    return {
        "strategy_id": result.strategy_id,
        "params_hash": result.params_hash,
        "data_snapshot_id": result.data_snapshot_id,
        "start_date": result.rows[0].date,
        "end_date": result.rows[-1].date,
    }


def _existing(uow: UnitOfWork, result: BacktestResult) -> int | None:
    with uow as session:
        query = select(BacktestRun.id).filter_by(**_identity(result))
        return session.scalars(query).first()


def store_backtest(result: BacktestResult, db: str | Engine) -> Stored:
    """Insert the run and its points unless the same identity is already stored.

    The schema is the migrations' business: a database that is not at head is
    refused with the command that fixes it, never created here.
    """
    engine = create_engine_for(db) if isinstance(db, str) else db
    try:
        if not is_at_head(engine):
            raise UserError("database schema is not current: run `stratops db upgrade --db URL`")
        found = _existing(UnitOfWork(engine), result)
        if found is not None:
            return Stored(found, created=False)
        try:
            return Stored(_insert(UnitOfWork(engine), result), created=True)
        except IntegrityError:  # a concurrent writer stored the same identity first
            again = _existing(UnitOfWork(engine), result)
            if again is None:
                raise
            return Stored(again, created=False)
    finally:
        if isinstance(db, str):
            engine.dispose()


def _insert(uow: UnitOfWork, result: BacktestResult) -> int:
    doc = result.to_json()
    baseline = doc.pop("baseline")
    run = BacktestRun(
        **_identity(result),
        strategy_class=result.strategy_class,
        initial_capital=result.initial_capital,
        synthetic=result.synthetic,
        metrics=doc,
        baseline_metrics=baseline,
    )
    run.points = [
        BacktestPoint(
            date=row.date,
            portfolio_value=row.equity,
            baseline_value=base,
            cell=row.cell if row.decided else None,
            trend=row.trend if row.decided else None,
            vol=row.vol if row.decided else None,
        )
        for row, base in zip(result.rows, result.baseline.tolist(), strict=True)
    ]
    with uow as session:
        session.add(run)
        session.flush()
        return run.id
