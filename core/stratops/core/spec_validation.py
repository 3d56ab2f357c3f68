"""The one validation of a TradingStrategy spec, shared by `validate`, the operator and the runner.

What the CRD's schema cannot know is checked here, once, so that GitOps CI
(`stratops validate`), the operator (`Ready=False/InvalidSpec`) and the
runner (`invalid_spec`) never disagree about a manifest:

* the resource model itself (types, ranges, finite numbers);
* the strategy class is registered, and its own parameter model accepts
  `spec.parameters` (unknown names, ranges, cross-field rules) without
  contradicting `spec.execution`;
* `spec.schedule` and `spec.timeZone` are read by the same functions that
  schedule and judge the runs (`stratops.core.cron`).

Each problem names its field path from the manifest root and the rule it
breaks. The module imports no strategy engine: the parameter models load
through `stratops.core.strategies.catalog` alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from stratops.core.cron import CronError, TimeZoneError, parse_cron, parse_time_zone
from stratops.core.errors import UserError
from stratops.core.manifests import describe_validation_error
from stratops.core.resource import TradingStrategy, TradingStrategySpec
from stratops.core.strategies.catalog import parameter_model
from stratops.core.strategies.parameters import StrategyParams

_RULES = re.compile(r"; (?=[A-Za-z_][A-Za-z0-9_]*: )")
"""Where a model-level message (`a: rule; b: rule`) starts its next field's rule."""


@dataclass(frozen=True)
class Problem:
    """One broken rule: the field path from the manifest root (`spec.parameters.sma_fast`)."""

    path: str
    rule: str

    def __str__(self) -> str:
        return f"{self.path}: {self.rule}" if self.path else self.rule


@dataclass(frozen=True)
class SpecCheck:
    """A spec and its validated parameters, or the problems that keep it from running.

    `spec` is kept when only the checks beyond the resource model fail, so
    callers can still act on it (the operator creates the state ConfigMap and
    suspends an existing runner); it is None only when the spec is malformed.
    """

    spec: TradingStrategySpec | None
    params: StrategyParams | None
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def symbols(self) -> tuple[str, ...]:
        return self.params.all_symbols if self.params is not None and self.ok else ()

    def message(self) -> str:
        return "; ".join(str(p) for p in self.problems)


@dataclass(frozen=True)
class ManifestCheck:
    """A whole manifest's check: the resource when it parsed, the spec check, all problems."""

    resource: TradingStrategy | None
    spec: SpecCheck

    @property
    def problems(self) -> tuple[Problem, ...]:
        return self.spec.problems


def check_spec(raw: Mapping[str, Any]) -> SpecCheck:
    """Validate a spec as written in a manifest (camelCase keys)."""
    try:
        spec = TradingStrategySpec.model_validate(dict(raw))
    except ValidationError as exc:
        return SpecCheck(None, None, tuple(_problems(exc, "spec")))
    return check_parsed(spec)


def check_manifest(doc: Mapping[str, Any]) -> ManifestCheck:
    """Validate a whole manifest: apiVersion, kind, metadata and every spec rule."""
    try:
        resource = TradingStrategy.model_validate(dict(doc))
    except ValidationError as exc:
        return ManifestCheck(None, SpecCheck(None, None, tuple(_problems(exc, ""))))
    return ManifestCheck(resource, check_parsed(resource.spec))


def check_parsed(spec: TradingStrategySpec) -> SpecCheck:
    """The checks beyond the resource model: class, parameters, schedule and time zone."""
    problems = schedule_problems(spec)
    params, param_problems = parameter_problems(spec)
    return SpecCheck(spec, params, tuple(problems + param_problems))


def schedule_problems(spec: TradingStrategySpec) -> list[Problem]:
    """The schedule and time zone, read by the code that schedules and judges runs."""
    problems = []
    try:
        parse_cron(spec.schedule)
    except CronError as exc:
        problems.append(Problem("spec.schedule", str(exc)))
    try:
        parse_time_zone(spec.time_zone)
    except TimeZoneError as exc:
        problems.append(Problem("spec.timeZone", str(exc)))
    return problems


def parameter_problems(spec: TradingStrategySpec) -> tuple[StrategyParams | None, list[Problem]]:
    """The class's own model over `spec.parameters`, then its cross-checks with spec.execution."""
    try:
        model = parameter_model(spec.strategy_class)
    except UserError as exc:
        return None, [Problem("spec.strategyClass", str(exc))]
    try:
        params = model.model_validate(spec.parameters)
    except ValidationError as exc:
        return None, _problems(exc, "spec.parameters")
    overlap = params.execution_problems(spec.execution)
    return params, [_from_line(line, "spec") for line in overlap]


def _problems(exc: ValidationError, prefix: str) -> list[Problem]:
    """One Problem per error; model-level rules (`field: message; ...`) are split per field."""
    found = []
    for line in describe_validation_error(exc):
        if line.startswith(": "):
            found += [_from_line(part, prefix) for part in _RULES.split(line[2:])]
        else:
            found.append(_from_line(line, prefix))
    return found


def _from_line(line: str, prefix: str) -> Problem:
    """`field.path: rule` (as describe_validation_error words it) under `prefix`."""
    path, sep, rule = line.partition(": ")
    if not sep:
        return Problem(prefix, line)
    joined = f"{prefix}.{path}" if prefix and path else (path or prefix)
    return Problem(joined, rule)
