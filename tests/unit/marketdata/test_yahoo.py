"""Yahoo provider through a fake transport that replays recorded-style responses (no network)."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stratops.core.errors import UserError
from stratops.core.marketdata import DataError, YahooProvider, fetch_market_data
from stratops.core.marketdata.yahoo import yfinance_transport

FIXTURES = Path(__file__).parents[2] / "fixtures" / "marketdata" / "yahoo"


class FakeYahooTransport:
    """Stands in for the HTTP layer: answers like `yfinance.download` from fixture files.

    Unknown tickers get an empty frame, as yfinance returns; `multi_level`
    mimics yfinance's default (Price, Ticker) column levels.
    """

    def __init__(self, directory: Path = FIXTURES, multi_level: bool = False) -> None:
        self.directory = directory
        self.multi_level = multi_level
        self.calls: list[tuple[str, date, date]] = []

    def __call__(self, symbol: str, start: date, end: date) -> pd.DataFrame:
        self.calls.append((symbol, start, end))
        path = self.directory / f"{symbol}.csv"
        if not path.exists():
            return pd.DataFrame()
        frame = pd.read_csv(path, index_col="Date", parse_dates=True)
        frame = frame.loc[pd.Timestamp(start) : pd.Timestamp(end)]
        if self.multi_level:
            frame.columns = pd.MultiIndex.from_product(
                [frame.columns, [symbol]], names=["Price", "Ticker"]
            )
        return frame


def _recorded(symbol: str) -> pd.DataFrame:
    return pd.read_csv(FIXTURES / f"{symbol}.csv", index_col="Date", parse_dates=True)


def test_fetch_converts_yahoo_columns() -> None:
    transport = FakeYahooTransport()
    frames = YahooProvider(transport).fetch(["QQQ", "TQQQ"], date(2024, 1, 1), date(2024, 2, 29))
    recorded = _recorded("QQQ")
    qqq = frames["QQQ"]
    assert list(qqq.columns) == ["open", "high", "low", "close", "adj_close", "volume"]
    assert len(qqq) == len(recorded)
    np.testing.assert_array_equal(qqq["adj_close"].to_numpy(), recorded["Adj Close"].to_numpy())
    np.testing.assert_array_equal(qqq["close"].to_numpy(), recorded["Close"].to_numpy())
    assert qqq["volume"].dtype == np.float64
    assert qqq.index.name == "date"
    assert transport.calls == [
        ("QQQ", date(2024, 1, 1), date(2024, 2, 29)),
        ("TQQQ", date(2024, 1, 1), date(2024, 2, 29)),
    ]


def test_end_date_is_inclusive_and_range_is_respected() -> None:
    frames = YahooProvider(FakeYahooTransport()).fetch(
        ["QQQ"], date(2024, 1, 10), date(2024, 1, 19)
    )
    index = frames["QQQ"].index
    assert (index[0], index[-1]) == (pd.Timestamp("2024-01-10"), pd.Timestamp("2024-01-19"))


def test_multi_level_columns_are_flattened() -> None:
    flat = YahooProvider(FakeYahooTransport()).fetch(["TQQQ"], date(2024, 1, 1), date(2024, 2, 29))
    multi = YahooProvider(FakeYahooTransport(multi_level=True)).fetch(
        ["TQQQ"], date(2024, 1, 1), date(2024, 2, 29)
    )
    pd.testing.assert_frame_equal(flat["TQQQ"], multi["TQQQ"])


def test_unknown_ticker_is_bad_data() -> None:
    with pytest.raises(DataError, match="NOPE: Yahoo returned no rows") as caught:
        YahooProvider(FakeYahooTransport()).fetch(["NOPE"], date(2024, 1, 1), date(2024, 2, 1))
    assert caught.value.reason == "bad_data"


def test_bad_rows_from_yahoo_are_refused_by_the_common_validation(tmp_path: Path) -> None:
    recorded = _recorded("QQQ")
    recorded.loc["2024-01-05", "Close"] = np.nan
    recorded.to_csv(tmp_path / "QQQ.csv")
    with pytest.raises(DataError, match="QQQ: row 2024-01-05: close is NaN"):
        YahooProvider(FakeYahooTransport(tmp_path)).fetch(
            ["QQQ"], date(2024, 1, 1), date(2024, 2, 1)
        )


def test_market_data_from_yahoo_is_not_synthetic() -> None:
    data = fetch_market_data(
        YahooProvider(FakeYahooTransport()), ["QQQ"], date(2024, 1, 1), date(2024, 2, 1)
    )
    assert (data.provider, data.synthetic) == ("yahoo", False)
    assert list(data.bars["QQQ"].columns) == ["open", "high", "low", "close", "volume"]


@pytest.mark.skipif(
    importlib.util.find_spec("yfinance") is not None, reason="yfinance is installed"
)
def test_missing_yfinance_is_a_clear_error() -> None:
    with pytest.raises(UserError, match=r"pip install 'stratops\[yahoo\]'"):
        yfinance_transport("QQQ", date(2024, 1, 1), date(2024, 1, 5))
