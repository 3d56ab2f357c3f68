"""Strategy plug-ins and the Hierarchical Adaptive family.

`get_strategy(name)` resolves a registered class, `build_strategy(spec)` a
configured instance; `config_hash` identifies a configuration.
"""

from stratops.core.strategies.base import CASH, Decision, SignalFrame, Strategy, config_hash
from stratops.core.strategies.registry import (
    StrategyConfigError,
    build_strategy,
    get_strategy,
    known_strategies,
)

__all__ = [
    "CASH",
    "Decision",
    "SignalFrame",
    "Strategy",
    "StrategyConfigError",
    "build_strategy",
    "config_hash",
    "get_strategy",
    "known_strategies",
]
