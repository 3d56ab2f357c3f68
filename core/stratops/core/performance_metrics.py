"""Performance metrics shared by backtests, runner snapshots and the read API.

Inputs are plain sequences or numpy arrays of equity values, one per trading
session (plus dates where calendar time matters). Undefined values (a flat
series, fewer than two points) are NaN; serialisers turn NaN into null.

Formulas (r_t = E_t / E_{t−1} − 1 daily simple returns, n = number of returns,
rf_d = risk_free_rate / 252 the daily risk-free rate from an annual rate):

* total return      = E_last / E_first − 1
* CAGR              = (E_last / E_first) ** (1 / years) − 1,
                      years = calendar days between first and last date / 365.25
* volatility        = stdev(r, ddof=1) · √252
* Sharpe            = mean(r − rf_d) / stdev(r − rf_d, ddof=1) · √252
* Sortino           = mean(r − rf_d) · 252 / downside deviation,
                      downside deviation = sqrt(mean(min(r − rf_d, 0)²)) · √252
                      (mean over all n returns, the convention of empyrical)
* max drawdown      = min_t (E_t / max_{s≤t} E_s − 1)   (≤ 0)
* Calmar            = CAGR / |max drawdown|
* closed trades     = number of sell fills (each reduces or closes a long position)
* exposure by cell  = share of sessions with a decision spent in each cell
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import numpy.typing as npt

TRADING_DAYS = 252
DAYS_PER_YEAR = 365.25

FloatArray = npt.NDArray[np.float64]


def _array(values: Sequence[float] | FloatArray) -> FloatArray:
    return np.asarray(values, dtype=np.float64)


def daily_returns(equity: Sequence[float] | FloatArray) -> FloatArray:
    """Simple returns between consecutive equity values."""
    e = _array(equity)
    return e[1:] / e[:-1] - 1.0


def total_return(equity: Sequence[float] | FloatArray) -> float:
    e = _array(equity)
    return float(e[-1] / e[0] - 1.0) if len(e) else math.nan


def cagr(equity: Sequence[float] | FloatArray, first: dt.date, last: dt.date) -> float:
    """Compound annual growth over calendar time (days / 365.25)."""
    e = _array(equity)
    years = (last - first).days / DAYS_PER_YEAR
    if len(e) < 2 or years <= 0 or e[0] <= 0 or e[-1] <= 0:
        return math.nan
    return float((e[-1] / e[0]) ** (1.0 / years) - 1.0)


def annual_volatility(equity: Sequence[float] | FloatArray) -> float:
    r = daily_returns(equity)
    return float(np.std(r, ddof=1) * math.sqrt(TRADING_DAYS)) if len(r) >= 2 else math.nan


def _excess(equity: Sequence[float] | FloatArray, risk_free_rate: float) -> FloatArray:
    return daily_returns(equity) - risk_free_rate / TRADING_DAYS


def sharpe(equity: Sequence[float] | FloatArray, risk_free_rate: float = 0.0) -> float:
    x = _excess(equity, risk_free_rate)
    if len(x) < 2:
        return math.nan
    sd = float(np.std(x, ddof=1))
    return float(np.mean(x) / sd * math.sqrt(TRADING_DAYS)) if sd > 0 else math.nan


def sortino(equity: Sequence[float] | FloatArray, risk_free_rate: float = 0.0) -> float:
    x = _excess(equity, risk_free_rate)
    if len(x) < 1:
        return math.nan
    downside = math.sqrt(float(np.mean(np.minimum(x, 0.0) ** 2))) * math.sqrt(TRADING_DAYS)
    return float(np.mean(x) * TRADING_DAYS / downside) if downside > 0 else math.nan


def drawdowns(equity: Sequence[float] | FloatArray) -> FloatArray:
    """E_t / running peak − 1 per session (0 at new highs)."""
    e = _array(equity)
    return e / np.maximum.accumulate(e) - 1.0


def max_drawdown(equity: Sequence[float] | FloatArray) -> float:
    """Deepest peak-to-trough fall, as a negative fraction (0 if never below a peak)."""
    e = _array(equity)
    return float(drawdowns(e).min()) if len(e) else math.nan


def calmar(cagr_value: float, max_drawdown_value: float) -> float:
    if math.isnan(cagr_value) or not max_drawdown_value < 0:
        return math.nan
    return cagr_value / abs(max_drawdown_value)


def closed_trades(sides: Iterable[str]) -> int:
    """Sell fills: each one reduces or closes a long position."""
    return sum(1 for side in sides if side == "sell")


def exposure_by_cell(cells: Iterable[int | None]) -> dict[str, float]:
    """Share of sessions with a decision spent in each cell ("1".."6"); None = no decision."""
    decided = [c for c in cells if c is not None]
    if not decided:
        return {}
    return {str(c): decided.count(c) / len(decided) for c in sorted(set(decided))}


@dataclass(frozen=True)
class Summary:
    """The equity-curve metrics of one series (fractions, not percent)."""

    initial: float
    final: float
    total_return: float
    cagr: float
    volatility: float
    sharpe: float
    sortino: float
    max_drawdown: float
    calmar: float

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def summarize(
    equity: Sequence[float] | FloatArray,
    dates: Sequence[dt.date],
    risk_free_rate: float = 0.0,
) -> Summary:
    """All equity-curve metrics at once."""
    e = _array(equity)
    growth = cagr(e, dates[0], dates[-1]) if len(dates) else math.nan
    dd = max_drawdown(e)
    return Summary(
        initial=float(e[0]) if len(e) else math.nan,
        final=float(e[-1]) if len(e) else math.nan,
        total_return=total_return(e),
        cagr=growth,
        volatility=annual_volatility(e),
        sharpe=sharpe(e, risk_free_rate),
        sortino=sortino(e, risk_free_rate),
        max_drawdown=dd,
        calmar=calmar(growth, dd),
    )


def finite_or_none(value: float) -> float | None:
    """JSON has no NaN/inf: undefined metrics become null."""
    return value if math.isfinite(value) else None
