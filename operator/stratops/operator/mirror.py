"""The operator's database writes: the strategy_configs mirror and the primary_changes ledger.

Each function is one unit of work (one transaction). They are synchronous
SQLAlchemy; the handlers call them in a worker thread. Nothing here ever
deletes a row: removing a resource marks its config inactive, and its runs,
trades and snapshots stay where they are.
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


def mirror_config(engine: Engine, view: View) -> None:
    """Insert or update the row of this strategy from its resource.

    `is_primary` is the namespace's election as recorded by its latest move,
    read in the same transaction, so a mirror racing a promotion cannot leave
    two primaries (the election runs under the namespace lock; this does not).
    """
    with UnitOfWork(engine) as session:
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


def mark_removed(engine: Engine, view: View) -> None:
    """The resource is gone: the config row stays (history refers to it), inactive."""
    with UnitOfWork(engine) as session:
        session.execute(
            update(StrategyConfig)
            .where(StrategyConfig.strategy_id == view.strategy_id)
            .values(is_active=False, is_primary=False)
        )


def record_primary_move(engine: Engine, move: PrimaryMove) -> bool:
    """Append the change unless it is already the latest one of the namespace.

    The check makes a retried or resumed reconcile record a promotion once;
    returns whether a row was written. `is_primary` of the namespace's
    configs is updated in the same transaction.
    """
    with UnitOfWork(engine) as session:
        latest = _latest_move(session, move.namespace)
        if latest is not None and latest.to_strategy_id == move.to_strategy_id:
            return False
        session.add(PrimaryChange(**move.__dict__))
        settle_primary(session, move.namespace, move.to_strategy_id)
        return True


def _latest_move(session: Session, namespace: str) -> PrimaryChange | None:
    return session.scalars(
        select(PrimaryChange)
        .where(PrimaryChange.namespace == namespace)
        .order_by(PrimaryChange.changed_at.desc(), PrimaryChange.id.desc())
        .limit(1)
    ).one_or_none()
