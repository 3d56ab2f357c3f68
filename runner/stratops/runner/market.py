"""Market data for one runner process: loaded at most once, for the union of symbols.

`run-all` serves every strategy (and every replayed day) from one load; the
number of loads is reported so a test can prove it. The load is lazy: a
rerun whose days are all done already never reads the data. A failed load is
remembered, so every strategy that needs the data fails with the same reason
instead of retrying it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from stratops.core.marketdata.cache import load_market_data, read_manifest
from stratops.core.marketdata.directory import symbol_files
from stratops.core.marketdata.errors import DataError
from stratops.core.marketdata.frames import MarketData
from stratops.core.marketdata.manifest import MANIFEST_NAME


class MarketDataSource:
    """The cache or data directory at `directory`, restricted to `wanted` symbols."""

    def __init__(self, directory: Path, wanted: Iterable[str]) -> None:
        self.directory = Path(directory)
        self.wanted = sorted(set(wanted))
        self.loads = 0
        self._data: MarketData | None = None
        self._error: DataError | None = None

    def get(self) -> MarketData:
        """The data, loading it on first use; DataError (bad_data / stale_data) if unusable."""
        if self._data is None and self._error is None:
            self.loads += 1
            try:
                self._data = self._load()
            except DataError as exc:
                self._error = exc
        if self._error is not None:
            raise self._error
        assert self._data is not None
        return self._data

    @property
    def snapshot_id(self) -> str | None:
        """The loaded data's snapshot id (None until loaded, or when the load failed)."""
        return self._data.snapshot_id if self._data is not None else None

    @property
    def synthetic(self) -> bool | None:
        return self._data.synthetic if self._data is not None else None

    def _load(self) -> MarketData:
        """Only symbols the source has: a strategy asking for one it lacks fails alone, later."""
        have = available_symbols(self.directory)
        present = [s for s in self.wanted if s in have]
        if not present:
            raise DataError(
                f"{self.directory}: none of {', '.join(self.wanted)} in the market data"
            )
        return load_market_data(self.directory, present)


def available_symbols(directory: Path) -> set[str]:
    """Symbols a cache's manifest lists, or the SYMBOL files of a plain directory."""
    if not directory.is_dir():
        raise DataError(f"{directory}: no such data directory")
    if (directory / MANIFEST_NAME).exists():
        return set(read_manifest(directory).files)
    return set(symbol_files(directory))
