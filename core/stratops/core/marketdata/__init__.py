"""Market data: providers, validation, the session calendar and the shared cache.

What other parts call:

- `load_market_data(path, symbols=None) -> MarketData`: a cache (verified
  against its manifest) or a plain directory of per-symbol files.
- `fetch_market_data(provider, symbols, start, end) -> MarketData` and
  `write_cache(path, frames, provider=..., synthetic=...)` for the market-data job.
- `require_fresh`, `require_complete`, `data_status` before trading.
- `sessions`, `previous_session`, `is_session`, `last_completed_session`.
- `DataError` (a `UserError` with `reason` 'bad_data' or 'stale_data').
"""

from stratops.core.marketdata.cache import load_market_data, read_manifest, write_cache
from stratops.core.marketdata.calendar import (
    Timing,
    is_session,
    last_completed_session,
    previous_session,
    sessions,
)
from stratops.core.marketdata.directory import DirectoryProvider
from stratops.core.marketdata.errors import DataError, DataErrorReason
from stratops.core.marketdata.frames import BAR_COLUMNS, FILE_COLUMNS, MarketData
from stratops.core.marketdata.freshness import (
    SymbolStatus,
    data_status,
    require_complete,
    require_fresh,
)
from stratops.core.marketdata.manifest import Manifest
from stratops.core.marketdata.providers import (
    Provider,
    fetch_market_data,
    make_provider,
    market_data_from_frames,
)
from stratops.core.marketdata.synthetic import SyntheticProvider
from stratops.core.marketdata.validation import validate_bars
from stratops.core.marketdata.yahoo import YahooProvider, YahooTransport

__all__ = [
    "BAR_COLUMNS",
    "FILE_COLUMNS",
    "DataError",
    "DataErrorReason",
    "DirectoryProvider",
    "Manifest",
    "MarketData",
    "Provider",
    "SymbolStatus",
    "SyntheticProvider",
    "Timing",
    "YahooProvider",
    "YahooTransport",
    "data_status",
    "fetch_market_data",
    "is_session",
    "last_completed_session",
    "load_market_data",
    "make_provider",
    "market_data_from_frames",
    "previous_session",
    "read_manifest",
    "require_complete",
    "require_fresh",
    "sessions",
    "validate_bars",
    "write_cache",
]
