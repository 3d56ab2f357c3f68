"""Snapshot arithmetic and the next state, on a hand-made session result."""

from __future__ import annotations

import datetime as dt

import pytest

from stratops.core.backtest.session import SessionResult
from stratops.core.broker import Fill, PortfolioState
from stratops.core.strategies.base import Decision
from stratops.runner.accounting import fill_time, next_state, snapshot
from stratops.runner.state import StrategyState

D = dt.date(2025, 10, 1)
DECISION = Decision(D, 1, "BullStrong", "Low", 0.4, -0.2, {"TQQQ": 0.6, "QQQ": 0.4, "CASH": 0.0})


def _result(equity: float, decision: Decision | None = DECISION) -> SessionResult:
    portfolio = PortfolioState(100.0, {"QQQ": 10}, {"QQQ": 0.4, "TQQQ": 0.6}, D)
    fill = Fill("QQQ", "buy", 10, 10.0, 9.99, 0.1, 0.1)
    return SessionResult(D, decision, (fill,), portfolio, equity, {}, {"QQQ": 90.0}, True)


def _previous(equity: float, reference: float | None = None) -> StrategyState:
    state = StrategyState.initial("v3_5b", 1000.0)
    return state.model_copy(update={"account_equity": equity, "initial_qqq_price": reference})


def test_returns_are_fractions_of_yesterday_capital_and_peak() -> None:
    snap = snapshot(_previous(1100.0, reference=50.0), _result(990.0), 1000.0, 1200.0, 60.0)
    assert snap.daily_return == pytest.approx(990 / 1100 - 1)
    assert snap.cumulative_return == pytest.approx(-0.01)
    assert snap.drawdown == pytest.approx(990 / 1200 - 1)
    assert snap.baseline_value == pytest.approx(1000.0 * 60 / 50)
    assert snap.baseline_return == pytest.approx(0.2)
    assert (snap.cash, dict(snap.positions), snap.t_norm, snap.z_score) == (
        100.0,
        {"QQQ": 10},
        0.4,
        -0.2,
    )


def test_a_new_high_has_no_drawdown_and_the_first_day_sets_the_baseline() -> None:
    snap = snapshot(_previous(1000.0), _result(1300.0), 1000.0, None, 61.0)
    assert snap.drawdown == 0.0
    assert snap.baseline_value == pytest.approx(1000.0)


def test_the_snapshot_is_stamped_at_the_close_in_utc() -> None:
    snap = snapshot(_previous(1000.0), _result(1000.0), 1000.0, None, None)
    assert snap.timestamp == dt.datetime(2025, 10, 1, 20, 0, tzinfo=dt.UTC)
    assert snap.baseline_value is None


def test_fills_are_stamped_at_the_open_or_the_close() -> None:
    assert fill_time(D, "open") == dt.datetime(2025, 10, 1, 13, 30, tzinfo=dt.UTC)
    assert fill_time(dt.date(2025, 12, 1), "close") == dt.datetime(
        2025, 12, 1, 21, 0, tzinfo=dt.UTC
    )


def test_next_state_carries_portfolio_regime_and_the_first_reference_price() -> None:
    started = dt.datetime(2025, 10, 1, 13, 45, tzinfo=dt.UTC)
    state = next_state(_previous(1000.0), _result(1234.5), "r1", started, 77.0)
    assert state.portfolio() == PortfolioState(100.0, {"QQQ": 10}, {"QQQ": 0.4, "TQQQ": 0.6}, D)
    assert (state.cell, state.trend_state, state.vol_state) == (1, "BullStrong", "Low")
    assert (state.account_equity, state.initial_qqq_price, state.run_id) == (1234.5, 77.0, "r1")
    later = next_state(state, _result(1.0, decision=None), "r2", started, 99.0)
    assert later.initial_qqq_price == 77.0
    assert (later.cell, later.trend_state) == (None, None)
