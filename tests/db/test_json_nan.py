"""NaN and Infinity in a JSON column are refused on both backends, and nothing is stored.

`core.db.engine` writes JSON with `allow_nan=False`: Python's json would write
the non-standard `NaN`/`Infinity` tokens, which Postgres refuses and SQLite
would store, so a value could be kept in local mode and fail on a cluster.
These tests hold the real engines of both dialects to that rule, and show
that Postgres itself refuses the tokens, which is why the rule exists.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import DBAPIError, StatementError

from stratops.core.db import BacktestRun, StrategyRun, UnitOfWork

pytestmark = pytest.mark.db

DAY = dt.date(2026, 1, 20)
NOON = dt.datetime(2026, 1, 20, 17, 0, tzinfo=dt.UTC)
REFUSALS = (StatementError, ValueError)


def _run(state: dict[str, Any]) -> StrategyRun:
    return StrategyRun(
        strategy_id="v3_5b",
        trade_date=DAY,
        run_id=str(uuid.uuid4()),
        result="no_change",
        state=state,
        equity=10_000.0,
        cash=10_000.0,
        params_hash="a" * 64,
        code_version="0.1.0",
        started_at=NOON,
        finished_at=NOON,
        duration_seconds=1.0,
    )


def _backtest(metrics: dict[str, Any]) -> BacktestRun:
    return BacktestRun(
        strategy_id="v3_5b",
        strategy_class="Hierarchical_Adaptive_v3_5b",
        params_hash="a" * 64,
        data_snapshot_id="snap",
        start_date=DAY,
        end_date=DAY,
        initial_capital=10_000.0,
        synthetic=True,
        metrics=metrics,
        baseline_metrics=None,
    )


def _count(engine: Engine, model: Any) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(model)).scalar_one())


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_a_non_finite_number_in_a_json_column_is_refused(db_engine: Engine, bad: float) -> None:
    """SQLite's driver reports the serializer's ValueError inside a StatementError;
    psycopg runs the serializer in its own adapter and the ValueError comes as is."""
    with pytest.raises(REFUSALS) as refused, UnitOfWork(db_engine) as uow:
        uow.add(_run({"cash": 10_000.0, "positions": {"TQQQ": bad}}))
    assert "Out of range float values are not JSON compliant" in str(refused.value)
    with pytest.raises(REFUSALS, match="not JSON compliant"), UnitOfWork(db_engine) as uow:
        uow.add(_backtest({"sharpe_ratio": bad, "trades": 3}))
    assert (_count(db_engine, StrategyRun), _count(db_engine, BacktestRun)) == (0, 0)


def test_finite_numbers_and_null_are_stored_as_given(db_engine: Engine) -> None:
    with UnitOfWork(db_engine) as uow:
        uow.add(_backtest({"sharpe_ratio": 1.25, "calmar_ratio": None, "trades": 3}))
    with db_engine.connect() as conn:
        stored = conn.execute(select(BacktestRun.metrics)).scalar_one()
    assert stored == {"sharpe_ratio": 1.25, "calmar_ratio": None, "trades": 3}


def test_postgres_itself_refuses_the_nan_tokens(db_engine: Engine) -> None:
    """Why the serializer refuses them: the tokens Python's json writes by default are
    not JSON to Postgres."""
    if db_engine.dialect.name != "postgresql":
        pytest.skip("Postgres's own JSON parser")
    for token in ("NaN", "Infinity", "-Infinity"):
        refused = pytest.raises(DBAPIError, match="invalid input syntax for type json")
        with refused, db_engine.connect() as conn:
            conn.execute(text(f"SELECT CAST('{{\"x\": {token}}}' AS jsonb)"))
