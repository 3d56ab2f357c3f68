"""kopf handlers of backtest-on-change: one backtest Job per configuration hash.

A second handler on TradingStrategy (next to the reconcile, under its own
field manager, so neither overwrites the other's status): when the config
hash changes it starts `<name>-bt-<hash>` unless that configuration already
has a stored result or a Job; a watch on those Jobs turns their end into
`status.backtest` and the `BacktestReady` condition. A spec the class refuses
is the reconcile's `Ready=False`; nothing is backtested then.
"""

from __future__ import annotations

import asyncio
from typing import Any, cast

import kopf
from pydantic import ValidationError

from stratops.core.kube import object_path, strategy_path
from stratops.core.research.results import find_config_backtest
from stratops.core.resource import GROUP, PLURAL, VERSION, TradingStrategySpec
from stratops.core.spec_validation import check_parsed
from stratops.core.status import now_rfc3339
from stratops.core.strategies.identity import config_hash
from stratops.operator.children.common import (
    LABEL_COMPONENT,
    LABEL_STRATEGY,
    MANAGED_BY,
    Owner,
)
from stratops.operator.context import Context
from stratops.operator.research import backtest_jobs as bj
from stratops.operator.status import differs

JsonDict = dict[str, Any]
BACKTEST_JOBS = {LABEL_COMPONENT: bj.COMPONENT_BACKTEST, "app.kubernetes.io/managed-by": MANAGED_BY}


def _ctx(memo: Any) -> Context:
    return cast(Context, memo.ctx)


def configured(body: kopf.Body) -> tuple[Owner, TradingStrategySpec, str] | None:
    """Owner, spec and config hash; None for a spec the strategy class refuses."""
    try:
        spec = TradingStrategySpec.model_validate(dict(body.get("spec") or {}))
    except ValidationError:
        return None
    checked = check_parsed(spec)
    if checked.params is None or not checked.ok:
        return None
    meta = body.meta
    owner = Owner(meta.name or "", meta.namespace or "", meta.uid or "", spec.strategy_id)
    return owner, spec, config_hash(spec.strategy_class, checked.params, spec)


def _stored(ctx: Context, strategy_id: str, digest: str) -> JsonDict | None:
    row = find_config_backtest(ctx.engine, strategy_id, digest)
    return bj.row_json(row) if row is not None else None


async def _write(
    ctx: Context,
    owner: Owner,
    digest: str,
    job: JsonDict | None,
    body: kopf.Body,
    stored: JsonDict | None,
    fresh: bool = False,
) -> None:
    """Apply status.backtest and BacktestReady. With a `fresh` body (just read from the
    API server) a status that already says all this is not written again: every move
    of every backtest Job comes here, and most change nothing the status shows."""
    phase, message = bj.job_phase(job)
    status = body.get("status") or {}
    apply = bj.backtest_status(
        owner,
        digest,
        bj.backtest_job_name(owner.name, digest),
        phase,
        message,
        stored,
        list(status.get("conditions") or []),
        body.meta.get("generation"),
        now_rfc3339(),
    )
    same = status.get("backtest") == apply["status"]["backtest"] and not differs(status, apply)
    if fresh and same:
        return
    await ctx.kube.apply(apply, subresource="status", manager=bj.MANAGER)


@kopf.on.resume(GROUP, VERSION, PLURAL)
@kopf.on.create(GROUP, VERSION, PLURAL)
@kopf.on.update(GROUP, VERSION, PLURAL, field="spec")
async def backtest_on_change(body: kopf.Body, memo: Any, **_: Any) -> None:
    """Start the configuration's backtest once; a stored result or an existing Job is enough."""
    if body.meta.get("deletionTimestamp"):
        return
    found = configured(body)
    if found is None:
        return
    owner, spec, digest = found
    ctx = _ctx(memo)
    job_path = object_path(
        "batch/v1", "Job", owner.namespace, bj.backtest_job_name(owner.name, digest)
    )
    job, stored = await asyncio.gather(
        ctx.kube.get_or_none(job_path),
        asyncio.to_thread(_stored, ctx, owner.strategy_id, digest),
    )
    if job is None and stored is None:
        job = await ctx.kube.create_or_get(bj.build_backtest_job(owner, spec, digest, ctx.settings))
    await _write(ctx, owner, digest, job, body, stored)


@kopf.on.event("batch", "v1", "jobs", labels=BACKTEST_JOBS)
async def backtest_job(body: kopf.Body, memo: Any, **_: Any) -> None:
    """A backtest Job moved: report it on its strategy, if that still has this configuration."""
    labels = body.meta.labels
    name, namespace = labels.get(LABEL_STRATEGY), body.meta.namespace
    digest = (body.meta.annotations or {}).get(bj.ANNOTATION_CONFIG)
    if not (name and namespace and digest):
        return
    ctx = _ctx(memo)
    strategy = await ctx.kube.get_or_none(strategy_path(namespace, name))
    if strategy is None:
        return
    current = configured(kopf.Body(cast(kopf.RawBody, strategy)))
    if current is None or current[2] != digest:
        return  # an older configuration's Job: its row is kept, the status shows the new one
    stored = await asyncio.to_thread(_stored, ctx, current[0].strategy_id, digest)
    fresh = kopf.Body(cast(kopf.RawBody, strategy))
    await _write(ctx, current[0], digest, dict(body), fresh, stored, fresh=True)
