"""The operator's database writes: the strategy_configs mirror and the primary_changes ledger.

A reconcile writes the database once (`record`), in one transaction and
before anything in the cluster: the namespace's primary move, if the
election made one, then the resource's own row. A reconcile that cannot
reach the database therefore changes nothing in the cluster and is retried,
and the ledger always knows a configuration before a runner can use it.
The functions are synchronous SQLAlchemy; the reconcile calls `record` in a
worker thread. Nothing here ever deletes a row: removing a resource marks
its config inactive, and its runs, trades and snapshots stay where they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from stratops.core.db import PrimaryChange, StrategyConfig, UnitOfWork
from stratops.core.db.strategy_configs import config_row, settle_primary, upsert_config
from stratops.operator.resources import View


@dataclass(frozen=True)
class PrimaryMove:
    """One change of the effective primary, ready to be recorded."""

    namespace: str
    from_strategy_id: str | None
    to_strategy_id: str
    from_generation: int | None
    to_generation: int | None
    git_revision: str | None
    reason: str


def record(engine: Engine, view: View, move: PrimaryMove | None = None) -> bool:
    """One reconcile's database writes: the move, then the resource's row (inserted or
    updated; marked inactive when the resource is being deleted). Returns whether a move
    row was written: a retried reconcile records its move once.

    A resource that lost its strategyId to an older one has no row of its own.
    """
    with UnitOfWork(engine) as session:
        moved = _record_move(session, move) if move is not None else False
        if view.duplicate_of:
            return moved
        if view.deleting:
            _mark_removed(session, view)
        else:
            _mirror_config(session, view)
        return moved


def _mirror_config(session: Session, view: View) -> None:
    """`is_primary` is the namespace's election as recorded by its latest move, read in
    the same transaction, so a mirror racing a promotion cannot leave two primaries."""
    latest = _latest_move(session, view.namespace)
    row = config_row(
        strategy_id=view.strategy_id,
        name=view.name,
        namespace=view.namespace,
        spec=view.raw_spec,
        generation=view.generation,
        active=view.active and not view.deleting,
        effective_primary=latest is not None and latest.to_strategy_id == view.strategy_id,
    )
    upsert_config(session, view.strategy_id, row)


def _mark_removed(session: Session, view: View) -> None:
    """The resource is gone: the config row stays (history refers to it), inactive."""
    session.execute(
        update(StrategyConfig)
        .where(StrategyConfig.strategy_id == view.strategy_id)
        .values(is_active=False, is_primary=False)
    )


def _record_move(session: Session, move: PrimaryMove) -> bool:
    """Append the change unless it is already the latest one of the namespace (so a
    retried or resumed reconcile records a promotion once); `is_primary` of the
    namespace's configs follows in the same transaction."""
    latest = _latest_move(session, move.namespace)
    if latest is not None and latest.to_strategy_id == move.to_strategy_id:
        return False
    session.add(PrimaryChange(**move.__dict__))
    session.flush()
    settle_primary(session, move.namespace, move.to_strategy_id)
    return True


def _latest_move(session: Session, namespace: str) -> PrimaryChange | None:
    return session.scalars(
        select(PrimaryChange)
        .where(PrimaryChange.namespace == namespace)
        .order_by(PrimaryChange.changed_at.desc(), PrimaryChange.id.desc())
        .limit(1)
    ).one_or_none()
