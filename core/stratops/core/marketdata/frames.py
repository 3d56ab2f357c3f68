"""The in-memory shape of market data every other part relies on.

Bars of one symbol are a DataFrame indexed by session date (a tz-naive,
normalised `DatetimeIndex` named `date`, ascending and unique) with float64
columns `open, high, low, close, volume`.

Providers and files also carry `adj_close` (split- and dividend-adjusted close)
so that a cache keeps what the source gave; `MarketData.bars` drops it because
the engine trades and signals on `close`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

BAR_COLUMNS = ("open", "high", "low", "close", "volume")
FILE_COLUMNS = ("open", "high", "low", "close", "adj_close", "volume")
"""Column order of a per-symbol file (after the `date` column) and of provider frames."""


@dataclass(frozen=True)
class MarketData:
    """Validated bars for a set of symbols plus where they came from.

    `snapshot_id` identifies the exact data (derived from file hashes) so runs
    and comparisons can prove they used identical inputs; `synthetic` marks
    data from the bundled generator so no output passes it off as real.
    `as_of` is when the data was fetched (UTC), if known: a plain directory
    of files does not say.
    """

    bars: Mapping[str, pd.DataFrame]
    snapshot_id: str
    provider: str
    synthetic: bool = False
    as_of: datetime | None = None

    @property
    def symbols(self) -> list[str]:
        return sorted(self.bars)
