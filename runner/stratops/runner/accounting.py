"""From one engine session to what the runner records: the next state and the day's snapshot.

Pure functions. Returns are fractions of the previous day's equity (daily),
of the initial capital (cumulative), and of the running peak, which starts at
the initial capital (drawdown, <= 0). The baseline is the signal symbol
bought and held with the initial capital at its close on the strategy's
first run, as the backtest's buy-and-hold baseline is.
"""

from __future__ import annotations

import datetime as dt
import math
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from stratops.core.backtest.session import SessionResult
from stratops.core.marketdata.calendar import Timing
from stratops.core.marketdata.frames import MarketData
from stratops.runner.ledger import Snapshot
from stratops.runner.state import CURRENT_SCHEMA, StrategyState

EXCHANGE_TZ = ZoneInfo("America/New_York")
OPEN_TIME = dt.time(9, 30)
CLOSE_TIME = dt.time(16, 0)


def session_time(day: dt.date, at: dt.time) -> dt.datetime:
    """A wall-clock time of the exchange on `day`, in UTC."""
    return dt.datetime.combine(day, at, EXCHANGE_TZ).astimezone(dt.UTC)


def fill_time(day: dt.date, timing: Timing) -> dt.datetime:
    """When the day's orders fill: the regular open or close (early closes not modelled)."""
    return session_time(day, OPEN_TIME if timing == "open" else CLOSE_TIME)


def baseline_price(data: MarketData, symbol: str, day: dt.date) -> float | None:
    """The symbol's close on `day`, or its open when the close is not known; None without a bar."""
    bars = data.bars.get(symbol)
    if bars is None or pd.Timestamp(day) not in bars.index:
        return None
    row = bars.loc[pd.Timestamp(day), ["close", "open"]].to_numpy(dtype=np.float64)
    usable = [float(v) for v in row if math.isfinite(v) and v > 0]
    return usable[0] if usable else None


def next_state(
    previous: StrategyState,
    result: SessionResult,
    run_id: str,
    started_at: dt.datetime,
    reference_price: float | None,
) -> StrategyState:
    """The state after the session: the portfolio, the regime in force, the baseline reference."""
    decision = result.decision
    portfolio = result.portfolio
    return StrategyState(
        schema_version=CURRENT_SCHEMA,
        strategy_id=previous.strategy_id,
        run_id=run_id,
        last_run=started_at,
        trade_date=result.session_date,
        cell=decision.cell if decision else None,
        trend_state=decision.trend if decision else None,
        vol_state=decision.vol if decision else None,
        current_positions=dict(sorted(portfolio.positions.items())),
        cash=portfolio.cash,
        account_equity=result.equity,
        last_allocation=dict(sorted(portfolio.targets.items())),
        initial_qqq_price=previous.initial_qqq_price or reference_price,
    )


def snapshot(
    previous: StrategyState,
    result: SessionResult,
    capital: float,
    peak: float | None,
    today_price: float | None,
) -> Snapshot:
    """The day's snapshot; `peak` is the highest equity recorded before this day."""
    equity = result.equity
    top = max(capital, peak or capital, equity)
    reference = previous.initial_qqq_price or today_price
    base = capital * today_price / reference if today_price and reference else None
    decision = result.decision
    return Snapshot(
        timestamp=session_time(result.session_date, CLOSE_TIME),
        equity=equity,
        cash=result.portfolio.cash,
        daily_return=_ratio(equity, previous.account_equity),
        cumulative_return=_ratio(equity, capital),
        drawdown=equity / top - 1.0,
        t_norm=_finite(decision.t_norm) if decision else None,
        z_score=_finite(decision.z) if decision else None,
        marks=dict(result.marks),
        positions=dict(result.portfolio.positions),
        baseline_value=base,
        baseline_return=_ratio(base, capital) if base is not None else None,
    )


def _ratio(value: float, base: float) -> float:
    return value / base - 1.0 if base > 0 else 0.0


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None
