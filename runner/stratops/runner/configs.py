"""Local mode's stand-in for the operator's mirror: manifests into `strategy_configs`.

On a cluster the operator mirrors each resource so the read API knows names,
classes and the primary without Kubernetes access. Locally there is no
operator, so `run-all` (and the demo) record the manifests they run the same
way. Rows are only inserted or updated, never deleted. Each manifest is
mirrored in its own transaction: a row the database refuses is that
strategy's problem (reported back), never the other strategies'.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError

from stratops.core.db import StrategyConfig, UnitOfWork
from stratops.core.resource import TradingStrategy

log = logging.getLogger(__name__)


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


def mirror_manifests(engine: Engine, manifests: Iterable[TradingStrategy]) -> dict[str, str]:
    """Insert or update one `strategy_configs` row per manifest; failures by strategy id."""
    failures: dict[str, str] = {}
    for manifest in manifests:
        try:
            mirror_manifest(engine, manifest)
        except (SQLAlchemyError, ValueError, TypeError) as exc:
            sid = manifest.spec.strategy_id
            failures[sid] = f"could not record the config in strategy_configs: {_first_line(exc)}"
            log.warning("%s: %s", sid, failures[sid])
    return failures


def mirror_manifest(engine: Engine, manifest: TradingStrategy) -> None:
    """Insert or update the `strategy_configs` row of one manifest, in its own transaction."""
    values = config_values(manifest)
    with UnitOfWork(engine) as session:
        row = session.scalars(
            select(StrategyConfig).where(StrategyConfig.strategy_id == manifest.spec.strategy_id)
        ).one_or_none()
        if row is None:
            session.add(StrategyConfig(strategy_id=manifest.spec.strategy_id, **values))
            return
        for key, value in values.items():
            setattr(row, key, value)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")
