"""Yahoo Finance through yfinance, an optional extra (`pip install 'stratops[yahoo]'`).

The HTTP side is one replaceable callable, the transport, so that the
conversion and checks here run in tests against a recorded-style response
without network access; production uses `yfinance_transport`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta

import pandas as pd

from stratops.core.errors import UserError
from stratops.core.marketdata.directory import between
from stratops.core.marketdata.errors import DataError
from stratops.core.marketdata.fileformat import with_adj_close
from stratops.core.marketdata.validation import validate_bars

YahooTransport = Callable[[str, date, date], pd.DataFrame]
"""(symbol, first day, last day inclusive) -> a frame shaped like `yfinance.download`'s.

That shape: a `Date` index and columns `Open, High, Low, Close, Adj Close,
Volume`, possibly under a second column level naming the ticker.
"""

YAHOO_COLUMNS = {
    "Open": "open",
    "High": "high",
    "Low": "low",
    "Close": "close",
    "Adj Close": "adj_close",
    "Volume": "volume",
}
DEFAULT_START = date(2005, 1, 3)


def yfinance_transport(symbol: str, start: date, end: date) -> pd.DataFrame:
    """Download daily bars with yfinance: raw (split-adjusted) OHLC plus `Adj Close`."""
    try:
        import yfinance
    except ImportError:
        raise UserError(
            "the yahoo provider needs the optional extra: pip install 'stratops[yahoo]'"
        ) from None
    frame = yfinance.download(
        symbol,
        start=start.isoformat(),
        end=(end + timedelta(days=1)).isoformat(),  # yfinance's end is exclusive
        interval="1d",
        auto_adjust=False,
        actions=False,
        progress=False,
        threads=False,
        multi_level_index=False,
    )
    return frame if isinstance(frame, pd.DataFrame) else pd.DataFrame()


def from_yahoo_frame(symbol: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Convert a yfinance-shaped frame into a validated provider frame."""
    if frame.empty:
        raise DataError(f"{symbol}: Yahoo returned no rows")
    flat = _single_level(frame)
    missing = [name for name in YAHOO_COLUMNS if name not in flat.columns and name != "Adj Close"]
    if missing:
        raise DataError(f"{symbol}: Yahoo response lacks column(s) {', '.join(missing)}")
    present = [name for name in YAHOO_COLUMNS if name in flat.columns]
    bars = flat.loc[:, present].rename(columns=YAHOO_COLUMNS)
    bars.index = pd.DatetimeIndex(bars.index)
    return validate_bars(symbol, with_adj_close(bars))


def _single_level(frame: pd.DataFrame) -> pd.DataFrame:
    """Keep the price level of yfinance's (Price, Ticker) columns; one ticker per call."""
    if frame.columns.nlevels == 1:
        return frame
    for level in range(frame.columns.nlevels):
        if "Close" in frame.columns.get_level_values(level):
            return frame.set_axis(frame.columns.get_level_values(level), axis=1)
    return frame


class YahooProvider:
    """Daily bars from Yahoo Finance, one transport call per symbol."""

    name = "yahoo"
    synthetic = False

    def __init__(self, transport: YahooTransport | None = None) -> None:
        self.transport: YahooTransport = transport or yfinance_transport

    def fetch(
        self, symbols: Sequence[str], start: date | None = None, end: date | None = None
    ) -> dict[str, pd.DataFrame]:
        first, last = start or DEFAULT_START, end or date.today()
        return {symbol: self._one(symbol, first, last) for symbol in dict.fromkeys(symbols)}

    def _one(self, symbol: str, first: date, last: date) -> pd.DataFrame:
        frame = between(from_yahoo_frame(symbol, self.transport(symbol, first, last)), first, last)
        if frame.empty:
            raise DataError(f"{symbol}: Yahoo returned no rows between {first} and {last}")
        return frame
