"""Reconciling one resource in the light of its whole namespace.

Every handler ends here. Under the namespace lock: elect the effective
primary (once per reconcile; every writer below is handed that election),
record a change in the database, and when the role moves, clear the old
holder before setting the new one (statuses and runners). Outside it:
the resource's own runner, access objects, state, status and database
mirror; the shared market-data objects follow in a debounced task. Each step
is idempotent, so a retry, a resume after a crash or a duplicate event
converges on the same objects and records a promotion once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from stratops.core import election as primary
from stratops.core.election import Election, elect, previous_from_status
from stratops.operator import prometheus, shared
from stratops.operator.context import Context
from stratops.operator.mirror import PrimaryMove, mark_removed, mirror_config, record_primary_move
from stratops.operator.resources import View
from stratops.operator.writers import (
    ensure_access_and_state,
    ensure_runner,
    forget_statuses,
    post_event,
    verdict_in_status,
    write_own_status,
    write_verdict,
)


async def reconcile(ctx: Context, target: View, others: Iterable[View]) -> None:
    """Bring `target` (and whatever its change affects) to the desired state."""
    views = {v.name: v for v in others if v.uid != target.uid}
    views[target.name] = target
    namespace = target.namespace
    async with ctx.lock(namespace):
        before = ctx.elections.get(namespace)
        election = _elect(ctx, namespace, views.values())
        if election.changed and election.effective is not None:
            await _record_move(ctx, views, election)
        ctx.primaries[namespace] = election.effective
        ctx.elections[namespace] = election
        if election.changed:
            prometheus.PRIMARY_CHANGES.labels(namespace).inc()
            await _move_role(ctx, views, election)
        for view in _conflicts_moved(views.values(), before, election, target):
            await write_verdict(ctx, view, election)
    if not target.deleting:
        await ensure_runner(ctx, target, election)
        await ensure_access_and_state(ctx, target)
    await write_verdict(ctx, target, election)
    shared.refresh_soon(ctx, namespace)
    await _mirror(ctx, target)
    if target.deleting:
        forget_statuses(ctx, target)
    else:  # last: observedGeneration means everything above is done
        await write_own_status(ctx, target, election)


def _elect(ctx: Context, namespace: str, views: Iterable[View]) -> Election:
    claims = [v.claim() for v in views]
    known = namespace in ctx.primaries
    previous = ctx.primaries[namespace] if known else previous_from_status(claims)
    return elect(claims, previous)


async def _move_role(ctx: Context, views: dict[str, View], election: Election) -> None:
    """Clear the old holder, then set the new one; their runners swap priority and slot."""
    for name in (election.previous, election.effective):
        view = views.get(name or "")
        if view is None:
            continue
        await write_verdict(ctx, view, election)  # one being deleted too: it must drop the role
        if not view.deleting:
            await ensure_runner(ctx, view, election)
    moved = f"from {election.previous or 'nobody'} to {election.effective or 'nobody'}"
    for name in (election.previous, election.effective):
        view = views.get(name or "")
        if view is not None:
            post_event(view, "Normal", "PrimaryChanged", f"effective primary moved {moved}")


def _conflicts_moved(
    views: Iterable[View], before: Election | None, now: Election, target: View
) -> list[View]:
    """Other resources whose verdict changed without the role moving (claims came or went).

    After a start there is no previous election to compare with, so the
    status as last written stands in for it.
    """
    moved = []
    for view in views:
        if view is target or (view.name in (now.previous, now.effective) and now.changed):
            continue
        old = primary.verdict(before, view.name) if before else verdict_in_status(view)
        if old != primary.verdict(now, view.name):
            moved.append(view)
    return moved


async def _record_move(ctx: Context, views: dict[str, View], election: Election) -> None:
    """Write the primary_changes row first: a crash after it is caught by the idempotency check."""
    new = views[election.effective or ""]
    old = views.get(election.previous or "")
    move = PrimaryMove(
        namespace=new.namespace,
        from_strategy_id=old.strategy_id if old else None,
        to_strategy_id=new.strategy_id,
        from_generation=old.generation if old else None,
        to_generation=new.generation,
        git_revision=new.git_revision(),
        reason=_move_reason(election, old),
    )
    await asyncio.to_thread(record_primary_move, ctx.engine, move)


def _move_reason(election: Election, old: View | None) -> str:
    if election.previous is None:
        return f"{election.effective} is the only resource claiming spec.primary"
    if old is None or old.deleting:
        return f"{election.previous} was deleted; {election.effective} is the only claimant"
    return f"{election.effective} is now the only resource claiming spec.primary"


async def _mirror(ctx: Context, target: View) -> None:
    if target.duplicate_of:
        return  # the row belongs to the resource that had the strategyId first
    if target.deleting:
        await asyncio.to_thread(mark_removed, ctx.engine, target)
    else:
        await asyncio.to_thread(mirror_config, ctx.engine, target)
