"""The runner's database reads and writes; every one through a UnitOfWork.

A completed run is one transaction: the `strategy_runs` row first (so that a
second writer of the same strategy and day stops at its unique constraint
before anything else is written), then the day's trades and snapshot, both
pointing at it. A failed attempt is a `run_failures` row in a transaction of
its own.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError

from stratops.core.broker import Fill
from stratops.core.db import PerformanceSnapshot, RunFailure, StrategyRun, Trade, UnitOfWork


class DuplicateRunError(Exception):
    """Another attempt already completed this strategy's day (the unique constraint said so)."""


@dataclass(frozen=True)
class RunRecord:
    """A completed run as the ledger holds it."""

    trade_date: dt.date
    run_id: str
    result: str
    state: Mapping[str, Any]
    equity: float
    cash: float
    cell: int | None
    trend: str | None
    vol: str | None
    data_snapshot_id: str | None


@dataclass(frozen=True)
class LedgerView:
    """What the ledger says before a run: this day's run, the latest run, the equity peak."""

    done: RunRecord | None
    latest: RunRecord | None
    peak_equity: float | None


@dataclass(frozen=True)
class Snapshot:
    """The day's performance snapshot values (returns as fractions)."""

    timestamp: dt.datetime
    equity: float
    cash: float
    daily_return: float
    cumulative_return: float
    drawdown: float
    t_norm: float | None
    z_score: float | None
    marks: Mapping[str, float]
    positions: Mapping[str, int]
    baseline_value: float | None
    baseline_return: float | None


@dataclass(frozen=True)
class CompletedRun:
    """Everything one successful run writes, ready for its single transaction."""

    strategy_id: str
    strategy_name: str
    trade_date: dt.date
    run_id: str
    result: str
    message: str
    state: Mapping[str, Any]
    cell: int | None
    trend: str | None
    vol: str | None
    fills: tuple[Fill, ...]
    fill_time: dt.datetime
    snapshot: Snapshot
    data_snapshot_id: str
    params_hash: str
    code_version: str
    resource_generation: int | None
    started_at: dt.datetime
    finished_at: dt.datetime


def read_ledger(engine: Engine, strategy_id: str, day: dt.date) -> LedgerView:
    """The run of `day` (if any), the latest run, and the highest equity before `day`."""
    with UnitOfWork(engine) as session:
        runs = select(StrategyRun).where(StrategyRun.strategy_id == strategy_id)
        # SQLite reads each SELECT in its own snapshot: read the latest run first and take
        # `done` from it when it is the day, so a run committed in between can never show
        # up as the latest while still missing as the day's run.
        latest = session.scalars(runs.order_by(StrategyRun.trade_date.desc()).limit(1)).first()
        if latest is not None and latest.trade_date == day:
            done: StrategyRun | None = latest
        else:
            done = session.scalars(runs.where(StrategyRun.trade_date == day)).one_or_none()
        peak = session.scalar(
            select(func.max(PerformanceSnapshot.total_equity)).where(
                PerformanceSnapshot.strategy_id == strategy_id,
                PerformanceSnapshot.snapshot_date < day,
            )
        )
        return LedgerView(_record(done), _record(latest), peak)


def _record(row: StrategyRun | None) -> RunRecord | None:
    if row is None:
        return None
    return RunRecord(
        trade_date=row.trade_date,
        run_id=row.run_id,
        result=row.result,
        state=dict(row.state),
        equity=row.equity,
        cash=row.cash,
        cell=row.cell,
        trend=row.trend,
        vol=row.vol,
        data_snapshot_id=row.data_snapshot_id,
    )


def write_run(engine: Engine, run: CompletedRun) -> None:
    """Trades, snapshot and run row in one transaction; DuplicateRunError if the day is taken."""
    try:
        with UnitOfWork(engine) as session:
            row = _run_row(run)
            session.add(row)
            session.flush()  # takes the (strategy_id, trade_date) slot or fails here
            session.add_all([_trade_row(run, fill, row.id) for fill in run.fills])
            session.add(_snapshot_row(run, row.id))
    except IntegrityError as exc:
        if _run_exists(engine, run.strategy_id, run.trade_date):
            raise DuplicateRunError(
                f"{run.strategy_id} {run.trade_date} already completed"
            ) from exc
        raise


def _run_exists(engine: Engine, strategy_id: str, day: dt.date) -> bool:
    with UnitOfWork(engine) as session:
        found = session.scalar(
            select(StrategyRun.id).where(
                StrategyRun.strategy_id == strategy_id, StrategyRun.trade_date == day
            )
        )
        return found is not None


def record_failure(
    engine: Engine, strategy_id: str, day: dt.date, reason: str, message: str
) -> None:
    """One failed attempt, in its own transaction (the attempt's own work was rolled back)."""
    with UnitOfWork(engine) as session:
        session.add(
            RunFailure(strategy_id=strategy_id, trade_date=day, reason=reason, message=message)
        )


def _run_row(run: CompletedRun) -> StrategyRun:
    return StrategyRun(
        strategy_id=run.strategy_id,
        trade_date=run.trade_date,
        run_id=run.run_id,
        result=run.result,
        message=run.message,
        state=dict(run.state),
        equity=run.snapshot.equity,
        cash=run.snapshot.cash,
        cell=run.cell,
        trend=run.trend,
        vol=run.vol,
        data_snapshot_id=run.data_snapshot_id,
        params_hash=run.params_hash,
        code_version=run.code_version,
        resource_generation=run.resource_generation,
        started_at=run.started_at,
        finished_at=run.finished_at,
        duration_seconds=(run.finished_at - run.started_at).total_seconds(),
    )


def _trade_row(run: CompletedRun, fill: Fill, run_pk: int) -> Trade:
    return Trade(
        strategy_id=run.strategy_id,
        timestamp=run.fill_time,
        trade_date=run.trade_date,
        symbol=fill.symbol,
        action=fill.side.upper(),
        quantity=fill.quantity,
        price=fill.price,
        value=fill.quantity * fill.price,
        commission=fill.commission,
        slippage=fill.slippage,
        strategy_name=run.strategy_name,
        reason=f"rebalance (cell {run.cell})" if run.cell is not None else "rebalance",
        mode="paper",
        run_id=run_pk,
    )


def _snapshot_row(run: CompletedRun, run_pk: int) -> PerformanceSnapshot:
    snap = run.snapshot
    return PerformanceSnapshot(
        strategy_id=run.strategy_id,
        snapshot_date=run.trade_date,
        timestamp=snap.timestamp,
        total_equity=snap.equity,
        cash=snap.cash,
        positions_value=snap.equity - snap.cash,
        daily_return=snap.daily_return,
        cumulative_return=snap.cumulative_return,
        drawdown=snap.drawdown,
        strategy_cell=run.cell,
        trend_state=run.trend,
        vol_state=run.vol,
        t_norm=snap.t_norm,
        z_score=snap.z_score,
        positions_json=positions_json(snap.positions, snap.marks),
        baseline_value=snap.baseline_value,
        baseline_return=snap.baseline_return,
        mode="paper",
        run_id=run_pk,
        data_snapshot_id=run.data_snapshot_id,
    )


def positions_json(positions: Mapping[str, int], marks: Mapping[str, float]) -> str:
    """`{symbol: {quantity, price, value}}` at the session's marks."""
    doc = {
        s: {"quantity": q, "price": marks[s], "value": q * marks[s]}
        for s, q in sorted(positions.items())
    }
    return json.dumps(doc, allow_nan=False)
