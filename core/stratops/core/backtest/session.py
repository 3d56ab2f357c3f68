"""One trading session, the same for the backtest loop and the live runner.

`step_session` turns (strategy, spec, data, session date, portfolio state) into
the decision in force, the fills and the new state. The backtest prepares the
signals and prices once (`prepare`) and passes them in; a live run calls it
without, which replays the signals from signalStart through the cutoff:

* timing `close`: the decision for D is the signal row of D (closes through D);
  fills at each instrument's close of D.
* timing `open`: the decision for D is the signal row of the previous session
  (closes through D−1); fills at each instrument's open of D.

Holdings are marked at D's close (at the fill price when D's close is not
known yet, as in a run shortly after the open).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from stratops.core.broker import (
    Costs,
    Fill,
    Market,
    PortfolioState,
    Rebalance,
    rebalance_on_drift,
    rebalance_on_target_change,
)
from stratops.core.errors import UserError
from stratops.core.marketdata.frames import MarketData
from stratops.core.resource import TradingStrategySpec
from stratops.core.strategies.base import Decision, SignalFrame, Strategy

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class PriceTable:
    """Open/close arrays of the held symbols on the signal symbol's sessions (NaN: no bar)."""

    dates: pd.DatetimeIndex
    opens: Mapping[str, FloatArray]
    closes: Mapping[str, FloatArray]
    last_close: Mapping[str, FloatArray]

    @classmethod
    def build(
        cls, data: MarketData, calendar: pd.DatetimeIndex, symbols: tuple[str, ...]
    ) -> PriceTable:
        opens, closes, last = {}, {}, {}
        for symbol in symbols:
            frame = data.bars.get(symbol)
            if frame is None:
                frame = pd.DataFrame({"open": [], "close": []}, index=pd.DatetimeIndex([]))
            aligned = frame.reindex(calendar)
            opens[symbol] = aligned["open"].to_numpy(dtype=np.float64)
            closes[symbol] = aligned["close"].to_numpy(dtype=np.float64)
            last[symbol] = aligned["close"].ffill().to_numpy(dtype=np.float64)
        return cls(calendar, opens, closes, last)


@dataclass(frozen=True)
class PreparedRun:
    """Signals and prices computed once for many sessions (the backtest's fast path)."""

    signals: SignalFrame
    prices: PriceTable
    offset: int
    """Number of sessions before the first signal row (bars before signalStart)."""
    index: Mapping[dt.date, int]


@dataclass(frozen=True)
class SessionResult:
    """What one session did: decision in force, fills, the state after, equity at the mark."""

    session_date: dt.date
    decision: Decision | None
    fills: tuple[Fill, ...]
    portfolio: PortfolioState
    equity: float
    prices: Mapping[str, float]
    marks: Mapping[str, float]
    rebalanced: bool


def prepare(
    strategy: Strategy,
    spec: TradingStrategySpec,
    data: MarketData,
    through: dt.date | None = None,
) -> PreparedRun:
    """Compute signals (from spec.signalStart) and the price table for sessions <= through."""
    _check_symbols(strategy, data)
    calendar = data.bars[strategy.signal_symbol].index
    if through is not None:
        calendar = calendar[calendar <= pd.Timestamp(through)]
    calendar = pd.DatetimeIndex(calendar)
    signal_through = _signal_cutoff(spec, calendar, through)
    signals = strategy.compute_signals(data, spec.signal_start, signal_through)
    offset = int(calendar.searchsorted(signals.dates[0])) if len(signals) else len(calendar)
    index = {d: i for i, d in enumerate(calendar.date)}
    prices = PriceTable.build(data, calendar, strategy.held_symbols)
    return PreparedRun(signals, prices, offset, index)


def _check_symbols(strategy: Strategy, data: MarketData) -> None:
    missing = [s for s in strategy.required_symbols if s not in data.bars]
    if missing:
        raise UserError(f"market data lacks {', '.join(missing)} needed by {strategy.name}")


def _signal_cutoff(
    spec: TradingStrategySpec, calendar: pd.DatetimeIndex, through: dt.date | None
) -> dt.date | None:
    """Last session whose bars may feed signals: the last one (close) or the one before (open)."""
    if len(calendar) == 0:
        return through
    if spec.execution.timing == "close":
        return calendar[-1].date()
    before_first = (calendar[0] - pd.Timedelta(days=1)).date()
    return calendar[-2].date() if len(calendar) > 1 else before_first


