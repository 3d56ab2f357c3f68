"""What the schema enforces, and how the unit of work commits, on every dialect."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from sqlalchemy import Engine, delete, func, select, text
from sqlalchemy.exc import IntegrityError, StatementError

from stratops.core.db import (
    BacktestPoint,
    BacktestRun,
    PerformanceSnapshot,
    RunFailure,
    StrategyRun,
    Trade,
    UnitOfWork,
    create_engine_for,
    upgrade_to_head,
)

pytestmark = pytest.mark.db

DAY = dt.date(2026, 1, 20)
NOON_NY = dt.datetime(2026, 1, 20, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5)))


def _run(strategy_id: str = "v3_5b", trade_date: dt.date = DAY, **overrides: Any) -> StrategyRun:
    values: dict[str, Any] = {
        "strategy_id": strategy_id,
        "trade_date": trade_date,
        "run_id": str(uuid.uuid4()),
        "result": "traded",
        "state": {"cell": 3, "positions": {"TQQQ": 40}},
        "equity": 10_162.54,
        "cash": 1_204.12,
        "params_hash": "a" * 64,
        "code_version": "0.1.0",
        "started_at": NOON_NY,
        "finished_at": NOON_NY + dt.timedelta(seconds=2),
        "duration_seconds": 2.0,
    }
    return StrategyRun(**(values | overrides))


def _trade(**overrides: Any) -> Trade:
    values: dict[str, Any] = {
        "strategy_id": "v3_5b",
        "timestamp": NOON_NY,
        "trade_date": DAY,
        "symbol": "TQQQ",
        "action": "BUY",
        "quantity": 40,
        "price": 201.37,
        "value": 8054.8,
    }
    return Trade(**(values | overrides))


def _count(engine: Engine, model: type[Any]) -> int:
    with UnitOfWork(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_strategy_has_one_completed_run_per_day(db_engine: Engine) -> None:
    with UnitOfWork(db_engine) as session:
        session.add_all([_run("v3_5b"), _run("v3_5d")])
    with pytest.raises(IntegrityError), UnitOfWork(db_engine) as session:
        session.add(_run("v3_5b"))
    assert _count(db_engine, StrategyRun) == 2


def test_failed_attempts_do_not_block_the_days_successful_run(db_engine: Engine) -> None:
    with UnitOfWork(db_engine) as session:
        session.add(RunFailure(strategy_id="v3_5b", trade_date=DAY, reason="stale_data"))
        session.add(RunFailure(strategy_id="v3_5b", trade_date=DAY, reason="stale_data"))
    with UnitOfWork(db_engine) as session:
        session.add(_run("v3_5b"))
    assert (_count(db_engine, RunFailure), _count(db_engine, StrategyRun)) == (2, 1)


def test_a_completed_run_is_traded_or_no_change(db_engine: Engine) -> None:
    with pytest.raises(IntegrityError), UnitOfWork(db_engine) as session:
        session.add(_run(result="failed"))


def test_a_day_has_one_snapshot_per_strategy(db_engine: Engine) -> None:
    def snapshot() -> PerformanceSnapshot:
        return PerformanceSnapshot(
            strategy_id="v3_5b",
            snapshot_date=DAY,
            timestamp=NOON_NY,
            total_equity=1.0,
            cash=1.0,
            positions_value=0.0,
        )

    with UnitOfWork(db_engine) as session:
        session.add(snapshot())
    with pytest.raises(IntegrityError), UnitOfWork(db_engine) as session:
        session.add(snapshot())


def test_every_trade_names_its_strategy(db_engine: Engine) -> None:
    with pytest.raises(IntegrityError), UnitOfWork(db_engine) as session:
        session.add(_trade(strategy_id=None))


def test_the_unit_of_work_commits_everything_on_success(db_engine: Engine) -> None:
    with UnitOfWork(db_engine) as session:
        run = _run()
        session.add(run)
        session.flush()
        session.add(_trade(run_id=run.id))
    assert run.id is not None  # readable after the block, without a new transaction
    assert run.state["cell"] == 3
    assert _count(db_engine, Trade) == 1


def _write_a_run_then_fail(engine: Engine) -> None:
    with UnitOfWork(engine) as session:
        session.add(_run())
        session.flush()
        session.add(_trade())
        session.flush()  # both rows are in the database, inside the open transaction
        raise RuntimeError("broker exploded")


def test_the_unit_of_work_rolls_back_everything_on_error(db_engine: Engine) -> None:
    with pytest.raises(RuntimeError, match="broker"):
        _write_a_run_then_fail(db_engine)
    assert (_count(db_engine, StrategyRun), _count(db_engine, Trade)) == (0, 0)


def test_timestamps_are_stored_as_utc_and_come_back_aware(db_engine: Engine) -> None:
    with UnitOfWork(db_engine) as session:
        session.add(_trade())
    with UnitOfWork(db_engine) as session:
        trade = session.scalars(select(Trade)).one()
    assert trade.timestamp == NOON_NY
    assert trade.timestamp.tzinfo == dt.UTC
    assert trade.timestamp.hour == 17
    assert trade.created_at.tzinfo == dt.UTC


def _add_naive_trade(engine: Engine) -> None:
    with UnitOfWork(engine) as session:
        session.add(_trade(timestamp=dt.datetime(2026, 1, 20, 12, 0)))


def test_naive_timestamps_are_refused(db_engine: Engine) -> None:
    with pytest.raises(StatementError, match="naive datetime"):
        _add_naive_trade(db_engine)
    assert _count(db_engine, Trade) == 0


def test_deleting_a_backtest_deletes_its_points_in_the_database(db_engine: Engine) -> None:
    """ON DELETE CASCADE is done by the database (on SQLite only with foreign keys on)."""
    with UnitOfWork(db_engine) as session:
        backtest = BacktestRun(
            strategy_id="v3_5b",
            strategy_class="Hierarchical_Adaptive_v3_5b",
            params_hash="b" * 64,
            data_snapshot_id="synthetic-42",
            start_date=dt.date(2024, 1, 2),
            end_date=dt.date(2024, 1, 3),
            initial_capital=10_000.0,
            synthetic=True,
            metrics={"sharpe": 1.2},
            points=[
                BacktestPoint(date=dt.date(2024, 1, 2), portfolio_value=10_000.0),
                BacktestPoint(date=dt.date(2024, 1, 3), portfolio_value=10_050.0, cell=1),
            ],
        )
        session.add(backtest)
    assert _count(db_engine, BacktestPoint) == 2
    with db_engine.begin() as conn:
        conn.execute(delete(BacktestRun))
    assert _count(db_engine, BacktestPoint) == 0


def test_a_trade_must_point_at_an_existing_run(db_engine: Engine) -> None:
    with pytest.raises(IntegrityError), UnitOfWork(db_engine) as session:
        session.add(_trade(run_id=12345))


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_sqlite_runs_with_foreign_keys_and_wal(db_engine: Engine) -> None:
    with db_engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_an_in_memory_sqlite_database_is_one_database_per_engine() -> None:
    engine = create_engine_for("sqlite://")
    upgrade_to_head(engine)
    with UnitOfWork(engine) as session:
        session.add(_run())
    assert _count(engine, StrategyRun) == 1
    engine.dispose()
