"""The synthetic generator: deterministic, NYSE sessions only, funds tied to daily returns."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from stratops.core.marketdata import (
    DataError,
    SyntheticProvider,
    fetch_market_data,
    sessions,
    validate_bars,
)
from stratops.core.marketdata.synthetic import DERIVED, generate

SIX = ["QQQ", "TQQQ", "PSQ", "TLT", "TMF", "TMV"]
END = date(2024, 12, 31)


@pytest.fixture(scope="module")
def universe() -> dict[str, pd.DataFrame]:
    return SyntheticProvider(seed=7, end=END).fetch(SIX)


def test_same_seed_same_data_other_seed_other_data(universe: dict[str, pd.DataFrame]) -> None:
    generate.cache_clear()
    again = SyntheticProvider(seed=7, end=END).fetch(SIX)
    other = SyntheticProvider(seed=8, end=END).fetch(SIX)
    for symbol in SIX:
        pd.testing.assert_frame_equal(universe[symbol], again[symbol])
        assert not np.allclose(universe[symbol]["close"], other[symbol]["close"])


def test_history_does_not_depend_on_the_end_date(universe: dict[str, pd.DataFrame]) -> None:
    shorter = SyntheticProvider(seed=7).fetch(SIX, end=date(2015, 6, 30))
    for symbol in SIX:
        pd.testing.assert_frame_equal(shorter[symbol], universe[symbol].loc[:"2015-06-30"])


def test_every_series_passes_validation(universe: dict[str, pd.DataFrame]) -> None:
    for symbol, frame in universe.items():
        pd.testing.assert_frame_equal(validate_bars(symbol, frame), frame)
        assert (frame["high"] >= frame[["open", "close"]].max(axis=1)).all()
        assert (frame["low"] <= frame[["open", "close"]].min(axis=1)).all()


def test_bars_fall_on_nyse_sessions_only(universe: dict[str, pd.DataFrame]) -> None:
    calendar = sessions("2005-01-03", END)
    qqq = universe["QQQ"].index
    assert qqq.equals(pd.DatetimeIndex(calendar, name="date"))
    assert pd.Timestamp("2024-12-25") not in qqq
    assert pd.Timestamp("2024-11-29") in qqq
    for frame in universe.values():
        assert frame.index.isin(calendar).all()


def test_funds_start_on_their_real_first_day(universe: dict[str, pd.DataFrame]) -> None:
    assert universe["TQQQ"].index[0] == pd.Timestamp("2010-02-11")
    assert universe["QQQ"].index[0] == pd.Timestamp("2005-01-03")
    assert universe["TMF"].index[0] == pd.Timestamp("2009-04-16")


@pytest.mark.parametrize("symbol", ["TQQQ", "PSQ", "TMF", "TMV"])
def test_derived_funds_follow_leveraged_daily_returns(
    universe: dict[str, pd.DataFrame], symbol: str
) -> None:
    fund = DERIVED[symbol]
    derived = universe[symbol]["close"].pct_change().iloc[1:]
    base = universe[fund.underlying]["close"].pct_change().reindex(derived.index)
    expected = fund.leverage * base - fund.annual_drag / 252
    assert np.abs(derived - expected).max() < 2e-6
    assert np.corrcoef(derived, base)[0, 1] * np.sign(fund.leverage) > 0.999


def test_index_looks_like_an_equity_index(universe: dict[str, pd.DataFrame]) -> None:
    close = universe["QQQ"]["close"]
    returns = np.log(close).diff().dropna()
    annual_vol = returns.std() * np.sqrt(252)
    max_drawdown = (close / close.cummax() - 1).min()
    clustering = returns.abs().autocorr(lag=1)
    assert 0.12 < annual_vol < 0.30
    assert -0.75 < max_drawdown < -0.25
    assert clustering > 0.1
    assert returns.abs().max() < 0.2
    volume = universe["QQQ"]["volume"]
    assert (volume > 0).all()
    assert volume.std() / volume.mean() > 0.2


def test_bonds_hedge_the_index_in_sell_offs(universe: dict[str, pd.DataFrame]) -> None:
    qqq = universe["QQQ"]["close"].pct_change()
    tlt = universe["TLT"]["close"].pct_change()
    worst = qqq.nsmallest(100).index
    assert tlt[worst].mean() > 0


def test_range_and_symbols_are_honoured() -> None:
    frames = SyntheticProvider(seed=3).fetch(["TLT"], date(2020, 3, 2), date(2020, 3, 31))
    assert list(frames) == ["TLT"]
    assert frames["TLT"].index[0] == pd.Timestamp("2020-03-02")
    assert frames["TLT"].index[-1] == pd.Timestamp("2020-03-31")


def test_unknown_symbol_is_named() -> None:
    with pytest.raises(DataError, match="SPY: no such symbol in the synthetic provider"):
        SyntheticProvider(seed=3).fetch(["QQQ", "SPY"], end=date(2010, 1, 1))


def test_market_data_is_labelled_synthetic() -> None:
    data = fetch_market_data(SyntheticProvider(seed=3), ["QQQ"], end=date(2010, 1, 1))
    assert data.synthetic is True
    assert data.provider == "synthetic"
    assert list(data.bars["QQQ"].columns) == ["open", "high", "low", "close", "volume"]


def test_a_fund_has_no_bars_before_its_first_day() -> None:
    with pytest.raises(DataError, match="TQQQ: no synthetic bars"):
        SyntheticProvider(seed=3).fetch(["TQQQ"], end=date(2010, 1, 1))
