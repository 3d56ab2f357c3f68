"""Strategy plug-ins: classes from the `stratops.strategies` entry-point group.

A manifest names its class (`spec.strategyClass`); `build_strategy` checks the
spec with the shared validation (`stratops.core.spec_validation`: class,
parameters, execution overlap, schedule) and returns the configured engine.
This module loads the engine; validation alone never needs it.
"""

from __future__ import annotations

from typing import cast

from stratops.core.errors import UserError
from stratops.core.resource import TradingStrategySpec
from stratops.core.spec_validation import check_parsed
from stratops.core.strategies.catalog import class_entry_point, known_strategies
from stratops.core.strategies.hierarchical_adaptive.params import HierarchicalAdaptiveParams
from stratops.core.strategies.hierarchical_adaptive.strategy import HierarchicalAdaptive

__all__ = ["StrategyConfigError", "build_strategy", "get_strategy", "known_strategies"]


class StrategyConfigError(UserError):
    """A spec its strategy refuses; `problems` holds one `field: message` line per problem."""

    def __init__(self, strategy_class: str, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{strategy_class}: " + "; ".join(problems))


def get_strategy(name: str) -> type[HierarchicalAdaptive]:
    """The class registered under `name`; an unknown name lists the known ones."""
    cls = class_entry_point(name).load()
    if not (isinstance(cls, type) and issubclass(cls, HierarchicalAdaptive)):
        raise UserError(f"entry point {name!r} does not name a strategy class")
    return cls


def build_strategy(spec: TradingStrategySpec) -> HierarchicalAdaptive:
    """The configured strategy of a manifest, or a StrategyConfigError listing every problem."""
    checked = check_parsed(spec)
    unknown = [p for p in checked.problems if p.path == "spec.strategyClass"]
    if unknown:
        raise UserError(unknown[0].rule)
    if checked.params is None or not checked.ok:
        lines = [str(p).removeprefix("spec.") for p in checked.problems]
        raise StrategyConfigError(spec.strategy_class, lines)
    return get_strategy(spec.strategy_class)(cast(HierarchicalAdaptiveParams, checked.params))
