"""The one check every frame passes before anything trades on it.

Every provider and the cache reader call `validate_bars`, so a bad bar is
refused in the same words wherever it came from: the symbol, the first bad
row's date and the rule it broke (`QQQ: row 2024-03-05: close is NaN`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import cast

import numpy as np
import pandas as pd

from stratops.core.marketdata.errors import DataError
from stratops.core.marketdata.frames import BAR_COLUMNS, FILE_COLUMNS

PRICE_COLUMNS = ("open", "high", "low", "close", "adj_close")
OHLC_TOLERANCE = 1e-6
"""Relative slack for the high/low rules: sources round prices, so a high may sit a hair low."""

_Rule = tuple[np.ndarray, Callable[[int], str]]


def validate_bars(symbol: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Return `frame` in the bar-frame convention, or raise `DataError` naming the first bad row.

    Keeps `adj_close` when present; column order follows `FILE_COLUMNS`.
    """
    bars = _normalise(symbol, frame)
    problem = _first_problem(bars)
    if problem is not None:
        position, rule = problem
        label = _row_label(cast(pd.DatetimeIndex, bars.index), position)
        raise DataError(f"{symbol}: row {label}: {rule}")
    return bars


def _normalise(symbol: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Coerce to the convention (columns, float64, tz-naive midnight index); judge nothing yet."""
    if frame.empty:
        raise DataError(f"{symbol}: no rows")
    missing = [c for c in BAR_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(f"{symbol}: missing column(s) {', '.join(missing)}")
    if not isinstance(frame.index, pd.DatetimeIndex):
        raise DataError(f"{symbol}: index is not a date index")
    columns = [c for c in FILE_COLUMNS if c in frame.columns]
    bars = frame if list(frame.columns) == columns else frame.reindex(columns=columns)
    if any(dtype != np.float64 for dtype in bars.dtypes):
        try:
            bars = bars.astype("float64")
        except (TypeError, ValueError) as exc:
            raise DataError(f"{symbol}: non-numeric values ({exc})") from None
    index = frame.index
    if index.tz is not None:
        index = index.tz_localize(None)
    bars = bars.set_axis(index.normalize().as_unit("ns").rename("date"), axis=0)
    return bars.rename_axis(columns=None)


def _first_problem(bars: pd.DataFrame) -> tuple[int, str] | None:
    """The earliest offending row and its rule; on a tie the rule listed first wins."""
    best: tuple[int, str] | None = None
    for mask, describe in _rules(bars):
        hits = np.flatnonzero(mask)
        if hits.size and (best is None or hits[0] < best[0]):
            best = (int(hits[0]), describe(int(hits[0])))
    return best


def _rules(bars: pd.DataFrame) -> Iterator[_Rule]:
    yield from _date_rules(cast(pd.DatetimeIndex, bars.index))
    values = {str(c): bars[c].to_numpy() for c in bars.columns}
    for column, v in values.items():
        yield from _value_rules(column, v)
    yield from _ohlc_rules(values)


def _value_rules(column: str, v: np.ndarray) -> Iterator[_Rule]:
    yield np.isnan(v), lambda i: f"{column} is NaN"
    yield np.isinf(v), lambda i: f"{column} is infinite"
    if column in PRICE_COLUMNS:
        yield v <= 0, lambda i: f"{column} is not positive ({v[i]:g})"
    if column == "volume":
        yield v < 0, lambda i: f"volume is negative ({v[i]:g})"


def _date_rules(index: pd.DatetimeIndex) -> Iterator[_Rule]:
    yield np.asarray(index.isna()), lambda i: "date is missing"
    step = np.ones(len(index), dtype=np.int64)
    step[1:] = np.diff(index.asi8)
    yield step == 0, lambda i: "duplicate date"
    yield step < 0, lambda i: f"date out of order (previous row {index[i - 1]:%Y-%m-%d})"


def _ohlc_rules(values: dict[str, np.ndarray]) -> Iterator[_Rule]:
    o, h, low, c = values["open"], values["high"], values["low"], values["close"]
    top = np.maximum(o, c)
    bottom = np.minimum(o, c)
    yield (
        h < top * (1 - OHLC_TOLERANCE),
        lambda i: f"high {h[i]:g} below max(open, close) {top[i]:g}",
    )
    yield (
        low > bottom * (1 + OHLC_TOLERANCE),
        lambda i: f"low {low[i]:g} above min(open, close) {bottom[i]:g}",
    )


def _row_label(index: pd.DatetimeIndex, position: int) -> str:
    stamp = index[position]
    return f"#{position + 1}" if pd.isna(stamp) else f"{stamp:%Y-%m-%d}"
