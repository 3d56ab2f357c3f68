"""Is the data recent and complete enough to trade on?

Validation says whether bars are well-formed; this module says whether they
are *current* (the last bar reaches the session a run expects) and *whole*
(no NYSE session missing between a symbol's first and last bar). The runner
refuses to trade otherwise; `stratops data show` reports the same verdicts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from stratops.core.marketdata.calendar import Timing, last_completed_session, sessions
from stratops.core.marketdata.errors import DataError
from stratops.core.marketdata.frames import MarketData


@dataclass(frozen=True)
class SymbolStatus:
    """One symbol's coverage measured against the NYSE calendar."""

    symbol: str
    rows: int
    first_bar: date
    last_bar: date
    expected: date
    missing_sessions: int
    first_missing: date | None

    @property
    def fresh(self) -> bool:
        return self.last_bar >= self.expected

    @property
    def freshness(self) -> str:
        """`fresh`, or `stale: last bar 2025-12-31, expected 2026-11-25`."""
        if self.fresh:
            return "fresh"
        return f"stale: last bar {self.last_bar}, expected {self.expected}"


def symbol_status(symbol: str, bars: pd.DataFrame, expected: date) -> SymbolStatus:
    """Coverage of one frame: last bar vs `expected`, sessions without a bar inside its range."""
    index = pd.DatetimeIndex(bars.index)
    calendar = sessions(index[0], index[-1])
    missing = calendar.difference(index)
    return SymbolStatus(
        symbol=symbol,
        rows=len(index),
        first_bar=index[0].date(),
        last_bar=index[-1].date(),
        expected=expected,
        missing_sessions=len(missing),
        first_missing=missing[0].date() if len(missing) else None,
    )


def data_status(
    data: MarketData, now: datetime | None = None, timing: Timing = "close"
) -> list[SymbolStatus]:
    """Every symbol's status against the last session completed at `now` (default: now)."""
    expected = last_completed_session(now, timing)
    return [symbol_status(s, data.bars[s], expected) for s in data.symbols]


def require_fresh(data: MarketData, session: date, symbols: Sequence[str] | None = None) -> None:
    """Refuse (stale_data) when a symbol's last bar is older than `session`."""
    for symbol in symbols or data.symbols:
        last = pd.DatetimeIndex(data.bars[symbol].index)[-1].date()
        if last < session:
            raise DataError(f"{symbol}: stale: last bar {last}, expected {session}", "stale_data")


def calendar_mismatch(index: pd.DatetimeIndex) -> tuple[pd.DatetimeIndex, pd.DatetimeIndex]:
    """(bars on days that are not NYSE sessions, sessions without a bar) from first to last bar."""
    calendar = sessions(index[0], index[-1])
    return index.difference(calendar), calendar.difference(index)


def require_complete(data: MarketData, symbols: Sequence[str] | None = None) -> None:
    """Refuse (bad_data) a symbol that misses an NYSE session or has a bar on a non-session day."""
    for symbol in symbols or data.symbols:
        extra, missing = calendar_mismatch(pd.DatetimeIndex(data.bars[symbol].index))
        if len(extra):
            raise DataError(f"{symbol}: row {extra[0]:%Y-%m-%d}: not an NYSE session")
        if len(missing):
            raise DataError(
                f"{symbol}: {len(missing)} NYSE session(s) missing, first {missing[0]:%Y-%m-%d}"
            )
