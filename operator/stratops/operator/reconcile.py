"""Reconciling one resource in the light of its whole namespace.

Every handler ends here, and a reconcile is four steps, each entered once:

1. the primary election under the namespace lock (`election.decide`, the
   only place the rule runs), then the database in one transaction
   (`mirror.record`: the primary move, if the election made one, then the
   resource's own row): still under the lock when it holds a move, so two
   reconciles never record different moves, after it otherwise;
2. the cluster writes that follow from that one election (`writers.converge`:
   the role move, verdicts the election changed, the resource's children,
   its status last);
3. a debounced refresh of the namespace's shared market-data objects;
4. the metric of a primary change.

Each step is idempotent, so a retry, a resume after a crash or a duplicate
event converges on the same objects and records a promotion once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from stratops.core.election import Election, decide
from stratops.operator import mirror, prometheus, shared, writers
from stratops.operator.context import Context
from stratops.operator.mirror import PrimaryMove
from stratops.operator.resources import View


async def reconcile(ctx: Context, target: View, others: Iterable[View]) -> None:
    """Bring `target` (and whatever its change affects) to the desired state."""
    views = {v.name: v for v in others if v.uid != target.uid}
    views[target.name] = target
    namespace = target.namespace
    async with ctx.lock(namespace):
        claims = [v.claim() for v in views.values()]
        election = decide(claims, ctx.elections.get(namespace))
        move = primary_move(views, election)
        if move is not None:  # recorded before another reconcile can elect
            await asyncio.to_thread(mirror.record, ctx.engine, target, move)
        ctx.primaries[namespace] = election.effective
        ctx.elections[namespace] = election
    if move is None:  # the resource's own row needs no lock: reconciles write it side by side
        await asyncio.to_thread(mirror.record, ctx.engine, target, None)
    await writers.converge(ctx, target, views, election)
    shared.refresh_soon(ctx, namespace)
    if election.changed:
        prometheus.PRIMARY_CHANGES.labels(namespace).inc()


def primary_move(views: dict[str, View], election: Election) -> PrimaryMove | None:
    """The primary_changes row of a move to a new holder (None: no move, or to nobody)."""
    if not election.changed or election.effective is None:
        return None
    new = views[election.effective]
    old = views.get(election.previous or "")
    return PrimaryMove(
        namespace=new.namespace,
        from_strategy_id=old.strategy_id if old else None,
        to_strategy_id=new.strategy_id,
        from_generation=old.generation if old else None,
        to_generation=new.generation,
        git_revision=new.git_revision(),
        reason=_move_reason(election, old),
    )


def _move_reason(election: Election, old: View | None) -> str:
    if election.previous is None:
        return f"{election.effective} is the only resource claiming spec.primary"
    if old is None or old.deleting:
        return f"{election.previous} was deleted; {election.effective} is the only claimant"
    return f"{election.effective} is now the only resource claiming spec.primary"
