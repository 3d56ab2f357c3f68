"""The data gate: refuse to trade day D unless the bars the timing needs are there and whole.

* timing `close` decides on D's closes and fills at them: every required
  symbol needs its bar for D.
* timing `open` decides on closes through the previous session and fills at
  D's open: every required symbol needs the previous session's bar and D's
  bar (for its open).

Only bars dated <= D are judged, so a replay over old days accepts a cache
that has since grown. A symbol whose first bar is after D (a fund not yet
listed) is not required on D; the strategy keeps that slice in cash. A
session missing inside a symbol's history is `bad_data`; history that ends
too early is `stale_data`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from stratops.core.marketdata.calendar import Timing, previous_session
from stratops.core.marketdata.errors import DataError
from stratops.core.marketdata.frames import MarketData
from stratops.core.marketdata.freshness import calendar_mismatch


def check_market_data(
    data: MarketData, symbols: Sequence[str], timing: Timing, day: dt.date
) -> None:
    """Raise DataError (reason bad_data or stale_data) unless D can be traded on `data`."""
    missing = [s for s in symbols if s not in data.bars]
    if missing:
        have = ", ".join(data.symbols) or "none"
        raise DataError(f"{', '.join(missing)}: not in the market data (has {have})", "bad_data")
    for symbol in symbols:
        check_symbol(symbol, pd.DatetimeIndex(data.bars[symbol].index), timing, day)


def check_symbol(symbol: str, index: pd.DatetimeIndex, timing: Timing, day: dt.date) -> None:
    """One symbol's bars through D: no gap, and the last bar is the one the timing needs."""
    known = index[index <= pd.Timestamp(day)]
    if len(known) == 0:
        return  # not listed yet on D
    _require_whole(symbol, known)
    last = known[-1].date()
    if last == day:
        return
    if timing == "close":
        raise DataError(
            f"{symbol}: stale: last bar {last}, timing close needs the bar of {day}", "stale_data"
        )
    before = previous_session(day)
    needs = f"timing open needs closes through {before} and the open of {day}"
    raise DataError(f"{symbol}: stale: last bar {last}, {needs}", "stale_data")


def _require_whole(symbol: str, index: pd.DatetimeIndex) -> None:
    extra, gaps = calendar_mismatch(index)
    if len(extra):
        raise DataError(f"{symbol}: bar on {extra[0]:%Y-%m-%d}, which is not an NYSE session")
    if len(gaps):
        raise DataError(
            f"{symbol}: {len(gaps)} NYSE session(s) without a bar, first {gaps[0]:%Y-%m-%d}"
        )
