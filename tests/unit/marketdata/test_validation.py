"""validate_bars: every rule refuses a bad row by symbol, date and rule; good data passes."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from stratops.core.errors import UserError
from stratops.core.marketdata import DataError, validate_bars

Row = tuple[str, float, float, float, float, float]
GOOD: list[Row] = [
    ("2024-03-04", 10.0, 11.0, 9.5, 10.5, 1000.0),
    ("2024-03-05", 10.5, 10.8, 10.1, 10.2, 1200.0),
    ("2024-03-06", 10.2, 10.4, 9.9, 10.0, 900.0),
]


def bars_frame(rows: list[Row]) -> pd.DataFrame:
    """A hand-written bar frame: (date, open, high, low, close, volume) per row."""
    index = pd.DatetimeIndex([pd.Timestamp(r[0]) for r in rows], name="date")
    columns = ["open", "high", "low", "close", "volume"]
    return pd.DataFrame([r[1:] for r in rows], columns=columns, index=index)


def _with(row: int, **changes: float) -> list[Row]:
    """GOOD with some fields of one row replaced."""
    names = ("open", "high", "low", "close", "volume")
    rows = list(GOOD)
    values = [changes.get(name, rows[row][1 + i]) for i, name in enumerate(names)]
    rows[row] = (rows[row][0], *values)  # type: ignore[assignment]
    return rows


def test_good_bars_pass_and_are_normalised() -> None:
    frame = bars_frame(GOOD)
    frame.index = frame.index.tz_localize("America/New_York") + pd.Timedelta(hours=16)
    frame["volume"] = frame["volume"].astype("int64")
    bars = validate_bars("QQQ", frame)
    assert list(bars.columns) == ["open", "high", "low", "close", "volume"]
    assert all(dtype == np.float64 for dtype in bars.dtypes)
    assert bars.index.name == "date"
    assert bars.index.tz is None
    assert list(bars.index.strftime("%Y-%m-%d")) == ["2024-03-04", "2024-03-05", "2024-03-06"]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (_with(1, close=math.nan), "QQQ: row 2024-03-05: close is NaN"),
        (_with(2, volume=math.nan), "QQQ: row 2024-03-06: volume is NaN"),
        (_with(1, high=math.inf), "QQQ: row 2024-03-05: high is infinite"),
        (_with(1, low=0.0), "QQQ: row 2024-03-05: low is not positive (0)"),
        (_with(0, open=-1.0), "QQQ: row 2024-03-04: open is not positive (-1)"),
        (_with(1, high=10.4), "QQQ: row 2024-03-05: high 10.4 below max(open, close) 10.5"),
        (_with(2, low=10.1), "QQQ: row 2024-03-06: low 10.1 above min(open, close) 10"),
        (_with(1, volume=-5.0), "QQQ: row 2024-03-05: volume is negative (-5)"),
    ],
)
def test_each_rule_names_symbol_row_and_rule(rows: list[Row], message: str) -> None:
    with pytest.raises(DataError) as caught:
        validate_bars("QQQ", bars_frame(rows))
    assert str(caught.value) == message
    assert caught.value.reason == "bad_data"


def test_duplicate_and_unordered_dates_are_refused() -> None:
    duplicate = [GOOD[0], GOOD[1], (GOOD[1][0], *GOOD[2][1:])]
    with pytest.raises(DataError, match=r"^TLT: row 2024-03-05: duplicate date$"):
        validate_bars("TLT", bars_frame(duplicate))
    unordered = [GOOD[0], GOOD[2], GOOD[1]]
    with pytest.raises(
        DataError, match=r"row 2024-03-05: date out of order \(previous row 2024-03-06\)"
    ):
        validate_bars("TLT", bars_frame(unordered))


def test_first_bad_row_is_reported() -> None:
    rows = _with(2, close=math.nan)
    rows[1] = _with(1, volume=-1.0)[1]
    with pytest.raises(DataError, match="row 2024-03-05: volume is negative"):
        validate_bars("QQQ", bars_frame(rows))


def test_float_noise_on_high_and_low_is_tolerated() -> None:
    rows = _with(1, high=10.5 * (1 - 1e-9), low=10.2 * (1 + 1e-9))
    assert len(validate_bars("QQQ", bars_frame(rows))) == 3


def test_missing_columns_and_empty_frames_are_refused() -> None:
    with pytest.raises(DataError, match="QQQ: missing column\\(s\\) volume"):
        validate_bars("QQQ", bars_frame(GOOD).drop(columns="volume"))
    with pytest.raises(DataError, match="QQQ: no rows"):
        validate_bars("QQQ", bars_frame(GOOD).iloc[:0])


def test_adj_close_is_kept_and_checked() -> None:
    frame = bars_frame(GOOD).assign(adj_close=[10.4, 10.1, -9.9])
    with pytest.raises(DataError, match="row 2024-03-06: adj_close is not positive"):
        validate_bars("QQQ", frame)
    kept = validate_bars("QQQ", bars_frame(GOOD).assign(adj_close=[10.4, 10.1, 9.9]))
    assert list(kept.columns) == ["open", "high", "low", "close", "adj_close", "volume"]


def test_data_error_is_a_user_error_with_reason_and_exit_code() -> None:
    bad = DataError("x", "bad_data")
    stale = DataError("y", "stale_data")
    assert isinstance(bad, UserError)
    assert (bad.reason, bad.exit_code) == ("bad_data", 1)
    assert (stale.reason, stale.exit_code) == ("stale_data", 3)
