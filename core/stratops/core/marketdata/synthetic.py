"""Deterministic synthetic market data: the bundled data of demos and tests.

An equity index (QQQ-like) follows a three-regime Markov chain (bull, bear,
crash) with GARCH-style volatility clusters and fat-tailed shocks, so it has
real drawdowns and calm stretches for a regime strategy to tell apart. A
Treasury series (TLT-like) drifts in multi-year trends and leans the other
way in sell-offs. Leveraged and inverse funds are derived from daily returns
with expense drag, from their real first trading days (TQQQ 2010-02-11), so
the "no data yet" path of a strategy is exercised. Every bar lands on an NYSE
session from 2005-01-03; history never depends on the requested range or end
date (each series draws from its own random stream), so a longer fetch
extends a shorter one instead of rewriting it.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from stratops.core.marketdata.calendar import sessions
from stratops.core.marketdata.directory import between, pick
from stratops.core.marketdata.errors import DataError
from stratops.core.marketdata.synthetic_paths import (
    BOND_VOLUME,
    EQUITY_VOLUME,
    BasePath,
    bond_path,
    equity_path,
)
from stratops.core.marketdata.validation import validate_bars

SYNTHETIC_START = date(2005, 1, 3)
DEFAULT_SEED = 7
TRADING_DAYS = 252
PRICE_DIGITS = 8


@dataclass(frozen=True)
class DerivedFund:
    """A fund that delivers `leverage` x the daily return of `underlying`, less `annual_drag`."""

    underlying: str
    leverage: float
    annual_drag: float
    inception: date
    first_close: float
    volume_base: float


DERIVED = {
    "TQQQ": DerivedFund("QQQ", 3.0, 0.0195, date(2010, 2, 11), 0.22, 40e6),
    "PSQ": DerivedFund("QQQ", -1.0, 0.0095, date(2006, 6, 21), 60.0, 2e6),
    "TMF": DerivedFund("TLT", 3.0, 0.0205, date(2009, 4, 16), 145.0, 1e6),
    "TMV": DerivedFund("TLT", -3.0, 0.0205, date(2009, 4, 16), 770.0, 3e5),
}
SYMBOLS = ("QQQ", "TLT", *DERIVED)
VOLUME_LEVEL = {"QQQ": EQUITY_VOLUME, "TLT": BOND_VOLUME}
_EMPTY = pd.DataFrame(index=pd.DatetimeIndex([], name="date"))


class SyntheticProvider:
    """Generated bars, labelled synthetic everywhere they go."""

    name = "synthetic"
    synthetic = True

    def __init__(self, seed: int = DEFAULT_SEED, end: date | None = None) -> None:
        self.seed = seed
        self.end = end

    def fetch(
        self, symbols: Sequence[str], start: date | None = None, end: date | None = None
    ) -> dict[str, pd.DataFrame]:
        last = end or self.end or date.today()
        universe = generate(self.seed, last)
        frames = {}
        for symbol in pick(dict.fromkeys(SYMBOLS), symbols, "the synthetic provider"):
            frame = between(universe.get(symbol, _EMPTY), start, last)
            if frame.empty:
                raise DataError(
                    f"{symbol}: no synthetic bars between {start or 'start'} and {last}"
                )
            frames[symbol] = frame.copy()
        return frames


@functools.lru_cache(maxsize=4)
def generate(seed: int, end: date) -> dict[str, pd.DataFrame]:
    """Every synthetic symbol from 2005-01-03 through `end`, validated (memoised: it is pure)."""
    days = sessions(SYNTHETIC_START, end)
    children = np.random.SeedSequence(seed).spawn(len(SYMBOLS))
    streams = [np.random.default_rng(child) for child in children]
    equity = equity_path(streams[0], len(days))
    bases = {"QQQ": equity, "TLT": bond_path(streams[1], equity)}
    frames = {symbol: _frame(days, path) for symbol, path in bases.items()}
    for offset, (symbol, fund) in enumerate(DERIVED.items()):
        if fund.inception > end:
            continue
        path = _derive(bases[fund.underlying], fund, days, streams[2 + offset])
        frames[symbol] = _frame(days[-len(path.close) :], path)
    return {symbol: validate_bars(symbol, frame) for symbol, frame in frames.items()}


def _derive(
    base: BasePath, fund: DerivedFund, days: pd.DatetimeIndex, rng: np.random.Generator
) -> BasePath:
    """Apply leverage to the underlying's daily moves from the fund's first day on."""
    first = int(days.searchsorted(pd.Timestamp(fund.inception)))
    k, drag = fund.leverage, fund.annual_drag / TRADING_DAYS
    prev = base.close[first - 1 : -1]
    day_return = base.close[first:] / prev - 1
    growth = np.maximum(1 + k * day_return - drag, 0.02)
    growth[0] = 1.0
    close = fund.first_close * np.cumprod(growth)
    prev_close = np.concatenate(([close[0]], close[:-1]))

    def lever(price: np.ndarray) -> np.ndarray:
        levered: np.ndarray = prev_close * np.maximum(1 + k * (price[first:] / prev - 1), 0.02)
        return levered

    up, down = lever(base.high), lever(base.low)
    high, low = (up, down) if k > 0 else (down, up)
    noise = np.exp(0.3 * rng.standard_normal(len(close)))
    volume = fund.volume_base * (base.volume[first:] / VOLUME_LEVEL[fund.underlying]) * noise
    return BasePath(lever(base.open), high, low, close, volume)


def _frame(days: pd.DatetimeIndex, path: BasePath) -> pd.DataFrame:
    """Round like a quote feed, then restore high >= max(open, close) >= min(open, close) >= low."""
    o, h, low, c = (_significant(x) for x in (path.open, path.high, path.low, path.close))
    h = np.maximum.reduce([h, o, c])
    low = np.minimum.reduce([low, o, c])
    frame = pd.DataFrame(
        {
            "open": o,
            "high": h,
            "low": low,
            "close": c,
            "adj_close": c,
            "volume": np.round(path.volume),
        },
        index=days,
    )
    frame.index.name = "date"
    return frame


def _significant(values: np.ndarray, digits: int = PRICE_DIGITS) -> np.ndarray:
    """Round each price to `digits` significant digits, row by row (so history never shifts).

    Dividing by an exact power of ten yields the double nearest the decimal,
    which keeps the CSV short (`41.234567`, not `41.23456700000001`).
    """
    exponent = np.clip(digits - 1 - np.floor(np.log10(values)), 0, 15)
    scale = 10.0**exponent
    return np.asarray(np.round(values * scale) / scale, dtype=np.float64)
