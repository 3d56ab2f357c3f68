"""What a backtest produced, its metrics and its one-object JSON form."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from stratops.core import performance_metrics as metrics
from stratops.core.backtest.session import SessionResult
from stratops.core.broker import Fill, PortfolioState
from stratops.core.strategies.base import SignalFrame

DEFAULT_CELL, DEFAULT_TREND, DEFAULT_VOL = 3, "Sideways", "Low"
"""Regime shown for sessions without a decision (§3.3)."""


@dataclass(frozen=True)
class SessionRow:
    """One session of the equity curve with the regime in force."""

    date: dt.date
    equity: float
    cash: float
    decided: bool
    cell: int
    trend: str
    vol: str
    signal_date: dt.date | None
    fills: int

    @classmethod
    def of(cls, result: SessionResult) -> SessionRow:
        d = result.decision
        return cls(
            date=result.session_date,
            equity=result.equity,
            cash=result.portfolio.cash,
            decided=d is not None,
            cell=d.cell if d else DEFAULT_CELL,
            trend=d.trend if d else DEFAULT_TREND,
            vol=d.vol if d else DEFAULT_VOL,
            signal_date=d.signal_date if d else None,
            fills=len(result.fills),
        )


@dataclass(frozen=True)
class BacktestResult:
    """Sessions, fills and the QQQ buy-and-hold baseline over the traded window."""

    strategy_id: str
    strategy_class: str
    requested_start: dt.date
    requested_end: dt.date
    initial_capital: float
    rows: tuple[SessionRow, ...]
    fills: tuple[tuple[dt.date, Fill], ...]
    baseline: npt.NDArray[np.float64]
    signals: SignalFrame
    final_state: PortfolioState
    synthetic: bool
    data_snapshot_id: str
    params_hash: str = ""
    risk_free_rate: float = 0.0

    @property
    def dates(self) -> list[dt.date]:
        return [r.date for r in self.rows]

    @cached_property
    def equity(self) -> npt.NDArray[np.float64]:
        """Equity per session, with the initial capital before the first session.

        Prepending the capital makes the first session's own P&L (costs of the
        initial allocation, the first day's move) count in every metric.
        """
        return np.array([self.initial_capital, *(r.equity for r in self.rows)])

    @cached_property
    def summary(self) -> metrics.Summary:
        return metrics.summarize(self.equity, self._metric_dates(), self.risk_free_rate)

    @cached_property
    def baseline_summary(self) -> metrics.Summary:
        curve = np.array([self.initial_capital, *self.baseline.tolist()])
        return metrics.summarize(curve, self._metric_dates(), self.risk_free_rate)

    def _metric_dates(self) -> list[dt.date]:
        """Date of each equity point; the capital shares the first session's date (CAGR span)."""
        return [self.rows[0].date, *self.dates]

    @property
    def closed_trades(self) -> int:
        return metrics.closed_trades(f.side for _, f in self.fills)

    @property
    def exposure_by_cell(self) -> dict[str, float]:
        return metrics.exposure_by_cell(r.cell if r.decided else None for r in self.rows)

    def to_json(self) -> dict[str, Any]:
        """The `--json` object: run identity, metrics (percent where named so), baseline."""
        return {
            "strategy_id": self.strategy_id,
            "strategy_class": self.strategy_class,
            "start": self.rows[0].date.isoformat(),
            "end": self.rows[-1].date.isoformat(),
            "requested_start": self.requested_start.isoformat(),
            "requested_end": self.requested_end.isoformat(),
            "sessions": len(self.rows),
            "initial_capital": self.initial_capital,
            **_metrics_json(self.summary),
            "trades": self.closed_trades,
            "fills": len(self.fills),
            "exposure_by_cell": self.exposure_by_cell,
            "first_decision": _first_decision(self.rows),
            "synthetic": self.synthetic,
            "data_snapshot_id": self.data_snapshot_id,
            "params_hash": self.params_hash,
            "baseline": {"symbol": "QQQ", **_metrics_json(self.baseline_summary)},
        }


def _first_decision(rows: tuple[SessionRow, ...]) -> str | None:
    return next((r.date.isoformat() for r in rows if r.decided), None)


def _metrics_json(s: metrics.Summary) -> dict[str, Any]:
    def pct(x: float) -> float | None:
        return metrics.finite_or_none(x * 100.0) if not math.isnan(x) else None

    return {
        "final_equity": metrics.finite_or_none(s.final),
        "total_return_pct": pct(s.total_return),
        "cagr_pct": pct(s.cagr),
        "volatility_pct": pct(s.volatility),
        "sharpe": metrics.finite_or_none(s.sharpe),
        "sortino": metrics.finite_or_none(s.sortino),
        "max_drawdown_pct": pct(s.max_drawdown),
        "calmar": metrics.finite_or_none(s.calmar),
    }
