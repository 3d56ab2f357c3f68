"""One session, shared by backtest and live run: information sets, fills, live == backtest."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from stratops.core.backtest.session import SessionResult, decision_on, prepare, step_session
from stratops.core.broker import PortfolioState
from stratops.core.errors import UserError
from stratops.core.marketdata.frames import MarketData
from stratops.core.resource import TradingStrategySpec
from stratops.core.strategies.registry import build_strategy

from .builders import SMALL, market, random_market, spec


def replay(
    data: MarketData, s: TradingStrategySpec, days: list[dt.date]
) -> tuple[list[SessionResult], list[PortfolioState]]:
    """The backtest loop by hand: results and the state before each session."""
    strategy = build_strategy(s)
    prepared = prepare(strategy, s, data)
    state = PortfolioState.initial(s.initial_capital)
    results, before = [], []
    for d in days:
        before.append(state)
        result = step_session(strategy, s, data, d, state, prepared)
        results.append(result)
        state = result.portfolio
    return results, before


def same_trading(a: SessionResult, b: SessionResult) -> None:
    assert a.decision == b.decision
    assert a.fills == b.fills
    assert a.portfolio == b.portfolio


def days_of(data: MarketData, first: int = 0) -> list[dt.date]:
    return list(data.bars["QQQ"].index[first:].date)


def poisoned(data: MarketData, after: pd.Timestamp, close_of_day: bool) -> MarketData:
    """Garbage in every bar after `after` (and in the close/volume of `after` itself if asked)."""
    rng = np.random.default_rng(99)
    frames = {}
    for symbol, frame in data.bars.items():
        f = frame.copy()
        late = f.index > after
        for col in ("open", "high", "low", "close"):
            f.loc[late, col] = f.loc[late, col] * rng.uniform(0.3, 3.0, late.sum())
        f.loc[late, "volume"] = rng.uniform(1, 1e9, late.sum())
        if close_of_day and after in f.index:
            f.loc[after, ["close", "high", "low"]] = f.loc[after, "close"] * 7.0
            f.loc[after, "volume"] = 1.0
        frames[symbol] = f
    return market(frames)


@pytest.mark.parametrize("timing", ["close", "open"])
def test_decisions_and_fills_ignore_what_the_timing_may_not_see(timing: str) -> None:
    data = random_market(260, seed=21)
    s = spec(parameters=SMALL, timing=timing)
    days = days_of(data, 25)
    clean, _ = replay(data, s, days)
    for cut in (40, 97, 150, 233):
        at = pd.Timestamp(days[cut])
        dirty, _ = replay(poisoned(data, at, close_of_day=timing == "open"), s, days[: cut + 1])
        for a, b in zip(clean[: cut + 1], dirty, strict=True):
            same_trading(a, b)
        if timing == "close":
            assert dirty[-1].equity == clean[cut].equity


def test_open_timing_fills_at_the_open_and_marks_at_the_close() -> None:
    data = random_market(120, seed=2)
    s = spec(parameters=SMALL, timing="open")
    days = days_of(data)
    results, _ = replay(data, s, days)
    traded = next(r for r in results if r.fills)
    i = days.index(traded.session_date)
    fill = traded.fills[0]
    assert fill.reference_price == data.bars[fill.symbol]["open"].iloc[i]
    assert traded.decision is not None
    assert traded.decision.signal_date == days[i - 1]
    assert traded.marks[fill.symbol] == data.bars[fill.symbol]["close"].iloc[i]


def test_close_timing_decides_on_the_same_session() -> None:
    data = random_market(120, seed=2)
    s = spec(parameters=SMALL)
    results, _ = replay(data, s, days_of(data))
    first = next(r for r in results if r.decision is not None)
    assert first.decision is not None
    assert first.decision.signal_date == first.session_date
    assert first.session_date == days_of(data)[29]
    assert first.fills  # the first decision allocates fully


@pytest.mark.parametrize("timing", ["close", "open"])
def test_live_step_replays_to_the_same_session_as_the_backtest(timing: str) -> None:
    data = random_market(200, seed=8)
    s = spec("Hierarchical_Adaptive_v3_5d", SMALL, timing=timing)
    days = days_of(data, 20)
    results, before = replay(data, s, days)
    strategy = build_strategy(s)
    for k in (0, 11, 60, 120, len(days) - 1):
        live = step_session(strategy, s, data, days[k], before[k])
        assert live == results[k]
        assert decision_on(strategy, s, data, days[k]) == results[k].decision


def test_leveraged_leg_stays_cash_before_its_first_bar() -> None:
    data = random_market(200, seed=3, tqqq_start=80)
    s = spec(parameters=SMALL)
    results, _ = replay(data, s, days_of(data))
    first_tqqq = data.bars["TQQQ"].index[0].date()
    for r in results:
        if r.session_date < first_tqqq:
            assert "TQQQ" not in r.portfolio.positions
            assert all(f.symbol != "TQQQ" for f in r.fills)
    assert any("TQQQ" in r.portfolio.positions for r in results)


def test_signal_start_after_the_data_start() -> None:
    data = random_market(150, seed=4)
    days = days_of(data)
    s = spec(parameters=SMALL, signalStart=days[40].isoformat())
    results, _ = replay(data, s, days)
    first = next(r for r in results if r.decision is not None)
    assert first.session_date == days[40 + 29]


def test_a_session_is_stepped_once_and_must_exist() -> None:
    data = random_market(60)
    s = spec(parameters=SMALL)
    strategy = build_strategy(s)
    d = days_of(data)[50]
    state = step_session(strategy, s, data, d, PortfolioState.initial(1000)).portfolio
    with pytest.raises(UserError, match="already stepped"):
        step_session(strategy, s, data, d, state)
    with pytest.raises(UserError, match="not a session"):
        step_session(strategy, s, data, dt.date(2015, 1, 3), PortfolioState.initial(1000))


def test_missing_required_symbol_is_a_clear_error() -> None:
    data = random_market(60)
    s = spec(parameters=SMALL)
    only = market({k: v for k, v in data.bars.items() if k != "TMV"})
    with pytest.raises(UserError, match="lacks TMV"):
        prepare(build_strategy(s), s, only)


def test_open_timing_runs_before_the_close_is_known() -> None:
    """A run shortly after the open: today's bar has an open only; holdings marked at it."""
    data = random_market(120, seed=5)
    s = spec(parameters=SMALL, timing="open")
    days = days_of(data)
    results, before = replay(data, s, days)
    today = pd.Timestamp(days[-1])
    frames = {}
    for symbol, frame in data.bars.items():
        f = frame.copy()
        f.loc[today, ["high", "low", "close", "volume"]] = np.nan
        frames[symbol] = f
    partial = step_session(build_strategy(s), s, market(frames), days[-1], before[-1])
    same_trading(partial, results[-1])
    opens = {sym: data.bars[sym]["open"].iloc[-1] for sym in partial.portfolio.positions}
    assert partial.equity == pytest.approx(partial.portfolio.value(opens))
