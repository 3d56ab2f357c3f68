"""The backtest loop: `step_session` over every session of a window, then metrics.

Signals and prices are prepared once; each session then goes through the very
function a live run uses, so a live day equals that day in a backtest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import pandas as pd

from stratops.core.backtest.result import BacktestResult, SessionRow
from stratops.core.backtest.session import PreparedRun, prepare, step_session
from stratops.core.broker import Fill, PortfolioState
from stratops.core.errors import UserError
from stratops.core.marketdata.frames import MarketData
from stratops.core.resource import TradingStrategySpec
from stratops.core.strategies.base import Strategy

Progress = Callable[[int, int], None]
"""Called with (sessions done, sessions total)."""


def sessions_between(prepared: PreparedRun, start: dt.date, end: dt.date) -> list[dt.date]:
    """Sessions of the signal symbol in [start, end]."""
    dates = prepared.prices.dates
    chosen = dates[(dates >= pd.Timestamp(start)) & (dates <= pd.Timestamp(end))]
    return list(chosen.date)


def run_backtest(
    strategy: Strategy,
    spec: TradingStrategySpec,
    data: MarketData,
    start: dt.date,
    end: dt.date,
    progress: Progress | None = None,
) -> BacktestResult:
    """Trade every session in [start, end] from spec.initialCapital in cash."""
    if end < start:
        raise UserError(f"end {end} is before start {start}")
    prepared = prepare(strategy, spec, data, through=end)
    sessions = sessions_between(prepared, start, end)
    if not sessions:
        raise UserError(f"no {strategy.signal_symbol} session between {start} and {end}")
    portfolio = PortfolioState.initial(spec.initial_capital)
    rows: list[SessionRow] = []
    fills: list[tuple[dt.date, Fill]] = []
    for n, day in enumerate(sessions, start=1):
        result = step_session(strategy, spec, data, day, portfolio, prepared)
        portfolio = result.portfolio
        rows.append(SessionRow.of(result))
        fills += [(day, f) for f in result.fills]
        if progress is not None:
            progress(n, len(sessions))
    baseline = buy_and_hold(data, strategy.signal_symbol, sessions, spec.initial_capital)
    return BacktestResult(
        strategy_id=spec.strategy_id,
        strategy_class=spec.strategy_class,
        requested_start=start,
        requested_end=end,
        initial_capital=spec.initial_capital,
        rows=tuple(rows),
        fills=tuple(fills),
        baseline=baseline,
        signals=prepared.signals,
        final_state=portfolio,
        synthetic=data.synthetic,
        data_snapshot_id=data.snapshot_id,
        params_hash=strategy.params_hash(spec),
    )


def buy_and_hold(
    data: MarketData, symbol: str, sessions: list[dt.date], capital: float
) -> npt.NDArray[np.float64]:
    """QQQ-style baseline: capital / first close, fractional, no costs, valued at each close."""
    closes = data.bars[symbol]["close"].reindex(pd.DatetimeIndex(sessions))
    values = closes.to_numpy(dtype=np.float64)
    return np.asarray(capital / values[0] * values, dtype=np.float64)
