"""The in-memory shape of market data every other part relies on.

Bars of one symbol are a DataFrame indexed by session date (a tz-naive,
normalised `DatetimeIndex` named `date`, ascending and unique) with float64
columns `open, high, low, close, volume`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

BAR_COLUMNS = ("open", "high", "low", "close", "volume")


@dataclass(frozen=True)
class MarketData:
    """Validated bars for a set of symbols plus where they came from.

    `snapshot_id` identifies the exact data (derived from file hashes) so runs
    and comparisons can prove they used identical inputs; `synthetic` marks
    data from the bundled generator so no output passes it off as real.
    """

    bars: Mapping[str, pd.DataFrame]
    snapshot_id: str
    provider: str
    synthetic: bool = False

    @property
    def symbols(self) -> list[str]:
        return sorted(self.bars)
