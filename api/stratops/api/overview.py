"""The numbers behind the overview cards: one aggregate query over every strategy's snapshots.

Return and drawdown are measured from the strategy's initial capital (its
resource's `initialCapital`), the way `/api/performance` measures a history
that starts at the first run: $10,934 on $10,000 is +9.34 %, whatever the
first day's close was. Health is not here: the dashboard takes it from
`/api/status/strategies`, so the cards and the status endpoint cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from pydantic import Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from stratops.api.schemas import Model
from stratops.core.db.models import BacktestRun, PerformanceSnapshot, StrategyConfig, StrategyRun


class OverviewNumbers(Model):
    initial_capital: float | None = Field(description="From the resource's `initialCapital`.")
    first_date: dt.date | None
    last_date: dt.date | None
    sessions: int
    equity: float | None = Field(description="Equity of the latest snapshot.")
    total_return: float | None = Field(description="Percent, from the initial capital.")
    max_drawdown: float | None = Field(description="Percent below the running peak, <= 0.")
    current_drawdown: float | None = Field(description="Percent below the peak, latest day.")
    synthetic: bool | None = Field(
        description="True when the strategy ran on a data snapshot a stored backtest marks as "
        "synthetic; false when such a backtest marks it real; null when nothing says."
    )


class Overview(Model):
    strategies: dict[str, OverviewNumbers]


def capital_of(spec: Mapping[str, Any] | None) -> float | None:
    value = (spec or {}).get("initialCapital")
    return float(value) if isinstance(value, int | float) and value > 0 else None


def numbers(row: Any, capital: float | None, synthetic: bool | None) -> OverviewNumbers:
    """Cards' figures from the aggregate row; with a capital, it is the first peak."""
    first, last, low = row.first_equity, row.last_equity, row.min_equity
    base = capital if capital is not None else first
    worst = row.max_dd
    if capital is not None and low is not None:
        worst = min(worst, low / capital - 1.0)
    peak = max(row.peak, capital) if capital is not None else row.peak
    return OverviewNumbers(
        initial_capital=capital,
        first_date=row.first_date,
        last_date=row.last_date,
        sessions=int(row.n),
        equity=last,
        total_return=(last / base - 1.0) * 100.0 if base else None,
        max_drawdown=min(0.0, worst * 100.0),
        current_drawdown=min(0.0, (last / peak - 1.0) * 100.0) if peak else None,
        synthetic=synthetic,
    )


def _aggregates(session: Session) -> list[Any]:
    s = PerformanceSnapshot
    by_id = (s.strategy_id,)
    ranked = select(
        s.strategy_id,
        s.snapshot_date,
        s.total_equity,
        func.max(s.total_equity)
        .over(partition_by=by_id, order_by=s.snapshot_date, rows=(None, 0))
        .label("peak_so_far"),
        func.first_value(s.total_equity)
        .over(partition_by=by_id, order_by=s.snapshot_date)
        .label("first_equity"),
        func.row_number()
        .over(partition_by=by_id, order_by=s.snapshot_date.desc())
        .label("from_end"),
    ).subquery()
    query = select(
        ranked.c.strategy_id,
        func.count().label("n"),
        func.min(ranked.c.snapshot_date).label("first_date"),
        func.max(ranked.c.snapshot_date).label("last_date"),
        func.max(ranked.c.total_equity).label("peak"),
        func.min(ranked.c.total_equity).label("min_equity"),
        func.min(ranked.c.total_equity / ranked.c.peak_so_far - 1.0).label("max_dd"),
        func.max(ranked.c.first_equity).label("first_equity"),
        func.max(ranked.c.total_equity).filter(ranked.c.from_end == 1).label("last_equity"),
    ).group_by(ranked.c.strategy_id)
    return list(session.execute(query).all())


def _synthetic(session: Session) -> dict[str, bool]:
    """Per strategy: did it run on a snapshot a stored backtest labels (synthetic or real)?"""
    query = (
        select(StrategyRun.strategy_id, BacktestRun.synthetic)
        .join(BacktestRun, BacktestRun.data_snapshot_id == StrategyRun.data_snapshot_id)
        .distinct()
    )
    found: dict[str, bool] = {}
    for sid, synthetic in session.execute(query).all():
        found[sid] = found.get(sid, False) or bool(synthetic)
    return found


def overview(session: Session) -> Overview:
    capitals = {
        sid: capital_of(spec)
        for sid, spec in session.execute(select(StrategyConfig.strategy_id, StrategyConfig.spec))
    }
    synthetic = _synthetic(session)
    return Overview(
        strategies={
            row.strategy_id: numbers(
                row, capitals.get(row.strategy_id), synthetic.get(row.strategy_id)
            )
            for row in _aggregates(session)
        }
    )
