"""The backtest of one strategy configuration over the whole shared data snapshot.

What the operator starts when a TradingStrategy's config hash changes: the
same `compute_set` a sweep uses (no overrides, no split), from signalStart
(or the first bar) to the last bar of the signal symbol. Its row is keyed by
(strategy_id, config hash, data snapshot id).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from stratops.core.errors import UserError
from stratops.core.marketdata.frames import MarketData
from stratops.core.research.compute import SegmentMetrics, compute_set
from stratops.core.research.spec import SweepPeriod
from stratops.core.resource import TradingStrategySpec
from stratops.core.strategies.registry import build_strategy


@dataclass(frozen=True)
class ConfigResult:
    strategy_id: str
    config_hash: str
    data_snapshot_id: str
    start: dt.date
    end: dt.date
    metrics: SegmentMetrics


def full_period(spec: TradingStrategySpec, data: MarketData) -> SweepPeriod:
    """signalStart (or the first bar) through the last bar of the signal symbol."""
    strategy = build_strategy(spec)
    dates = data.bars[strategy.signal_symbol].index
    if len(dates) < 2:
        raise UserError(f"market data holds fewer than two {strategy.signal_symbol} sessions")
    first, last = dates[0].date(), dates[-1].date()
    start = max(spec.signal_start or first, first)
    if start >= last:
        raise UserError(f"signalStart {start} leaves no session to backtest (data ends {last})")
    return SweepPeriod(start=start, end=last)


def backtest_config(spec: TradingStrategySpec, data: MarketData) -> ConfigResult:
    period = full_period(spec, data)
    result = compute_set(spec, 0, {}, data, period)
    return ConfigResult(
        strategy_id=spec.strategy_id,
        config_hash=result.params_hash,
        data_snapshot_id=result.data_snapshot_id,
        start=dt.date.fromisoformat(result.in_sample.start),
        end=dt.date.fromisoformat(result.in_sample.end),
        metrics=result.in_sample,
    )
