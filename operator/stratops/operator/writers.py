"""Idempotent writes of one reconcile: runners, access and state, statuses, events.

`converge` is the one entry: it takes the election the reconcile made once
and writes everything that follows from it, in order: when the role moved,
the old holder is cleared before the new one is set (verdict, then runner);
then the verdicts the election moved for other resources; then the resource's
own children, its verdict, and last its own status (observedGeneration means
everything before it was done).

Everything that depends on the election (the runner CronJob and the primary
verdict in status) is written under the resource's own lock from the election
passed down, or from a newer one another reconcile stored meanwhile (read at
write time, never re-derived here). So when a promotion and a resource's own
reconcile race, whichever write lands last is right.

A status the operator already wrote is not written again: what it last wrote
is remembered per resource and field manager, because the watch body a
reconcile starts from may predate a write another reconcile made since.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any, cast

import kopf

from stratops.core.contract import OPERATOR_MANAGER, PRIMARY_MANAGER
from stratops.core.election import NOBODY, Election
from stratops.core.kube import MERGE_PATCH, object_path
from stratops.operator import children as ch
from stratops.operator.children.runner import offset_problem, runner_schedule
from stratops.operator.context import Context
from stratops.operator.resources import View
from stratops.operator.status import (
    PRIMARY_CONFLICT,
    READY,
    SCHEDULE_NOT_OFFSET,
    Outcome,
    build_primary_status,
    build_status,
    differs,
    now_rfc3339,
)

JsonDict = dict[str, Any]


async def converge(
    ctx: Context, target: View, views: Mapping[str, View], election: Election
) -> None:
    """Write what `election` and `target`'s spec call for; `views` is the whole namespace."""
    role_holders: tuple[str | None, ...] = ()
    if election.changed:
        role_holders = (election.previous, election.effective)
        await _move_role(ctx, views, election)
    for name in sorted(election.moved - {target.name, *role_holders}):
        if name in views:
            await _write_verdict(ctx, views[name], election)
    if not target.deleting:
        await asyncio.gather(
            _ensure_runner(ctx, target, election), _ensure_access_and_state(ctx, target)
        )
    await _write_verdict(ctx, target, election)
    if target.deleting:
        _forget_statuses(ctx, target)
    else:
        await _write_own_status(ctx, target, election)


async def _move_role(ctx: Context, views: Mapping[str, View], election: Election) -> None:
    """Clear the old holder, then set the new one; their runners swap priority and slot."""
    holders = [views[n] for n in (election.previous, election.effective) if n and n in views]
    for view in holders:
        await _write_verdict(ctx, view, election)  # one being deleted too: it must drop the role
        if not view.deleting:
            await _ensure_runner(ctx, view, election)
    moved = f"from {election.previous or 'nobody'} to {election.effective or 'nobody'}"
    for view in holders:
        post_event(view, "Normal", "PrimaryChanged", f"effective primary moved {moved}")


def newest(ctx: Context, namespace: str, election: Election) -> Election:
    """The namespace's newest election: the one passed down, unless a later reconcile
    stored a newer one meanwhile (elections are made once, under the namespace lock)."""
    return ctx.elections.get(namespace, election)


def role_of(view: View, election: Election) -> ch.RunnerRole:
    runnable = view.check().error is None and view.active and not view.deleting
    return ch.RunnerRole(effective_primary=view.name == election.effective, runnable=runnable)


def outcome_of(view: View, election: Election, ctx: Context) -> Outcome:
    checked = view.check()
    role = role_of(view, election)
    verdict = election.verdicts.get(view.name, NOBODY)
    cron = runner_schedule(checked.spec, role, ctx.settings) if checked.spec else ""
    valid = checked.spec if checked.error is None else None
    not_offset = offset_problem(valid, role, ctx.settings) if valid is not None else None
    return Outcome(
        generation=view.generation,
        error=checked.error,
        active=view.active,
        effective_primary=role.effective_primary,
        conflict=verdict.conflict,
        conflict_reason=verdict.conflict_reason,
        schedule=cron,
        not_offset=not_offset,
    )


