"""Strategy plug-ins: names from the `stratops.strategies` entry-point group.

A manifest names its class (`spec.strategyClass`); `build_strategy` resolves it,
validates `spec.parameters` with the class's own model, checks the overlap with
`spec.execution`, and reports every problem as `parameters.<field>: <message>`.
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import EntryPoint, entry_points

from pydantic import ValidationError

from stratops.core.errors import UserError
from stratops.core.manifests import describe_validation_error
from stratops.core.resource import TradingStrategySpec
from stratops.core.strategies.hierarchical_adaptive.params import check_execution_overlap
from stratops.core.strategies.hierarchical_adaptive.strategy import HierarchicalAdaptive

GROUP = "stratops.strategies"


class StrategyConfigError(UserError):
    """Parameters a strategy class refuses; `problems` holds one line per field."""

    def __init__(self, strategy_class: str, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{strategy_class}: " + "; ".join(problems))


@cache
def _entry_points() -> dict[str, EntryPoint]:
    return {ep.name: ep for ep in entry_points(group=GROUP)}


def known_strategies() -> list[str]:
    """Registered strategy names, sorted."""
    return sorted(_entry_points())


def get_strategy(name: str) -> type[HierarchicalAdaptive]:
    """The class registered under `name`; an unknown name lists the known ones."""
    ep = _entry_points().get(name)
    if ep is None:
        known = ", ".join(known_strategies()) or "none installed"
        raise UserError(f"unknown strategyClass {name!r}; known: {known}")
    cls = ep.load()
    if not (isinstance(cls, type) and issubclass(cls, HierarchicalAdaptive)):
        raise UserError(f"entry point {name!r} does not name a strategy class")
    return cls


def build_strategy(spec: TradingStrategySpec) -> HierarchicalAdaptive:
    """The configured strategy of a manifest, or a StrategyConfigError listing every problem."""
    cls = get_strategy(spec.strategy_class)
    try:
        params = cls.params_model.model_validate(spec.parameters)
    except ValidationError as exc:
        raise StrategyConfigError(spec.strategy_class, _describe(exc)) from exc
    problems = check_execution_overlap(params, spec.execution)
    if problems:
        raise StrategyConfigError(spec.strategy_class, problems)
    return cls(params)


def _describe(exc: ValidationError) -> list[str]:
    """`parameters.<field>: message`; model-level rules already start with their field."""
    lines = []
    for line in describe_validation_error(exc):
        if line.startswith(": "):
            lines += [f"parameters.{part}" for part in line[2:].split("; ")]
        else:
            lines.append(f"parameters.{line}")
    return lines
