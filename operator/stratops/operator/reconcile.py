"""Reconciling one resource in the light of its whole namespace.

Every handler ends here: elect the effective primary, record a change,
apply this resource's children, re-apply the runners whose role moved,
refresh the shared market-data objects, then write statuses and events.
Each step is idempotent, so a retry, a resume after a crash or a duplicate
event converges on the same objects and records a promotion once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any, cast

import kopf

from stratops.operator import children as ch
from stratops.operator import primary
from stratops.operator.children.marketdata import Member
from stratops.operator.children.runner import runner_schedule
from stratops.operator.context import Context
from stratops.operator.kube import object_path
from stratops.operator.mirror import PrimaryMove, mark_removed, mirror_config, record_primary_move
from stratops.operator.primary import Election, elect, previous_from_status
from stratops.operator.resources import View
from stratops.operator.status import (
    PRIMARY_CONFLICT,
    READY,
    Outcome,
    build_primary_status,
    build_status,
    differs,
    now_rfc3339,
)

PRIMARY_MANAGER = "stratops-operator-primary"
JsonDict = dict[str, Any]


async def reconcile(ctx: Context, target: View, others: Iterable[View]) -> None:
    """Bring `target` (and whatever its change affects) to the desired state."""
    views = {v.name: v for v in others if v.uid != target.uid}
    views[target.name] = target
    async with ctx.lock(target.namespace):
        election = _elect(ctx, target.namespace, views.values())
        if election.changed and election.effective is not None:
            await _record_move(ctx, views, election)
        if not target.deleting:
            await ensure_children(ctx, target, election)
        await _reapply_moved_runners(ctx, views, election, target)
        await ensure_market_data(ctx, target.namespace, views.values(), election)
        await _write_statuses(ctx, views, election, target)
        ctx.primaries[target.namespace] = election.effective
        ctx.elections[target.namespace] = election
        await _mirror(ctx, target, election)


def _elect(ctx: Context, namespace: str, views: Iterable[View]) -> Election:
    claims = [v.claim() for v in views]
    known = namespace in ctx.primaries
    previous = ctx.primaries[namespace] if known else previous_from_status(claims)
    return elect(claims, previous)


def role_of(view: View, election: Election) -> ch.RunnerRole:
    checked = view.check()
    runnable = checked.error is None and view.active and not view.deleting
    return ch.RunnerRole(effective_primary=view.name == election.effective, runnable=runnable)


async def ensure_children(ctx: Context, view: View, election: Election) -> None:
    """ServiceAccount, Role, RoleBinding, state ConfigMap (created once) and the runner."""
    owner = view.owner()
    for obj in (
        ch.build_service_account(owner),
        ch.build_role(owner),
        ch.build_role_binding(owner),
    ):
        await ctx.kube.apply(obj)
    checked = view.check()
    if checked.spec is not None:
        await ctx.kube.create_if_absent(ch.build_state_configmap(owner, checked.spec))
        await ctx.kube.apply(ch.state_ownership(owner, checked.spec))
    await ensure_runner(ctx, view, election)


async def ensure_runner(ctx: Context, view: View, election: Election) -> None:
    """Apply the runner CronJob; a spec in error only suspends an existing one."""
    checked = view.check()
    if checked.error is None and checked.spec is not None:
        role = role_of(view, election)
        cronjob = ch.build_runner_cronjob(view.owner(), checked.spec, role, ctx.settings)
        await ctx.kube.apply(cronjob)
        return
    path = object_path("batch/v1", "CronJob", view.namespace, ch.runner_name(view.name))
    if await ctx.kube.get_or_none(path) is not None:
        suspend = {"spec": {"suspend": True}}
        await ctx.kube.request("PATCH", path, suspend, content_type="application/merge-patch+json")


async def _reapply_moved_runners(
    ctx: Context, views: dict[str, View], election: Election, target: View
) -> None:
    """The old and new primary swap PriorityClass and schedule slot."""
    if not election.changed:
        return
    for name in (election.previous, election.effective):
        view = views.get(name or "")
        if view is not None and view is not target and not view.deleting:
            await ensure_runner(ctx, view, election)


def member(view: View, election: Election, ctx: Context) -> Member:
    checked = view.check()
    role = role_of(view, election)
    if checked.spec is None:
        return Member(view.owner(), False, "", "", ())
    cron = runner_schedule(checked.spec, role, ctx.settings)
    return Member(
        view.owner(), role.runnable, cron, checked.spec.time_zone, checked.symbols,
        role.effective_primary,
    )  # fmt: skip


async def ensure_market_data(
    ctx: Context, namespace: str, views: Iterable[View], election: Election
) -> None:
    """The shared PVC and fetch CronJob, owned by every live strategy of the namespace."""
    members = [member(v, election, ctx) for v in views if not v.deleting]
    if not members:
        return  # garbage collection removes both with their last owner
    await ctx.kube.apply(ch.build_market_data_pvc(namespace, members, ctx.settings))
    await ctx.kube.apply(ch.build_market_data_cronjob(namespace, members, ctx.settings))


def outcome_of(view: View, election: Election, ctx: Context) -> Outcome:
    checked = view.check()
    role = role_of(view, election)
    conflict = election.conflict_message(view.name) if view.name in election.conflicting else None
    cron = runner_schedule(checked.spec, role, ctx.settings) if checked.spec else ""
    return Outcome(
        generation=view.generation,
        error=checked.error,
        active=view.active,
        effective_primary=role.effective_primary,
        conflict=conflict,
        conflict_reason=election.conflict_reason,
        schedule=cron,
    )


async def _write_statuses(
    ctx: Context, views: dict[str, View], election: Election, target: View
) -> None:
    """Primary verdicts first (old holder cleared before the new one is set, so no
    observer ever sees two), then the target's own generation, phase and Ready."""
    now = now_rfc3339()
    before = ctx.elections.get(target.namespace)
    order = sorted(views.values(), key=lambda v: (v.name != election.previous, v.name))
    for view in order:  # a resource being deleted is written too: it must drop the role
        outcome = outcome_of(view, election, ctx)
        verdict = build_primary_status(view.name, view.namespace, outcome, view.status, now)
        if view is target or _verdict_moved(before, election, view, verdict):
            await ctx.kube.apply(verdict, subresource="status", manager=PRIMARY_MANAGER)
            _post_events(view, verdict)
    if not target.deleting:
        outcome = outcome_of(target, election, ctx)
        own = build_status(target.name, target.namespace, outcome, target.status, now)
        await ctx.kube.apply(own, subresource="status")
        _post_events(target, own)
    if election.changed:
        _post_primary_change(views, election)


