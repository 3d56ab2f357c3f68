"""kopf handlers of StrategySweep: validate, start one Indexed Job, keep the status current.

* create/update/resume share one idempotent function: the inputs are
  validated first (spec model, base strategy, every set against the class's
  parameter model); bad input is `Ready=False` naming the field and no Job;
* the Job is named from the inputs hash and owned by the sweep, so a restart
  finds it, a changed spec suspends it and starts the new inputs' Job, and
  deleting the sweep deletes (stops) it through garbage collection;
* a timer turns the Job's indexes and the stored rows into done/total, the
  failed sets with their reasons and the best sets, until the Job ends.
"""

from __future__ import annotations

import asyncio
from typing import Any, cast

import kopf
from pydantic import ValidationError

from stratops.core.errors import UserError
from stratops.core.kube import object_path, strategy_path
from stratops.core.manifests import parse_strategy
from stratops.core.research import results, store
from stratops.core.research.plan import (
    SweepPlan,
    build_plan,
    completions,
    parse_sweep,
    slice_of,
    stored_plan,
)
from stratops.core.research.spec import PLURAL
from stratops.core.resource import GROUP, VERSION
from stratops.core.status import now_rfc3339
from stratops.operator.context import Context
from stratops.operator.research import sweep_jobs, sweep_status

JsonDict = dict[str, Any]
MERGE = "application/merge-patch+json"
BASE_RETRY_S = 15.0
STATUS_INTERVAL_S = 2.0
TERMINAL = ("Succeeded", "Failed", "Error")


class SweepRefusedError(Exception):
    def __init__(self, reason: str, message: str, retry: bool = False) -> None:
        self.reason, self.retry = reason, retry
        super().__init__(message)


def _ctx(memo: Any) -> Context:
    return cast(Context, memo.ctx)


def sweep_path(namespace: str, name: str) -> str:
    return f"/apis/{GROUP}/{VERSION}/namespaces/{namespace}/{PLURAL}/{name}"


async def _patch_status(ctx: Context, namespace: str, name: str, status: JsonDict) -> None:
    path = sweep_path(namespace, name) + "/status"
    await ctx.kube.request("PATCH", path, {"status": status}, content_type=MERGE)


async def _plan(ctx: Context, body: kopf.Body) -> SweepPlan:
    doc = {k: body.get(k) for k in ("apiVersion", "kind", "metadata", "spec")}
    doc["metadata"] = {"name": body.meta.name, "namespace": body.meta.namespace}
    try:
        sweep = parse_sweep(doc, body.meta.name or "")
    except UserError as err:
        message = str(err).split(": ", 1)[1] if ": " in str(err) else str(err)
        raise SweepRefusedError("InvalidSpec", message) from None
    namespace = body.meta.namespace or ""
    found = await ctx.kube.get_or_none(strategy_path(namespace, sweep.spec.base_strategy))
    if found is None:
        message = f"spec.baseStrategy: no TradingStrategy named {sweep.spec.base_strategy!r}"
        raise SweepRefusedError("BaseStrategyNotFound", message, retry=True)
    try:
        base = parse_strategy(_manifest(found), sweep.spec.base_strategy)
        return build_plan(sweep, base, ctx.settings.sweep_max_sets)
    except (UserError, ValidationError) as err:
        raise SweepRefusedError("InvalidSpec", str(err)) from None


def _manifest(found: JsonDict) -> JsonDict:
    meta = found.get("metadata", {})
    return {
        "apiVersion": found["apiVersion"],
        "kind": found["kind"],
        "metadata": {"name": meta.get("name"), "namespace": meta.get("namespace")},
        "spec": found.get("spec", {}),
    }


async def _suspend_jobs(ctx: Context, namespace: str, name: str, keep: str | None) -> None:
    """Jobs of older inputs stop (suspended pods are terminated): a sweep never runs twice.

    The Job of the current inputs runs again if an earlier bad spec had suspended it.
    """
    selector = {"labelSelector": f"{sweep_jobs.LABEL_SWEEP}={name}"}
    listing = await ctx.kube.request(
        "GET", object_path("batch/v1", "Job", namespace), params=selector
    )
    for item in listing.get("items", []):
        job = item["metadata"]["name"]
        suspend = job != keep
        if bool(item.get("spec", {}).get("suspend")) != suspend:
            path = object_path("batch/v1", "Job", namespace, job)
            patch = {"spec": {"suspend": suspend}}
            await ctx.kube.request("PATCH", path, patch, content_type=MERGE)


