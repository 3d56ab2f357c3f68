"""Build the performance response and the compare inputs from one columnar fetch each.

Ten thousand snapshot rows become a handful of column tuples at C speed
(`zip(*rows)`), and everything after that is numpy on whole columns: the
cost of a request grows with the bytes it moves, not with Python work per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from stratops.api import analytics, queries
from stratops.api.analytics import DailySeries
from stratops.api.queries import AnyRow
from stratops.api.schemas import PerformanceResponse, PerformanceSeries, Period

SERIES_FIELDS = 7  # date, equity, baseline, cell, trend, vol, data snapshot id


def columns(rows: Sequence[Any], width: int) -> list[tuple[Any, ...]]:
    """Rows to one tuple per column (empty tuples when there are no rows)."""
    return list(zip(*rows, strict=True)) if rows else [()] * width


def performance(
    strategy_id: str, display_name: str, rows: Sequence[AnyRow], rf: float
) -> PerformanceResponse:
    """Metrics and the daily series of one strategy over `series_query` rows (ascending)."""
    _, dates, equity_col, baseline, cell, trend, vol, _ = columns(rows, 8)
    equity = np.asarray(equity_col, dtype=np.float64)
    return PerformanceResponse(
        strategy_id=strategy_id,
        display_name=display_name,
        period=Period(
            start_date=dates[0] if dates else None,
            end_date=dates[-1] if dates else None,
            trading_days=len(dates),
        ),
        metrics=analytics.equity_metrics(equity, dates, rf),
        baseline_metrics=analytics.baseline_metrics(baseline, dates, rf),
        current_regime=analytics.regime_label(cell[-1]) if cell else None,
        series=PerformanceSeries(
            dates=list(dates),
            equity=equity.tolist(),
            baseline=list(baseline),
            drawdown=analytics.drawdown_percent(equity),
            daily_return=analytics.daily_return_percent(equity),
            cell=list(cell),
            trend=list(trend),
            vol=list(vol),
        ),
    )


def daily_series(session: Session, strategy_ids: Sequence[str]) -> list[DailySeries]:
    """Every snapshot of the given strategies, in the order the ids were given: one
    statement; the current regime is the cell of each strategy's newest row."""
    query = queries.series_query(strategy_ids)
    rows = session.connection().execute(query).all()
    grouped = {sid: list(group) for sid, group in groupby(rows, lambda r: r[0])}
    return [_daily(sid, grouped.get(sid, [])) for sid in strategy_ids]


def _daily(strategy_id: str, rows: Sequence[AnyRow]) -> DailySeries:
    _, dates, equity, baseline, cell, _, _, snapshot_ids = columns(rows, 8)
    return DailySeries(
        strategy_id=strategy_id,
        dates=dates,
        equity=np.asarray(equity, dtype=np.float64),
        baseline=baseline,
        snapshot_ids=snapshot_ids,
        current_regime=analytics.regime_label(cell[-1]) if cell else None,
    )
