"""A sweep ready to run: the manifest, its base strategy and its validated sets.

`stratops sweep FILE` reads the StrategySweep from FILE and its base
TradingStrategy from the same file or from the manifests next to it; on the
cluster the operator writes both into one file the pods read, so both paths
build the same plan from the same kind of file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine

from stratops.core.db import Sweep, UnitOfWork
from stratops.core.errors import UserError
from stratops.core.manifests import (
    describe_validation_error,
    load_documents,
    manifest_files,
    parse_strategy,
)
from stratops.core.research.sets import DEFAULT_MAX_SETS, ParameterSet, validate_sets
from stratops.core.research.spec import API_VERSION, KIND, StrategySweep
from stratops.core.resource import KIND as STRATEGY_KIND
from stratops.core.resource import TradingStrategy

DEFAULT_NAMESPACE = "default"


@dataclass(frozen=True)
class SweepPlan:
    sweep: StrategySweep
    base: TradingStrategy
    sets: list[ParameterSet]

    @property
    def namespace(self) -> str:
        return self.sweep.metadata.namespace or DEFAULT_NAMESPACE


def parse_sweep(doc: dict[str, Any], source: str) -> StrategySweep:
    """The StrategySweep of a document; problems are `source: spec.field: message` lines."""
    try:
        return StrategySweep.model_validate(doc)
    except ValidationError as exc:
        lines = [_located(line) for line in describe_validation_error(exc)]
        raise UserError("; ".join(f"{source}: {line}" for line in lines)) from None


def _located(line: str) -> str:
    """Model-level rules put their field first (`: grid: ...`); give them the spec prefix."""
    return f"spec.{line[2:]}" if line.startswith(": ") else line


def build_plan(
    sweep: StrategySweep, base: TradingStrategy, max_sets: int = DEFAULT_MAX_SETS
) -> SweepPlan:
    """Validate every set against the base class before anything runs."""
    return SweepPlan(sweep, base, validate_sets(sweep.spec, base.spec, max_sets))


def load_plan(path: Path, manifests: Path | None, max_sets: int = DEFAULT_MAX_SETS) -> SweepPlan:
    docs = load_documents(path)
    sweeps = [d for d in docs if d.get("kind") == KIND]
    if len(sweeps) != 1:
        raise UserError(f"{path.name}: expected exactly one {KIND}, found {len(sweeps)}")
    sweep = parse_sweep(sweeps[0], path.name)
    base = _find_base(sweep.spec.base_strategy, path, docs, manifests or path.parent)
    return build_plan(sweep, base, max_sets)


def _find_base(
    name: str, path: Path, docs: list[dict[str, Any]], manifests: Path
) -> TradingStrategy:
    for doc in docs:
        if doc.get("kind") == STRATEGY_KIND and doc.get("metadata", {}).get("name") == name:
            return parse_strategy(doc, path.name)
    for other in manifest_files(manifests) if manifests.is_dir() else []:
        for doc in load_documents(other) if other != path else []:
            if doc.get("kind") == STRATEGY_KIND and doc.get("metadata", {}).get("name") == name:
                return parse_strategy(doc, other.name)
    raise UserError(
        f"spec.baseStrategy: no TradingStrategy named {name!r} in {path.name} or {manifests}"
    )


def stored_plan(engine: Engine, sweep_id: int) -> SweepPlan:
    """The plan a stored sweep row was made from: its inputs, not today's base strategy."""
    with UnitOfWork(engine) as session:
        row = session.get_one(Sweep, sweep_id)
    meta = {"name": row.name, "namespace": row.namespace}
    sweep = StrategySweep.model_validate(
        {"apiVersion": API_VERSION, "kind": KIND, "metadata": meta, "spec": row.spec}
    )
    base = TradingStrategy.model_validate(
        {
            "apiVersion": API_VERSION,
            "kind": STRATEGY_KIND,
            "metadata": {"name": row.base_strategy, "namespace": row.namespace},
            "spec": row.base_spec,
        }
    )
    return build_plan(sweep, base, max_sets=max(row.total_sets, 1))


def slice_of(plan: SweepPlan, index: int) -> list[ParameterSet]:
    """The sets one index of the Indexed Job computes."""
    per_pod = plan.sweep.spec.sets_per_pod
    return plan.sets[index * per_pod : (index + 1) * per_pod]


def completions(plan: SweepPlan) -> int:
    per_pod = plan.sweep.spec.sets_per_pod
    return -(-len(plan.sets) // per_pod)
