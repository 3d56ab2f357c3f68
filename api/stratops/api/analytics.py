"""Pure calculations behind the performance and compare endpoints (no I/O, no HTTP).

All numbers come from `stratops.core.performance_metrics`, the module backtests and the
runner use, so the API can never disagree with them; this module only picks
the series, converts fractions to the percent the API reports, and decides
the winner.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from stratops.api.schemas import Metrics, StrategyMetrics
from stratops.core import performance_metrics as metrics

METRIC_NAMES = (
    "total_return",
    "cagr",
    "volatility",
    "sharpe_ratio",
    "sortino_ratio",
    "max_drawdown",
    "calmar_ratio",
)
# Sharpe values (and then CAGRs) closer than this count as equal for the winner.
TIE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class DailySeries:
    """One strategy's snapshots, ascending by date: what comparisons are computed from."""

    strategy_id: str
    dates: Sequence[dt.date]
    equity: Sequence[float]
    baseline: Sequence[float | None]
    snapshot_ids: Sequence[str | None]
    current_regime: str | None


def regime_label(cell: int | None) -> str | None:
    """The cell as the API and the dashboard name it (`Cell_3`)."""
    return None if cell is None else f"Cell_{cell}"


def _pct(value: float) -> float | None:
    return metrics.finite_or_none(value * 100.0)


def equity_metrics(equity: Sequence[float], dates: Sequence[dt.date], rf: float) -> Metrics:
    """Metrics of one equity curve, percent where the API reports percent."""
    if len(equity) == 0:
        return Metrics(**dict.fromkeys(METRIC_NAMES))
    s = metrics.summarize(equity, dates, risk_free_rate=rf)
    return Metrics(
        total_return=_pct(s.total_return),
        cagr=_pct(s.cagr),
        volatility=_pct(s.volatility),
        sharpe_ratio=metrics.finite_or_none(s.sharpe),
        sortino_ratio=metrics.finite_or_none(s.sortino),
        max_drawdown=_pct(s.max_drawdown),
        calmar_ratio=metrics.finite_or_none(s.calmar),
    )


def baseline_metrics(
    baseline: Sequence[float | None], dates: Sequence[dt.date], rf: float
) -> Metrics | None:
    """Metrics of the QQQ baseline over the dates where it is known; None when it never is."""
    known = [(d, b) for d, b in zip(dates, baseline, strict=True) if b is not None and b > 0]
    if not known:
        return None
    return equity_metrics([b for _, b in known], [d for d, _ in known], rf)


def drawdown_percent(equity: Sequence[float]) -> list[float]:
    """Percent below the running peak per day (the drawdown chart)."""
    if not equity:
        return []
    return [float(x) * 100.0 for x in metrics.drawdowns(equity)]


def daily_return_percent(equity: Sequence[float]) -> list[float | None]:
    """Percent change from the previous snapshot; None for the first."""
    if not equity:
        return []
    return [None, *(float(x) * 100.0 for x in metrics.daily_returns(equity))]


def common_dates(series: Sequence[DailySeries]) -> list[dt.date]:
    """The dates on which every series has a snapshot, ascending."""
    if not series:
        return []
    shared = set(series[0].dates)
    for s in series[1:]:
        shared &= set(s.dates)
    return sorted(shared)


def on_dates(
    values: Sequence[float], own: Sequence[dt.date], wanted: Sequence[dt.date]
) -> list[float]:
    lookup = dict(zip(own, values, strict=True))
    return [lookup[d] for d in wanted]


def with_regime(m: Metrics, regime: str | None) -> StrategyMetrics:
    return StrategyMetrics(**m.model_dump(), current_regime=regime)


def difference(first: Metrics, other: Metrics) -> dict[str, float | None]:
    """`other - first` per metric (Appendix B: positive means `other` is higher)."""
    out: dict[str, float | None] = {}
    for name in METRIC_NAMES:
        a, b = getattr(first, name), getattr(other, name)
        out[name] = None if a is None or b is None else b - a
    return out


def winner(ordered: Sequence[tuple[str, Metrics]]) -> str | None:
    """Highest Sharpe ratio; equal Sharpe (within TIE_TOLERANCE) is decided by the higher
    CAGR. A strategy without a Sharpe ratio cannot win; a tie on both gives no winner."""
    ranked = [(sid, m.sharpe_ratio, m.cagr) for sid, m in ordered if m.sharpe_ratio is not None]
    if not ranked:
        return None
    best_sharpe = max(sharpe for _, sharpe, _ in ranked)
    top = [
        (sid, c)
        for sid, sharpe, c in ranked
        if math.isclose(sharpe, best_sharpe, abs_tol=TIE_TOLERANCE)
    ]
    if len(top) == 1:
        return top[0][0]
    with_cagr = [(sid, c) for sid, c in top if c is not None]
    if not with_cagr:
        return None
    best_cagr = max(c for _, c in with_cagr)
    leaders = [sid for sid, c in with_cagr if math.isclose(c, best_cagr, abs_tol=TIE_TOLERANCE)]
    return leaders[0] if len(leaders) == 1 else None
