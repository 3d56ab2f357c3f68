"""One parameter set -> backtest metrics: the single code path every fan-out calls.

A set is traded once over the whole period; with an out-of-sample start the
equity curve is then cut in two and each part gets its own metrics (the
out-of-sample part starts from the equity the in-sample part ended with, as a
walk-forward with frozen parameters would). Pure: data in, numbers out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from stratops.core import performance_metrics as metrics
from stratops.core.backtest.engine import run_backtest
from stratops.core.backtest.result import BacktestResult
from stratops.core.marketdata.frames import MarketData
from stratops.core.research.sets import set_spec
from stratops.core.research.spec import SweepPeriod
from stratops.core.resource import TradingStrategySpec
from stratops.core.strategies.registry import build_strategy


@dataclass(frozen=True)
class SegmentMetrics:
    """Metrics of one part of the period (percent where the name says so)."""

    start: str
    end: str
    sessions: int
    total_return_pct: float | None
    cagr_pct: float | None
    sharpe: float | None
    sortino: float | None
    max_drawdown_pct: float | None
    calmar: float | None
    trades: int
    final_equity: float | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SetResult:
    """What one set produced, ready to be stored as one row."""

    index: int
    overrides: Mapping[str, Any]
    params_hash: str
    data_snapshot_id: str
    in_sample: SegmentMetrics
    out_of_sample: SegmentMetrics | None

    def score(self, rank_by: str, rank_on: str) -> float | None:
        part = self.out_of_sample if rank_on == "outOfSample" else self.in_sample
        value = getattr(part, rank_by) if part is not None else None
        return float(value) if value is not None else None


def compute_set(
    base: TradingStrategySpec,
    index: int,
    overrides: Mapping[str, Any],
    data: MarketData,
    period: SweepPeriod,
) -> SetResult:
    """Backtest the base spec with `overrides` over `period`; split at outOfSampleStart."""
    spec = set_spec(base, overrides)
    strategy = build_strategy(spec)
    result = run_backtest(strategy, spec, data, period.start, period.end)
    oos = period.out_of_sample_start
    split = _split_position(result, oos) if oos is not None else len(result.rows)
    in_sample = segment(result, 0, split)
    out_of_sample = segment(result, split, len(result.rows)) if oos is not None else None
    return SetResult(
        index=index,
        overrides=dict(overrides),
        params_hash=result.params_hash,
        data_snapshot_id=result.data_snapshot_id,
        in_sample=in_sample,
        out_of_sample=out_of_sample,
    )


def _split_position(result: BacktestResult, first_oos: dt.date) -> int:
    """Row index of the first session on or after the out-of-sample start."""
    return next((i for i, r in enumerate(result.rows) if r.date >= first_oos), len(result.rows))


def segment(result: BacktestResult, lo: int, hi: int) -> SegmentMetrics:
    """Metrics of rows [lo, hi), starting from the equity before row lo."""
    rows = result.rows[lo:hi]
    if not rows:
        empty = result.rows[min(lo, len(result.rows) - 1)].date.isoformat()
        return SegmentMetrics(empty, empty, 0, None, None, None, None, None, None, 0, None)
    opening = result.initial_capital if lo == 0 else result.rows[lo - 1].equity
    curve = np.array([opening, *(r.equity for r in rows)], dtype=np.float64)
    dates = [rows[0].date, *(r.date for r in rows)]
    s = metrics.summarize(curve, dates, result.risk_free_rate)
    first, last = rows[0].date, rows[-1].date
    sells = (f.side for d, f in result.fills if first <= d <= last)
    return SegmentMetrics(
        start=first.isoformat(),
        end=last.isoformat(),
        sessions=len(rows),
        total_return_pct=_pct(s.total_return),
        cagr_pct=_pct(s.cagr),
        sharpe=metrics.finite_or_none(s.sharpe),
        sortino=metrics.finite_or_none(s.sortino),
        max_drawdown_pct=_pct(s.max_drawdown),
        calmar=metrics.finite_or_none(s.calmar),
        trades=metrics.closed_trades(sells),
        final_equity=metrics.finite_or_none(s.final),
    )


def _pct(x: float) -> float | None:
    return metrics.finite_or_none(x * 100.0)
