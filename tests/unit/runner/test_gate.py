"""The data gate: which bars each timing needs on day D, and which reason a refusal carries."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from stratops.core.marketdata.calendar import sessions
from stratops.core.marketdata.errors import DataError
from stratops.core.marketdata.frames import MarketData
from stratops.runner.gate import check_market_data

D = dt.date(2025, 10, 8)  # a Wednesday
BEFORE = dt.date(2025, 10, 7)


def _bars(start: str, end: str, drop: tuple[str, ...] = ()) -> pd.DataFrame:
    index = sessions(start, end).drop(pd.DatetimeIndex(list(drop)))
    values = np.linspace(100.0, 110.0, len(index))
    return pd.DataFrame(
        {"open": values, "high": values, "low": values, "close": values, "volume": 1e6},
        index=index,
    )


def _data(**bars: pd.DataFrame) -> MarketData:
    return MarketData(bars=bars, snapshot_id="s", provider="test")


def _refusal(data: MarketData, timing: str, symbols: tuple[str, ...] = ("QQQ",)) -> DataError:
    with pytest.raises(DataError) as caught:
        check_market_data(data, symbols, timing, D)  # type: ignore[arg-type]
    return caught.value


@pytest.mark.parametrize("timing", ["close", "open"])
def test_the_bar_of_d_is_enough_for_both_timings(timing: str) -> None:
    check_market_data(_data(QQQ=_bars("2025-09-01", "2025-10-08")), ["QQQ"], timing, D)  # type: ignore[arg-type]


@pytest.mark.parametrize("timing", ["close", "open"])
def test_bars_after_d_do_not_matter(timing: str) -> None:
    check_market_data(_data(QQQ=_bars("2025-09-01", "2025-12-31")), ["QQQ"], timing, D)  # type: ignore[arg-type]


def test_close_timing_without_the_bar_of_d_is_stale() -> None:
    error = _refusal(_data(QQQ=_bars("2025-09-01", "2025-10-07")), "close")
    assert error.reason == "stale_data"
    assert "last bar 2025-10-07, timing close needs the bar of 2025-10-08" in str(error)


def test_open_timing_names_both_needs() -> None:
    error = _refusal(_data(QQQ=_bars("2025-09-01", "2025-10-06")), "open")
    assert error.reason == "stale_data"
    assert f"closes through {BEFORE} and the open of {D}" in str(error)


def test_a_missing_session_before_d_is_bad_data() -> None:
    error = _refusal(_data(QQQ=_bars("2025-09-01", "2025-10-08", drop=("2025-09-15",))), "close")
    assert error.reason == "bad_data"
    assert "1 NYSE session(s) without a bar, first 2025-09-15" in str(error)


def test_a_gap_after_d_does_not_block_d() -> None:
    gappy_later = _bars("2025-09-01", "2025-12-31", drop=("2025-11-03",))
    check_market_data(_data(QQQ=gappy_later), ["QQQ"], "close", D)


def test_a_bar_on_a_holiday_is_bad_data() -> None:
    frame = _bars("2025-09-01", "2025-10-08")
    frame.loc[pd.Timestamp("2025-09-01")] = frame.iloc[0]  # Labor Day
    error = _refusal(_data(QQQ=frame.sort_index()), "close")
    assert (error.reason, "2025-09-01, which is not an NYSE session" in str(error)) == (
        "bad_data",
        True,
    )


def test_an_unknown_symbol_is_bad_data() -> None:
    error = _refusal(_data(QQQ=_bars("2025-09-01", "2025-10-08")), "close", ("QQQ", "UPRO"))
    assert error.reason == "bad_data"
    assert "UPRO: not in the market data (has QQQ)" in str(error)


def test_a_fund_not_listed_yet_is_not_required() -> None:
    data = _data(QQQ=_bars("2025-09-01", "2025-10-08"), NEWF=_bars("2025-11-03", "2025-12-31"))
    check_market_data(data, ["QQQ", "NEWF"], "open", D)


def test_every_required_symbol_is_checked() -> None:
    data = _data(QQQ=_bars("2025-09-01", "2025-10-08"), TLT=_bars("2025-09-01", "2025-10-03"))
    error = _refusal(data, "close", ("QQQ", "TLT"))
    assert str(error).startswith("TLT: stale")
