"""Storing a backtest: one row per identity, points with the regime, reruns add nothing.

SQLite only (the unit tier runs before Postgres is started); the schema comes
from the migrations, as everywhere.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from stratops.core.backtest import run_backtest
from stratops.core.backtest.store import store_backtest
from stratops.core.db import (
    BacktestPoint,
    BacktestRun,
    UnitOfWork,
    create_engine_for,
    upgrade_to_head,
)
from stratops.core.errors import UserError
from stratops.core.strategies.registry import build_strategy

from .builders import SMALL, random_market, spec

pytestmark = pytest.mark.db


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'engine.db'}"


@pytest.fixture
def migrated_db_url(db_url: str) -> str:
    upgrade_to_head(db_url)
    return db_url


def test_store_is_idempotent_per_identity(migrated_db_url: str) -> None:
    data = random_market(300, seed=2)
    s = spec(parameters=SMALL)
    result = run_backtest(build_strategy(s), s, data, dt.date(2015, 2, 1), dt.date(2015, 12, 31))
    first = store_backtest(result, migrated_db_url)
    again = store_backtest(result, migrated_db_url)
    assert first.created
    assert not again.created
    assert again.run_id == first.run_id
    engine = create_engine_for(migrated_db_url)
    try:
        with UnitOfWork(engine) as session:
            run = session.get(BacktestRun, first.run_id)
            assert run is not None
            assert run.params_hash == result.params_hash
            assert run.metrics["final_equity"] == result.rows[-1].equity
            count = session.scalar(select(func.count()).select_from(BacktestPoint))
            assert count == len(result.rows)
            assert [p.date for p in run.points] == result.dates
    finally:
        engine.dispose()


def test_store_refuses_an_unmigrated_database(db_url: str) -> None:
    data = random_market(120, seed=2)
    s = spec(parameters=SMALL)
    result = run_backtest(build_strategy(s), s, data, dt.date(2015, 2, 1), dt.date(2015, 5, 1))
    with pytest.raises(UserError, match="stratops db upgrade"):
        store_backtest(result, db_url)