@kopf.on.resume(GROUP, VERSION, PLURAL)
@kopf.on.create(GROUP, VERSION, PLURAL)
@kopf.on.update(GROUP, VERSION, PLURAL, field="spec")
async def ensure_sweep(body: kopf.Body, memo: Any, **_: Any) -> None:
    ctx = _ctx(memo)
    namespace, name = body.meta.namespace or "", body.meta.name or ""
    generation = body.meta.get("generation")
    existing = body.get("status", {}).get("conditions") or []
    try:
        plan = await _plan(ctx, body)
    except SweepRefusedError as refused:
        await _suspend_jobs(ctx, namespace, name, keep=None)
        status = sweep_status.invalid_status(
            refused.reason, str(refused), generation, existing, now_rfc3339()
        )
        await _patch_status(ctx, namespace, name, status)
        if refused.retry:
            raise kopf.TemporaryError(str(refused), delay=BASE_RETRY_S) from None
        return
    await _start(ctx, plan, body.meta.uid or "", generation, existing)


async def _start(
    ctx: Context, plan: SweepPlan, uid: str, generation: int | None, existing: list[JsonDict]
) -> None:
    sweep_id = await asyncio.to_thread(_ensure_row, ctx, plan)
    job = sweep_jobs.job_name(plan)
    await ctx.kube.create_if_absent(
        sweep_jobs.build_sweep_job(plan, uid, completions(plan), ctx.settings)
    )
    await _suspend_jobs(ctx, plan.namespace, plan.sweep.name, keep=job)
    await _refresh(ctx, plan, sweep_id, generation, existing)


def _ensure_row(ctx: Context, plan: SweepPlan) -> int:
    return store.ensure_sweep(ctx.engine, plan)


def _observe(ctx: Context, sweep_id: int, top: int) -> tuple[results.Progress, list[Any]]:
    return results.progress(ctx.engine, sweep_id), results.ranked(ctx.engine, sweep_id, top)


async def _refresh(
    ctx: Context, plan: SweepPlan, sweep_id: int, generation: int | None, existing: list[JsonDict]
) -> str:
    job_name = sweep_jobs.job_name(plan)
    job = await ctx.kube.get_or_none(object_path("batch/v1", "Job", plan.namespace, job_name))
    progress, top = await asyncio.to_thread(_observe, ctx, sweep_id, plan.sweep.spec.top)
    slices = [[s.index for s in slice_of(plan, i)] for i in range(completions(plan))]
    observed = sweep_status.Observed(
        generation=generation,
        job_name=job_name,
        sweep_id=sweep_id,
        total=len(plan.sets),
        slices=slices,
        job=sweep_status.JobState.of(job),
        progress=progress,
        top=top,
    )
    status = sweep_status.running_status(observed, existing, now_rfc3339())
    await _patch_status(ctx, plan.namespace, plan.sweep.name, status)
    return str(status["phase"])


@kopf.timer(GROUP, VERSION, PLURAL, interval=STATUS_INTERVAL_S, initial_delay=STATUS_INTERVAL_S)
async def sweep_progress(body: kopf.Body, memo: Any, **_: Any) -> None:
    """Until the Job ends: done/total, failures and the best sets, from the Job and the rows."""
    status = body.get("status", {})
    current = status.get("observedGeneration") == body.meta.get("generation")
    if status.get("phase") in TERMINAL and current:
        return
    if status.get("sweepId") is None or not current:
        return  # the create/update handler has not started this generation yet
    ctx = _ctx(memo)
    plan = await asyncio.to_thread(stored_plan, ctx.engine, int(status["sweepId"]))
    await _refresh(
        ctx,
        plan,
        int(status["sweepId"]),
        body.meta.get("generation"),
        status.get("conditions") or [],
    )
