"""Local mode's stand-in for the operator's mirror: manifests into `strategy_configs`.

On a cluster the operator mirrors each resource so the read API knows names,
classes and the primary without Kubernetes access. Locally there is no
operator, so `run-all` (and the demo) record the manifests they run, in one
transaction, with the same row builder and the same election over the
namespace: the manifests given, and the strategies the table already holds
(a run-all over a subset of the fleet does not remove the others). The
previous primary keeps the role until exactly one strategy claims it, and
every other row of the namespace stops being primary.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import Engine

from stratops.core.db import UnitOfWork
from stratops.core.db.strategy_configs import (
    config_row,
    current_primary,
    settle_primary,
    stored_claims,
    upsert_config,
)
from stratops.core.election import Claim, elect
from stratops.core.resource import TradingStrategy


def mirror_manifests(engine: Engine, manifests: Iterable[TradingStrategy]) -> None:
    """Insert or update one `strategy_configs` row per manifest; settle each namespace's primary."""
    by_namespace: dict[str | None, list[TradingStrategy]] = defaultdict(list)
    for manifest in manifests:
        by_namespace[manifest.metadata.namespace].append(manifest)
    with UnitOfWork(engine) as session:
        for namespace, group in by_namespace.items():
            claiming = stored_claims(session, namespace)  # strategies not in this batch count too
            claiming.update({m.spec.strategy_id: m.spec.primary for m in group})
            claims = [Claim(sid, wants) for sid, wants in claiming.items()]
            election = elect(claims, current_primary(session, namespace))
            for manifest in group:
                spec = manifest.spec
                row = config_row(
                    strategy_id=spec.strategy_id,
                    name=manifest.name,
                    namespace=namespace,
                    spec=spec.model_dump(mode="json", by_alias=True),
                    generation=manifest.metadata.generation,
                    active=spec.active,
                    effective_primary=spec.strategy_id == election.effective,
                )
                upsert_config(session, spec.strategy_id, row)
            settle_primary(session, namespace, election.effective)
