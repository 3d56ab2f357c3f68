"""Turning a sweep's grid or list into validated parameter sets, before anything runs.

Every set is the base strategy's parameters with the set's overrides on top,
validated by the strategy class's own parameter model (the same model a
TradingStrategy is validated with). Problems name the sweep field they come
from (`spec.grid.sma_fast`, `spec.sets[3].leverage_scalar`), so a bad sweep is
one condition line, never a failed pod.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from stratops.core.errors import UserError
from stratops.core.manifests import describe_validation_error
from stratops.core.research.spec import StrategySweepSpec
from stratops.core.resource import TradingStrategySpec
from stratops.core.strategies.catalog import parameter_model
from stratops.core.strategies.parameters import StrategyParams

DEFAULT_MAX_SETS = 1000


class SweepInputError(UserError):
    """A sweep that cannot run; `field` is the sweep field to fix."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True)
class ParameterSet:
    """One set: its index in the sweep and its overrides of the base parameters."""

    index: int
    overrides: Mapping[str, Any]


def expand(spec: StrategySweepSpec, max_sets: int = DEFAULT_MAX_SETS) -> list[ParameterSet]:
    """The sets in a stable order (grid: keys as written, last key varying fastest)."""
    if spec.grid is not None:
        return _expand_grid(spec.grid, max_sets)
    assert spec.sets is not None  # the model requires one of the two
    if not spec.sets:
        raise SweepInputError("spec.sets", "is empty")
    _check_count("spec.sets", len(spec.sets), max_sets)
    return [ParameterSet(i, dict(s)) for i, s in enumerate(spec.sets)]


def _expand_grid(grid: Mapping[str, list[Any]], max_sets: int) -> list[ParameterSet]:
    if not grid:
        raise SweepInputError("spec.grid", "is empty")
    for name, values in grid.items():
        if not values:
            raise SweepInputError(f"spec.grid.{name}", "has no values")
    _check_count("spec.grid", math.prod(len(v) for v in grid.values()), max_sets)
    names = list(grid)
    combos = itertools.product(*(grid[n] for n in names))
    return [ParameterSet(i, dict(zip(names, c, strict=True))) for i, c in enumerate(combos)]


def _check_count(field: str, count: int, max_sets: int) -> None:
    if count > max_sets:
        raise SweepInputError(field, f"{count} sets exceed the maximum of {max_sets}")


def validate_sets(
    spec: StrategySweepSpec, base: TradingStrategySpec, max_sets: int = DEFAULT_MAX_SETS
) -> list[ParameterSet]:
    """Every set validated against the base strategy's class; the first problem is raised."""
    model = parameter_model(base.strategy_class)
    sets = expand(spec, max_sets)
    for parameter_set in sets:
        _check_names(spec, parameter_set, model, base.strategy_class)
        _check_values(spec, parameter_set, model, base)
    return sets


def _source(spec: StrategySweepSpec, parameter_set: ParameterSet, name: str) -> str:
    if spec.grid is not None:
        return f"spec.grid.{name}"
    return f"spec.sets[{parameter_set.index}].{name}"


def _check_names(
    spec: StrategySweepSpec,
    parameter_set: ParameterSet,
    model: type[StrategyParams],
    cls: str,
) -> None:
    for name in parameter_set.overrides:
        if name not in model.model_fields:
            raise SweepInputError(_source(spec, parameter_set, name), f"not a parameter of {cls}")


def effective_parameters(base: TradingStrategySpec, overrides: Mapping[str, Any]) -> dict[str, Any]:
    return {**base.parameters, **overrides}


def set_spec(base: TradingStrategySpec, overrides: Mapping[str, Any]) -> TradingStrategySpec:
    """The base spec with the set's parameters: what the set's backtest trades."""
    return base.model_copy(update={"parameters": effective_parameters(base, overrides)})


def _check_values(
    spec: StrategySweepSpec,
    parameter_set: ParameterSet,
    model: type[StrategyParams],
    base: TradingStrategySpec,
) -> None:
    try:
        params = model.model_validate(effective_parameters(base, parameter_set.overrides))
    except ValidationError as exc:
        raise _value_error(spec, parameter_set, exc) from None
    problems = params.execution_problems(base.execution)
    if problems:
        raise SweepInputError(_set_field(spec, parameter_set), problems[0])


def _set_field(spec: StrategySweepSpec, parameter_set: ParameterSet) -> str:
    return "spec.grid" if spec.grid is not None else f"spec.sets[{parameter_set.index}]"


def _value_error(
    spec: StrategySweepSpec, parameter_set: ParameterSet, exc: ValidationError
) -> SweepInputError:
    """Name the overridden parameter the model blames, else the set as a whole."""
    first = exc.errors()[0]
    loc = [str(p) for p in first["loc"]]
    line = describe_validation_error(exc)[0]
    message = line.split(": ", 1)[1] if ": " in line else line
    blamed = loc[0] if loc else message.split(": ", 1)[0]
    if blamed in parameter_set.overrides:
        value = parameter_set.overrides[blamed]
        text = message.split("; ")[0] if not loc else message
        if not loc:
            text = text.split(": ", 1)[1] if ": " in text else text
        return SweepInputError(_source(spec, parameter_set, blamed), f"{value!r}: {text}")
    shown = ", ".join(f"{k}={v!r}" for k, v in parameter_set.overrides.items())
    return SweepInputError(_set_field(spec, parameter_set), f"set {shown}: {message}")
