"""Metrics against empyrical (a well-known implementation) on the same series."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from stratops.core import performance_metrics as metrics

empyrical = pytest.importorskip("empyrical")


@pytest.fixture
def equity() -> np.ndarray:
    rng = np.random.default_rng(12)
    returns = 0.0006 + 0.012 * rng.standard_normal(1500)
    return np.asarray(10_000 * np.cumprod(np.concatenate([[1.0], 1 + returns])))


def returns_of(equity: np.ndarray) -> pd.Series:
    return pd.Series(equity[1:] / equity[:-1] - 1)


def test_volatility_sharpe_sortino_drawdown_match_empyrical(equity: np.ndarray) -> None:
    r = returns_of(equity)
    assert metrics.annual_volatility(equity) == pytest.approx(
        empyrical.annual_volatility(r), rel=1e-12
    )
    assert metrics.sharpe(equity) == pytest.approx(empyrical.sharpe_ratio(r), rel=1e-12)
    assert metrics.sortino(equity) == pytest.approx(empyrical.sortino_ratio(r), rel=1e-12)
    assert metrics.max_drawdown(equity) == pytest.approx(empyrical.max_drawdown(r), rel=1e-12)
    assert metrics.total_return(equity) == pytest.approx(empyrical.cum_returns_final(r), rel=1e-12)


def test_risk_free_rate_is_annual_and_spread_over_252_days(equity: np.ndarray) -> None:
    r = returns_of(equity)
    rf = 0.02
    assert metrics.sharpe(equity, rf) == pytest.approx(
        empyrical.sharpe_ratio(r, risk_free=rf / 252), rel=1e-12
    )
    assert metrics.sortino(equity, rf) == pytest.approx(
        empyrical.sortino_ratio(r, required_return=rf / 252), rel=1e-12
    )


def test_cagr_uses_calendar_days_and_calmar_divides_by_drawdown(equity: np.ndarray) -> None:
    first, last = dt.date(2010, 1, 4), dt.date(2016, 1, 4)
    years = (last - first).days / 365.25
    growth = metrics.cagr(equity, first, last)
    assert growth == pytest.approx((equity[-1] / equity[0]) ** (1 / years) - 1, rel=1e-14)
    # empyrical's annual_return uses len(returns)/252 years: same formula with its own years.
    r = returns_of(equity)
    n_years = len(r) / 252
    assert empyrical.annual_return(r) == pytest.approx(
        (equity[-1] / equity[0]) ** (1 / n_years) - 1, rel=1e-12
    )
    dd = metrics.max_drawdown(equity)
    assert metrics.calmar(growth, dd) == pytest.approx(growth / abs(dd))
    assert empyrical.calmar_ratio(r) == pytest.approx(
        empyrical.annual_return(r) / abs(empyrical.max_drawdown(r)), rel=1e-12
    )


def test_edge_cases_are_nan_not_errors() -> None:
    flat = [100.0, 100.0, 100.0]
    assert math.isnan(metrics.sharpe(flat))
    assert math.isnan(metrics.sortino(flat))
    assert metrics.max_drawdown(flat) == 0.0
    assert math.isnan(metrics.calmar(0.1, 0.0))
    assert math.isnan(metrics.cagr([100.0], dt.date(2020, 1, 1), dt.date(2020, 1, 1)))


def test_trades_and_exposure() -> None:
    assert metrics.closed_trades(["buy", "sell", "sell", "buy"]) == 2
    assert metrics.exposure_by_cell([None, 1, 1, 3, 4]) == {"1": 0.5, "3": 0.25, "4": 0.25}
    assert metrics.exposure_by_cell([None]) == {}


def test_summary_collects_everything(equity: np.ndarray) -> None:
    dates = list(pd.bdate_range("2010-01-04", periods=len(equity)).date)
    s = metrics.summarize(equity, dates)
    assert s.final == equity[-1]
    assert s.calmar == pytest.approx(s.cagr / abs(s.max_drawdown))
    assert set(s.as_dict()) >= {"total_return", "cagr", "sharpe", "sortino", "max_drawdown"}