def decision_for(prepared: PreparedRun, position: int, timing: str) -> Decision | None:
    """The signal row in force at calendar position `position` for the given timing."""
    row = position - prepared.offset - (1 if timing == "open" else 0)
    if row < 0 or row >= len(prepared.signals):
        return None
    return prepared.signals.decision(row)


def decision_on(
    strategy: Strategy, spec: TradingStrategySpec, data: MarketData, session_date: dt.date
) -> Decision | None:
    """The decision in force for one session (live path: replay from signalStart to the cutoff).

    Timing `close`: the signal row of `session_date`; `open`: that of the session
    before. None during warm-up.
    """
    prepared = prepare(strategy, spec, data, through=session_date)
    return decision_for(
        prepared, _position(prepared, strategy, session_date), spec.execution.timing
    )


def _position(prepared: PreparedRun, strategy: Strategy, session_date: dt.date) -> int:
    position = prepared.index.get(session_date)
    if position is None:
        raise UserError(f"{session_date} is not a session of {strategy.signal_symbol} in the data")
    return position


def step_session(
    strategy: Strategy,
    spec: TradingStrategySpec,
    data: MarketData,
    session_date: dt.date,
    portfolio: PortfolioState,
    prepared: PreparedRun | None = None,
) -> SessionResult:
    """Decide, trade and mark one session; pure (returns the new state, changes nothing)."""
    if portfolio.last_trade_date is not None and session_date <= portfolio.last_trade_date:
        raise UserError(f"portfolio already stepped through {portfolio.last_trade_date}")
    prepared = prepared or prepare(strategy, spec, data, through=session_date)
    position = _position(prepared, strategy, session_date)
    timing = spec.execution.timing
    decision = decision_for(prepared, position, timing)
    market = _market(prepared.prices, position, timing, portfolio)
    outcome = _trade(strategy, spec, decision, market, portfolio, session_date)
    marks = _marks(prepared.prices, position, market, outcome.state)
    return SessionResult(
        session_date=session_date,
        decision=decision,
        fills=outcome.fills,
        portfolio=outcome.state,
        equity=outcome.state.value(marks),
        prices=dict(market.prices),
        marks=marks,
        rebalanced=outcome.fired,
    )


def _market(table: PriceTable, i: int, timing: str, portfolio: PortfolioState) -> Market:
    """Reference prices of the session (open or close); marks fall back to the last close."""
    source = table.opens if timing == "open" else table.closes
    prices = {s: float(source[s][i]) for s in source}
    marks = {s: p for s, p in prices.items() if math.isfinite(p)}
    for symbol in portfolio.positions:
        if symbol not in marks:
            marks[symbol] = _last_known(table, symbol, i)
    return Market(prices, marks)


def _last_known(table: PriceTable, symbol: str, i: int) -> float:
    last = table.last_close.get(symbol)
    value = float(last[i]) if last is not None else math.nan
    if not math.isfinite(value):
        raise UserError(f"no price known for held position {symbol}")
    return value


def _marks(table: PriceTable, i: int, market: Market, state: PortfolioState) -> dict[str, float]:
    """Session-close marks of the holdings; the fill-time mark when the close is not known."""
    marks = {}
    for symbol in state.positions:
        close = float(table.closes[symbol][i]) if symbol in table.closes else math.nan
        marks[symbol] = close if math.isfinite(close) else market.marks[symbol]
    return marks


def _trade(
    strategy: Strategy,
    spec: TradingStrategySpec,
    decision: Decision | None,
    market: Market,
    portfolio: PortfolioState,
    date: dt.date,
) -> Rebalance:
    """Apply the spec's rebalance policy to the decision (no decision: no orders)."""
    ex = spec.execution
    if decision is None:
        return Rebalance(portfolio.on(date), (), False)
    costs = Costs(ex.commission_per_share, ex.slippage_pct / 100.0)
    held = strategy.held_symbols
    if ex.rebalance_policy == "drift":
        return rebalance_on_drift(
            portfolio, decision.weights, held, market, ex.rebalance_threshold_pct, costs, date
        )
    return rebalance_on_target_change(
        portfolio, decision.weights, held, market, ex.rebalance_threshold, costs, date
    )
