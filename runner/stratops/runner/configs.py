"""Local mode's stand-in for the operator's mirror: manifests into `strategy_configs`.

On a cluster the operator mirrors each resource so the read API knows names,
classes and the primary without Kubernetes access. Locally there is no
operator, so `run-all` (and the demo) record the manifests they run with the
same row builder and the same election over the namespace: the manifests
given, and the strategies the table already holds (a run-all over a subset of
the fleet does not remove the others). The previous primary keeps the role
until exactly one strategy claims it, and every other row of the namespace
stops being primary. Each manifest's row is written in its own transaction: a
row the database refuses is that strategy's problem (reported back), never
the other strategies'.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from stratops.core.db import UnitOfWork
from stratops.core.db.strategy_configs import (
    config_row,
    current_primary,
    settle_primary,
    stored_claims,
    upsert_config,
)
from stratops.core.election import Claim, Election, elect
from stratops.core.resource import TradingStrategy

log = logging.getLogger(__name__)


def mirror_manifests(engine: Engine, manifests: Iterable[TradingStrategy]) -> dict[str, str]:
    """Record each manifest and settle each namespace's primary; failures by strategy id."""
    by_namespace: dict[str | None, list[TradingStrategy]] = defaultdict(list)
    for manifest in manifests:
        by_namespace[manifest.metadata.namespace].append(manifest)
    failures: dict[str, str] = {}
    for namespace, group in by_namespace.items():
        election = _elect(engine, namespace, group)
        for manifest in group:
            sid = manifest.spec.strategy_id
            try:
                _record(engine, manifest, effective_primary=sid == election.effective)
            except (SQLAlchemyError, ValueError, TypeError) as exc:
                problem = _first_line(exc)
                failures[sid] = f"could not record the config in strategy_configs: {problem}"
                log.warning("%s: %s", sid, failures[sid])
        with UnitOfWork(engine) as session:
            settle_primary(session, namespace, election.effective)
    return failures


def _elect(engine: Engine, namespace: str | None, group: list[TradingStrategy]) -> Election:
    """The namespace's election: stored claims (strategies not in this batch count too) + these."""
    with UnitOfWork(engine) as session:
        claiming = stored_claims(session, namespace)
        claiming.update({m.spec.strategy_id: m.spec.primary for m in group})
        claims = [Claim(sid, wants) for sid, wants in claiming.items()]
        return elect(claims, current_primary(session, namespace))


def _record(engine: Engine, manifest: TradingStrategy, *, effective_primary: bool) -> None:
    """Insert or update one manifest's row, in its own transaction."""
    spec = manifest.spec
    row = config_row(
        strategy_id=spec.strategy_id,
        name=manifest.name,
        namespace=manifest.metadata.namespace,
        spec=spec.model_dump(mode="json", by_alias=True),
        generation=manifest.metadata.generation,
        active=spec.active,
        effective_primary=effective_primary,
    )
    # The JSON dump turns a non-finite float into null; the parameters as given
    # let the database refuse such a row instead of storing something else.
    row["parameters"] = dict(spec.parameters)
    with UnitOfWork(engine) as session:
        upsert_config(session, spec.strategy_id, row)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")
