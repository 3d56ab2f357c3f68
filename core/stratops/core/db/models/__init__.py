"""All tables of stratops. Importing this package registers every table on `Base.metadata`."""

from stratops.core.db.models.backtests import BacktestPoint, BacktestRun
from stratops.core.db.models.ledger import PerformanceSnapshot, Trade
from stratops.core.db.models.runs import RUN_RESULTS, RunFailure, StrategyRun
from stratops.core.db.models.strategies import PrimaryChange, StrategyConfig

__all__ = [
    "RUN_RESULTS",
    "BacktestPoint",
    "BacktestRun",
    "PerformanceSnapshot",
    "PrimaryChange",
    "RunFailure",
    "StrategyConfig",
    "StrategyRun",
    "Trade",
]
