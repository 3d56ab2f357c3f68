"""The one writer's rules for `strategy_configs`: a row built from a resource and an election.

The operator (from a TradingStrategy) and local mode (from a manifest file)
mirror strategies into the same table, so the API reads names, classes and
the primary without Kubernetes. Both build the row here and take `is_primary`
from an election result (`stratops.core.election`), never from the spec's
own `primary` claim: while a GitOps sync is half-way two resources claim the
role and the previous holder keeps it, and the table must say the same.
Rows are only inserted or updated, never deleted (history refers to them).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml
from sqlalchemy import ColumnElement, select, true, update
from sqlalchemy.orm import Session

from stratops.core.db.models import StrategyConfig
from stratops.core.election import Claim, previous_from_status
from stratops.core.resource import API_VERSION, KIND


def manifest_yaml(name: str, namespace: str | None, spec: Mapping[str, Any]) -> str:
    """The resource as a manifest (no status, no server fields), for people reading the table."""
    doc = {
        "apiVersion": API_VERSION,
        "kind": KIND,
        "metadata": {"name": name, "namespace": namespace},
        "spec": dict(spec),
    }
    return yaml.safe_dump(doc, sort_keys=False)


def config_row(
    *,
    strategy_id: str,
    name: str,
    namespace: str | None,
    spec: Mapping[str, Any],
    generation: int | None,
    active: bool,
    effective_primary: bool,
) -> dict[str, Any]:
    """Column values of one strategy's row; `spec` is the camelCase spec as in the manifest."""
    return {
        "display_name": str(spec.get("displayName") or strategy_id),
        "strategy_class": str(spec.get("strategyClass", "")),
        "is_primary": effective_primary,
        "is_active": active,
        "namespace": namespace,
        "resource_name": name,
        "parameters": dict(spec.get("parameters") or {}),
        "spec": dict(spec),
        "generation": generation,
        "config_yaml": manifest_yaml(name, namespace, spec),
    }


def upsert_config(session: Session, strategy_id: str, values: Mapping[str, Any]) -> None:
    """Insert the row of `strategy_id`, or update it in place."""
    row = session.scalars(
        select(StrategyConfig).where(StrategyConfig.strategy_id == strategy_id)
    ).one_or_none()
    if row is None:
        session.add(StrategyConfig(strategy_id=strategy_id, **values))
        return
    for key, value in values.items():
        setattr(row, key, value)


def settle_primary(session: Session, namespace: str | None, effective: str | None) -> None:
    """The namespace's rows: `is_primary` true for the effective primary's strategy_id only."""
    session.execute(
        update(StrategyConfig)
        .where(_in(namespace))
        .values(is_primary=StrategyConfig.strategy_id == effective)
    )


def stored_claims(session: Session, namespace: str | None) -> dict[str, bool]:
    """Every row of the namespace and whether its stored spec claims `primary`."""
    query = select(StrategyConfig.strategy_id, StrategyConfig.spec).where(_in(namespace))
    return {sid: bool((spec or {}).get("primary")) for sid, spec in session.execute(query)}


def current_primary(session: Session, namespace: str | None) -> str | None:
    """The strategy_id the table names as the namespace's primary (the previous election's)."""
    return _named_primary(session, _in(namespace))


def primary_of_any_namespace(session: Session) -> str | None:
    """The one primary a reader without a namespace shows (the API's default strategy)."""
    return _named_primary(session, true())


def _named_primary(session: Session, where: ColumnElement[bool]) -> str | None:
    """Among rows flagged `is_primary`, the holder by the election's rule for a start
    (`previous_from_status`): one that still claims the role, then the first by id.

    One namespace has at most one flagged row; several appear across namespaces or
    in a table edited by hand, and every reader then settles on the same one.
    """
    query = select(StrategyConfig.strategy_id, StrategyConfig.spec).where(
        where, StrategyConfig.is_primary.is_(True)
    )
    claims = [
        Claim(sid, claims=bool((spec or {}).get("primary")), marked_effective=True)
        for sid, spec in session.execute(query)
    ]
    return previous_from_status(claims)


def _in(namespace: str | None) -> ColumnElement[bool]:
    column = StrategyConfig.namespace
    return column.is_(None) if namespace is None else column == namespace
