"""Market data: providers, validation, the session calendar and the shared cache.

What other parts call:

- `load_market_data(path, symbols=None) -> MarketData`: a cache (verified
  against its manifest) or a plain directory of per-symbol files.
- `fetch_market_data(provider, symbols, start, end) -> MarketData` and
  `write_cache(path, frames, provider=..., synthetic=...)` for the market-data job.
- `require_fresh`, `require_complete`, `data_status` before trading.
- `sessions`, `previous_session`, `is_session`, `last_completed_session`.
- `DataError` (a `UserError` with `reason` 'bad_data' or 'stale_data').

Each name loads its module on first use, so a process that reads a cache
does not import the exchange calendar, the synthetic generator or the Yahoo
client it never calls.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_WHERE = {
    "BAR_COLUMNS": "stratops.core.marketdata.frames",
    "DataError": "stratops.core.marketdata.errors",
    "DataErrorReason": "stratops.core.marketdata.errors",
    "DirectoryProvider": "stratops.core.marketdata.directory",
    "FILE_COLUMNS": "stratops.core.marketdata.frames",
    "Manifest": "stratops.core.marketdata.manifest",
    "MarketData": "stratops.core.marketdata.frames",
    "Provider": "stratops.core.marketdata.providers",
    "SymbolStatus": "stratops.core.marketdata.freshness",
    "SyntheticProvider": "stratops.core.marketdata.synthetic",
    "Timing": "stratops.core.marketdata.calendar",
    "YahooProvider": "stratops.core.marketdata.yahoo",
    "YahooTransport": "stratops.core.marketdata.yahoo",
    "data_status": "stratops.core.marketdata.freshness",
    "fetch_market_data": "stratops.core.marketdata.providers",
    "is_session": "stratops.core.marketdata.calendar",
    "last_completed_session": "stratops.core.marketdata.calendar",
    "load_market_data": "stratops.core.marketdata.cache",
    "make_provider": "stratops.core.marketdata.providers",
    "market_data_from_frames": "stratops.core.marketdata.providers",
    "previous_session": "stratops.core.marketdata.calendar",
    "read_manifest": "stratops.core.marketdata.cache",
    "require_complete": "stratops.core.marketdata.freshness",
    "require_fresh": "stratops.core.marketdata.freshness",
    "sessions": "stratops.core.marketdata.calendar",
    "validate_bars": "stratops.core.marketdata.validation",
    "write_cache": "stratops.core.marketdata.cache",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(_WHERE[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
