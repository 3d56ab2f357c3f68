"""A directory of per-symbol files (`SYMBOL.csv` or `SYMBOL.parquet`) as a data source.

The cache uses the same CSV layout, so a cache directory is also a valid data
directory, and copying real downloads into a folder is all it takes to feed
the engine real data.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

import pandas as pd

from stratops.core.marketdata.errors import DataError
from stratops.core.marketdata.fileformat import decode_csv, read_parquet

SUFFIXES = (".csv", ".parquet")


def symbol_files(path: Path) -> dict[str, Path]:
    """Map each symbol to its file; hidden files (temporary writes, the lock) are not symbols."""
    if not path.is_dir():
        raise DataError(f"{path}: no such data directory")
    files: dict[str, Path] = {}
    for candidate in sorted(path.iterdir()):
        if candidate.name.startswith(".") or candidate.suffix not in SUFFIXES:
            continue
        if candidate.stem in files:
            raise DataError(
                f"{candidate.stem}: both {files[candidate.stem].name} and {candidate.name}"
            )
        files[candidate.stem] = candidate
    return files


def pick(files: Mapping[str, object], symbols: Sequence[str] | None, source: str) -> list[str]:
    """The requested symbols, or all; an unknown one is bad data that names it."""
    if symbols is None:
        return sorted(files)
    unknown = [s for s in symbols if s not in files]
    if unknown:
        have = ", ".join(sorted(files)) or "none"
        raise DataError(f"{', '.join(unknown)}: no such symbol in {source} (has {have})")
    return list(dict.fromkeys(symbols))


def read_symbol_file(symbol: str, path: Path, data: bytes | None = None) -> pd.DataFrame:
    """Read and validate one file; `data` passes bytes already read (and hashed) by the caller."""
    if path.suffix == ".parquet":
        return read_parquet(symbol, path if data is None else io.BytesIO(data))
    return decode_csv(symbol, path.read_bytes() if data is None else data)


def between(frame: pd.DataFrame, start: date | None, end: date | None) -> pd.DataFrame:
    """Rows with `start <= date <= end` (either bound optional)."""
    lower = pd.Timestamp(start) if start is not None else None
    upper = pd.Timestamp(end) if end is not None else None
    return frame.loc[lower:upper]


class DirectoryProvider:
    """Reads `SYMBOL.csv` / `SYMBOL.parquet` files from one folder."""

    name = "dir"
    synthetic = False

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    def fetch(
        self, symbols: Sequence[str], start: date | None = None, end: date | None = None
    ) -> dict[str, pd.DataFrame]:
        files = symbol_files(self.path)
        frames = {}
        for symbol in pick(files, symbols, str(self.path)):
            frame = between(read_symbol_file(symbol, files[symbol]), start, end)
            if frame.empty:
                raise DataError(f"{symbol}: no rows between {start} and {end} in {self.path}")
            frames[symbol] = frame
        return frames
