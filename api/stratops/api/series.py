"""Build the performance response and the compare inputs from one columnar fetch each.

The snapshots arrive as columns (see queries.columnar) and everything after
that is numpy on whole columns: the cost of a request grows with the bytes it
moves, not with Python work per row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
from sqlalchemy.orm import Session

from stratops.api import analytics
from stratops.api.analytics import DailySeries
from stratops.api.queries.columnar import SERIES_FIELDS, Columns, series_columns
from stratops.api.schemas import PerformanceResponse, PerformanceSeries, Period
from stratops.core.performance_metrics import FloatArray


def performance(
    strategy_id: str,
    display_name: str,
    columns: Columns | None,
    rf: float,
    capital: float | None = None,
) -> PerformanceResponse:
    """Metrics and the daily series of one strategy (None: no snapshots in the range).

    `capital`, given when the series starts at the strategy's first run, is the curve's
    first point (on the first date), as in backtests: the first day's costs and move
    count, so the total return agrees with equity over the initial capital."""
    dates, equity_col, baseline, cell, trend, vol, _ = columns or ((),) * len(SERIES_FIELDS)
    equity = np.asarray(equity_col, dtype=np.float64)
    return PerformanceResponse(
        strategy_id=strategy_id,
        display_name=display_name,
        period=Period(
            start_date=dates[0] if dates else None,
            end_date=dates[-1] if dates else None,
            trading_days=len(dates),
        ),
        metrics=analytics.equity_metrics(*_from_capital(capital, equity, dates), rf),
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


def _from_capital(
    capital: float | None, equity: FloatArray, dates: Sequence[dt.date]
) -> tuple[FloatArray, Sequence[dt.date]]:
    if capital is None or not len(equity):
        return equity, dates
    return np.concatenate(([capital], equity)), [dates[0], *dates]


def daily_series(session: Session, strategy_ids: Sequence[str]) -> list[DailySeries]:
    """Every snapshot of the given strategies, in the order the ids were given: one
    statement; the current regime is the cell of each strategy's newest snapshot."""
    found = series_columns(session, strategy_ids)
    return [_daily(sid, found.get(sid)) for sid in strategy_ids]


def _daily(strategy_id: str, columns: Columns | None) -> DailySeries:
    dates, equity, baseline, cell, _, _, snapshot_ids = columns or ((),) * len(SERIES_FIELDS)
    return DailySeries(
        strategy_id=strategy_id,
        dates=dates,
        equity=np.asarray(equity, dtype=np.float64),
        baseline=baseline,
        snapshot_ids=snapshot_ids,
        current_regime=analytics.regime_label(cell[-1]) if cell else None,
    )
