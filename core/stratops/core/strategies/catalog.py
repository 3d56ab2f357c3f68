"""Strategy class names and their parameter models, without loading any strategy.

Two entry-point groups describe a plug-in: `stratops.strategies` names the
class (loaded only to run it) and `stratops.strategy_parameters` names its
parameter model under the same name. Reading entry points imports nothing,
so "is this class known, and are these parameters valid?" costs a pydantic
model, not the engine. A plug-in registering only the class still works: its
model is then read from the loaded class's `params_model`.
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import EntryPoint, entry_points

from stratops.core.errors import UserError
from stratops.core.strategies.parameters import StrategyParams

CLASS_GROUP = "stratops.strategies"
PARAMETERS_GROUP = "stratops.strategy_parameters"


class UnknownStrategyClassError(UserError):
    """A strategyClass no installed plug-in registers; the message lists the known ones."""


@cache
def _group(name: str) -> dict[str, EntryPoint]:
    return {ep.name: ep for ep in entry_points(group=name)}


def known_strategies() -> list[str]:
    """Registered strategy names, sorted."""
    return sorted(_group(CLASS_GROUP))


def class_entry_point(name: str) -> EntryPoint:
    """The entry point of the class registered as `name`; UnknownStrategyClassError otherwise."""
    ep = _group(CLASS_GROUP).get(name)
    if ep is None:
        known = ", ".join(known_strategies()) or "none installed"
        raise UnknownStrategyClassError(f"unknown strategyClass {name!r}; known: {known}")
    return ep


def parameter_model(name: str) -> type[StrategyParams]:
    """The parameter model of the class registered as `name` (the class is not loaded)."""
    ep = class_entry_point(name)
    light = _group(PARAMETERS_GROUP).get(name)
    model = light.load() if light is not None else getattr(ep.load(), "params_model", None)
    if not (isinstance(model, type) and issubclass(model, StrategyParams)):
        raise UserError(f"strategy {name!r} does not register a parameter model")
    return model
