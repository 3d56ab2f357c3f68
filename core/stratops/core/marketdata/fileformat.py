"""The per-symbol file format shared by data directories and the cache.

`SYMBOL.csv` with header `date,open,high,low,close,adj_close,volume`, one row
per session. Encoding is deterministic (same frame, same bytes), which is what
lets a snapshot id computed in memory equal the one computed from files.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from stratops.core.errors import UserError
from stratops.core.marketdata.errors import DataError
from stratops.core.marketdata.frames import BAR_COLUMNS, FILE_COLUMNS
from stratops.core.marketdata.validation import validate_bars

CSV_HEADER = ("date", *FILE_COLUMNS)
SNAPSHOT_ID_LENGTH = 16
SYMBOL_PATTERN = re.compile(r"[A-Za-z0-9^][A-Za-z0-9._^=-]{0,31}")
_FLOAT_DTYPES = dict.fromkeys(FILE_COLUMNS, "float64")
"""Explicit dtypes keep parsing fast and make an integer volume column float64 like every other."""


def check_symbol(symbol: str) -> str:
    """Return `symbol` if it is safe as a file name (a ticker such as `QQQ`, `BRK-B`, `^VIX`)."""
    if not SYMBOL_PATTERN.fullmatch(symbol):
        raise UserError(f"{symbol!r} is not a valid symbol (letters, digits and . _ ^ = -)")
    return symbol


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def snapshot_id(file_hashes: Mapping[str, str]) -> str:
    """A short id for a set of files: the hash of their sorted `SYMBOL sha256` lines."""
    lines = "".join(f"{symbol} {file_hashes[symbol]}\n" for symbol in sorted(file_hashes))
    return sha256_hex(lines.encode())[:SNAPSHOT_ID_LENGTH]


def with_adj_close(frame: pd.DataFrame) -> pd.DataFrame:
    """Fill a missing `adj_close` with `close`: the right value when no dividends are known."""
    if "adj_close" not in frame.columns:
        frame = frame.assign(adj_close=frame["close"])
    if list(frame.columns) == list(FILE_COLUMNS):
        return frame
    return frame.reindex(columns=list(FILE_COLUMNS))


def encode_csv(frame: pd.DataFrame) -> bytes:
    """Serialise a validated provider frame; integral volumes are written without `.0`."""
    out = with_adj_close(frame)
    volume = out["volume"].to_numpy()
    if np.all(volume == np.round(volume)) and np.all(np.abs(volume) < 2**53):
        out = out.assign(volume=volume.astype(np.int64))
    text: str = out.to_csv(index_label="date", date_format="%Y-%m-%d", lineterminator="\n")
    return text.encode()


def decode_csv(symbol: str, data: bytes) -> pd.DataFrame:
    """Parse and validate one symbol's CSV bytes into a provider frame (with `adj_close`)."""
    header = data.split(b"\n", 1)[0].decode(errors="replace").strip().split(",")
    missing = [c for c in ("date", *BAR_COLUMNS) if c not in header]
    if missing:
        raise DataError(f"{symbol}: missing column(s) {', '.join(missing)}")
    columns = [c for c in CSV_HEADER if c in header]
    try:
        raw = pd.read_csv(io.BytesIO(data), usecols=columns, dtype=_FLOAT_DTYPES)
    except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"{symbol}: unreadable CSV ({_first_line(exc)})") from None
    raw.index = _parse_dates(symbol, raw.pop("date"))
    return validate_bars(symbol, with_adj_close(raw))


def _parse_dates(symbol: str, column: pd.Series) -> pd.DatetimeIndex:
    dates = pd.DatetimeIndex(
        pd.to_datetime(column, format="%Y-%m-%d", errors="coerce"), name="date"
    )
    bad = np.flatnonzero(dates.isna())
    if bad.size:
        raise DataError(
            f"{symbol}: row #{bad[0] + 1}: date {column.iloc[bad[0]]!r} is not YYYY-MM-DD"
        )
    return dates


def read_parquet(symbol: str, source: Path | io.BytesIO) -> pd.DataFrame:
    """Read `SYMBOL.parquet` (pyarrow is the optional `parquet` extra, imported only here)."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise UserError(
            f"{symbol}.parquet: reading Parquet needs pyarrow: pip install 'stratops[parquet]'"
        ) from None
    frame: pd.DataFrame = pq.read_table(source).to_pandas()
    if "date" in frame.columns:
        frame = frame.set_index("date")
    frame.index = pd.DatetimeIndex(frame.index)
    return validate_bars(symbol, with_adj_close(frame))


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