def _verdict_moved(before: Election | None, now: Election, view: View, body: JsonDict) -> bool:
    """Whether another resource's verdict needs writing: it changed since the last election
    this process made, or (first election after a start) it differs from its status."""
    if before is None:
        return differs(view.status, body)
    return primary.verdict(before, view.name) != primary.verdict(now, view.name)


def _post_events(view: View, desired: dict[str, object]) -> None:
    """Warnings for conditions that newly went bad (or changed their message)."""
    old = {c.get("type"): c for c in view.status.get("conditions") or []}
    status = desired["status"]
    assert isinstance(status, dict)
    for cond in status["conditions"]:
        bad = (cond["type"] == READY and cond["status"] == "False") or (
            cond["type"] == PRIMARY_CONFLICT and cond["status"] == "True"
        )
        before = old.get(cond["type"], {})
        fresh = (before.get("status"), before.get("message")) != (cond["status"], cond["message"])
        if bad and fresh:
            reason = PRIMARY_CONFLICT if cond["type"] == PRIMARY_CONFLICT else cond["reason"]
            post_event(view, "Warning", reason, cond["message"])


def _post_primary_change(views: dict[str, View], election: Election) -> None:
    moved = f"from {election.previous or 'nobody'} to {election.effective or 'nobody'}"
    for name in (election.previous, election.effective):
        view = views.get(name or "")
        if view is not None:
            post_event(view, "Normal", "PrimaryChanged", f"effective primary moved {moved}")


def post_event(view: View, type_: str, reason: str, message: str) -> None:
    """A Kubernetes event on the resource, posted by kopf in the background."""
    body = kopf.Body(cast(kopf.RawBody, view.ref()))
    kopf.event(body, type=type_, reason=reason, message=message)


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


async def _mirror(ctx: Context, target: View, election: Election) -> None:
    if target.duplicate_of:
        return  # the row belongs to the resource that had the strategyId first
    if target.deleting:
        await asyncio.to_thread(mark_removed, ctx.engine, target)
    else:
        is_primary = target.name == election.effective
        await asyncio.to_thread(mirror_config, ctx.engine, target, is_primary)
