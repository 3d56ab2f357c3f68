"""Rows the runner and the operator would have written, for the observability tests.

The API only reads; these helpers play the writers (one transaction each,
through the project's UnitOfWork) so a test can make "the underlying thing
happen" between two scrapes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine

from stratops.core.db import RunFailure, StrategyConfig, StrategyRun, UnitOfWork

WEEKDAYS_0945 = {"schedule": "45 9 * * 1-5", "timeZone": "America/New_York"}


def add_config(
    engine: Engine, strategy_id: str, created: dt.datetime, primary: bool = False, **spec: Any
) -> None:
    full_spec = {"strategyId": strategy_id, **WEEKDAYS_0945, **spec}
    with UnitOfWork(engine) as session:
        session.add(
            StrategyConfig(
                strategy_id=strategy_id,
                display_name=strategy_id,
                strategy_class="Hierarchical_Adaptive_v3_5b",
                is_primary=primary,
                is_active=bool(full_spec.get("active", True)),
                parameters={},
                spec=full_spec,
                created_at=created,
            )
        )


def add_run(
    engine: Engine,
    strategy_id: str,
    day: dt.date,
    equity: float,
    seconds: float,
    result: str = "traded",
) -> None:
    finished = dt.datetime.combine(day, dt.time(14, 46), tzinfo=dt.UTC)
    with UnitOfWork(engine) as session:
        session.add(
            StrategyRun(
                strategy_id=strategy_id,
                trade_date=day,
                run_id=f"{strategy_id}-{day.isoformat()}",
                result=result,
                state={},
                equity=equity,
                cash=0.0,
                params_hash="0" * 64,
                code_version="test",
                started_at=finished - dt.timedelta(seconds=seconds),
                finished_at=finished,
                duration_seconds=seconds,
            )
        )


def add_failure(engine: Engine, strategy_id: str, day: dt.date, reason: str) -> None:
    with UnitOfWork(engine) as session:
        session.add(
            RunFailure(strategy_id=strategy_id, trade_date=day, reason=reason, message=reason)
        )
