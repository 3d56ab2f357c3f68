"""One interface for every source of bars, and the step from fetched frames to `MarketData`.

A provider only fetches and validates; it never writes. Writing is the
cache's job, so the market-data job, the demo and the tests all go through
the same checks whichever source they use.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Protocol

import pandas as pd

from stratops.core.errors import UserError
from stratops.core.marketdata.fileformat import encode_csv, sha256_hex, snapshot_id
from stratops.core.marketdata.frames import BAR_COLUMNS, MarketData
from stratops.core.marketdata.validation import validate_bars

PROVIDER_NAMES = ("synthetic", "dir", "yahoo")


class Provider(Protocol):
    """A source of daily bars.

    `fetch` returns one validated frame per requested symbol, with columns
    `FILE_COLUMNS` and rows `start <= date <= end` (`None` = the source's
    first / last bar). `synthetic` is true only for generated data.
    """

    @property
    def name(self) -> str: ...

    @property
    def synthetic(self) -> bool: ...

    def fetch(
        self, symbols: Sequence[str], start: date | None = None, end: date | None = None
    ) -> dict[str, pd.DataFrame]: ...


def market_data_from_frames(
    frames: Mapping[str, pd.DataFrame],
    provider: str,
    synthetic: bool,
    as_of: datetime | None = None,
) -> MarketData:
    """Wrap fetched frames; the snapshot id equals the one a cache of these frames would carry."""
    validated = {symbol: validate_bars(symbol, frame) for symbol, frame in frames.items()}
    hashes = {symbol: sha256_hex(encode_csv(frame)) for symbol, frame in validated.items()}
    return MarketData(
        bars={symbol: frame.loc[:, list(BAR_COLUMNS)] for symbol, frame in validated.items()},
        snapshot_id=snapshot_id(hashes),
        provider=provider,
        synthetic=synthetic,
        as_of=as_of or datetime.now(UTC),
    )


def fetch_market_data(
    provider: Provider, symbols: Sequence[str], start: date | None = None, end: date | None = None
) -> MarketData:
    """Fetch straight into memory (demo, backtests on generated data) without a cache."""
    frames = provider.fetch(symbols, start, end)
    return market_data_from_frames(frames, provider.name, provider.synthetic)


def make_provider(name: str, *, source: Path | None = None, seed: int | None = None) -> Provider:
    """Build a provider by its CLI name, with a clear error for a missing option."""
    from stratops.core.marketdata.directory import DirectoryProvider
    from stratops.core.marketdata.synthetic import DEFAULT_SEED, SyntheticProvider
    from stratops.core.marketdata.yahoo import YahooProvider

    if name == "dir":
        if source is None:
            raise UserError("provider dir needs --source DIR")
        return DirectoryProvider(source)
    if name == "synthetic":
        return SyntheticProvider(seed=DEFAULT_SEED if seed is None else seed)
    if name == "yahoo":
        return YahooProvider()
    raise UserError(f"unknown provider {name!r} (choose from {', '.join(PROVIDER_NAMES)})")
