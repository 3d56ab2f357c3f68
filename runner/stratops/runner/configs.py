"""Local mode's stand-in for the operator's mirror: manifests into `strategy_configs`.

On a cluster the operator mirrors each resource so the read API knows names,
classes and the primary without Kubernetes access. Locally there is no
operator, so `run-all` (and the demo) record the manifests they run the same
way, in one transaction. Rows are only inserted or updated, never deleted.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Engine, select

from stratops.core.db import StrategyConfig, UnitOfWork
from stratops.core.resource import TradingStrategy


def config_values(manifest: TradingStrategy) -> dict[str, Any]:
    spec = manifest.spec
    return {
        "display_name": spec.label,
        "strategy_class": spec.strategy_class,
        "is_primary": spec.primary and spec.active,
        "is_active": spec.active,
        "namespace": manifest.metadata.namespace,
        "resource_name": manifest.name,
        "parameters": dict(spec.parameters),
        "spec": spec.model_dump(mode="json", by_alias=True),
        "generation": manifest.metadata.generation,
    }


def mirror_manifests(engine: Engine, manifests: Iterable[TradingStrategy]) -> None:
    """Insert or update one `strategy_configs` row per manifest."""
    with UnitOfWork(engine) as session:
        for manifest in manifests:
            values = config_values(manifest)
            row = session.scalars(
                select(StrategyConfig).where(
                    StrategyConfig.strategy_id == manifest.spec.strategy_id
                )
            ).one_or_none()
            if row is None:
                session.add(StrategyConfig(strategy_id=manifest.spec.strategy_id, **values))
                continue
            for key, value in values.items():
                setattr(row, key, value)