async def _ensure_runner(ctx: Context, view: View, election: Election) -> None:
    """Apply the runner CronJob; a spec in error only suspends an existing one."""
    checked = view.check()
    path = object_path("batch/v1", "CronJob", view.namespace, ch.runner_name(view.name))
    async with ctx.lock(f"{view.namespace}/{view.name}"):
        if checked.error is None and checked.spec is not None:
            role = role_of(view, newest(ctx, view.namespace, election))
            cronjob = ch.build_runner_cronjob(view.owner(), checked.spec, role, ctx.settings)
            await ctx.kube.apply(cronjob)
        elif await ctx.kube.get_or_none(path) is not None:
            suspend = {"spec": {"suspend": True}}
            await ctx.kube.request("PATCH", path, suspend, content_type=MERGE_PATCH)


async def _ensure_access_and_state(ctx: Context, view: View) -> None:
    """ServiceAccount, Role, RoleBinding and the state ConfigMap (created once).

    The independent writes go out together; the RoleBinding follows its Role,
    since binding a Role the API server cannot find yet is refused to an
    operator that may not escalate.
    """
    owner = view.owner()
    checked = view.check()

    async def access() -> None:
        await asyncio.gather(
            ctx.kube.apply(ch.build_service_account(owner)), ctx.kube.apply(ch.build_role(owner))
        )
        await ctx.kube.apply(ch.build_role_binding(owner))

    async def state() -> None:
        if checked.spec is not None:
            await ctx.kube.create_if_absent(ch.build_state_configmap(owner, checked.spec))
            await ctx.kube.apply(ch.state_ownership(owner, checked.spec))

    await asyncio.gather(access(), state())


async def _write_verdict(ctx: Context, view: View, election: Election) -> None:
    """effectivePrimary and PrimaryConflict from the latest election."""
    async with ctx.lock(f"{view.namespace}/{view.name}"):
        outcome = outcome_of(view, newest(ctx, view.namespace, election), ctx)
        body = build_primary_status(view.name, view.namespace, outcome, view.status, now_rfc3339())
        written = await _apply_status(ctx, view, body, PRIMARY_MANAGER)
    if written:
        _post_events(view, body)


async def _write_own_status(ctx: Context, view: View, election: Election) -> None:
    """Generation, phase and Ready: written last, once every child has been applied."""
    outcome = outcome_of(view, newest(ctx, view.namespace, election), ctx)
    body = build_status(view.name, view.namespace, outcome, view.status, now_rfc3339())
    if await _apply_status(ctx, view, body, OPERATOR_MANAGER):
        _post_events(view, body)


async def _apply_status(ctx: Context, view: View, body: JsonDict, manager: str) -> bool:
    """Apply a status body unless it says what the resource's status already says.

    "Already says" is what this process last wrote for the resource and manager,
    else the status of the body the reconcile started from.
    """
    key = (manager, view.namespace, view.name, view.uid)
    if not differs(ctx.written_status.get(key, view.status), body):
        return False
    await ctx.kube.apply(body, subresource="status", manager=manager)
    ctx.written_status[key] = body["status"]
    return True


def _forget_statuses(ctx: Context, view: View) -> None:
    """Drop what was remembered about a resource that is gone."""
    for manager in (OPERATOR_MANAGER, PRIMARY_MANAGER):
        ctx.written_status.pop((manager, view.namespace, view.name, view.uid), None)


def _post_events(view: View, desired: JsonDict) -> None:
    """Warnings for conditions that newly went bad (or changed their message)."""
    old = {c.get("type"): c for c in view.status.get("conditions") or []}
    for cond in desired["status"]["conditions"]:
        bad = (cond["type"] == READY and cond["status"] == "False") or (
            cond["type"] in (PRIMARY_CONFLICT, SCHEDULE_NOT_OFFSET) and cond["status"] == "True"
        )
        before = old.get(cond["type"], {})
        fresh = (before.get("status"), before.get("message")) != (cond["status"], cond["message"])
        if bad and fresh:
            reason = cond["type"] if cond["type"] != READY else cond["reason"]
            post_event(view, "Warning", reason, cond["message"])


def post_event(view: View, type_: str, reason: str, message: str) -> None:
    """A Kubernetes event on the resource, posted by kopf in the background."""
    body = kopf.Body(cast(kopf.RawBody, view.ref()))
    kopf.event(body, type=type_, reason=reason, message=message)
