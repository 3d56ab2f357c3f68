"""kopf registrations: thin wrappers that hand everything to `reconcile` and `alerts`.

Importing this module registers the handlers in kopf's default registry;
`stratops operator` does that just before starting kopf.

* create, update and resume share one idempotent function, so a restarted
  operator re-applies (server-side apply, no duplicates) instead of skipping;
  the research handlers (backtest-on-change, sweeps) are registered after it;
* delete runs under kopf's finalizer, so the primary role and the
  strategy_configs row are settled before the resource disappears;
* an index keeps every TradingStrategy in memory, which is what primary
  election and the shared market-data job look at.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import replace
from functools import partial
from typing import Any, cast

import httpx
import kopf
from sqlalchemy.exc import SQLAlchemyError

from stratops.core.kube import KubeError, from_environment
from stratops.core.resource import GROUP, PLURAL, VERSION
from stratops.operator import alerts, observe, prometheus
from stratops.operator.children.common import COMPONENT_RUNNER, LABEL_COMPONENT, MANAGED_BY
from stratops.operator.context import Context
from stratops.operator.reconcile import reconcile
from stratops.operator.resources import View, mark_duplicates
from stratops.operator.writers import post_event

PREFIX = "stratops.dev"
RETRY_DELAY_S = 3.0
RUNNER_JOBS = {LABEL_COMPONENT: COMPONENT_RUNNER, "app.kubernetes.io/managed-by": MANAGED_BY}


def context(memo: Any) -> Context:
    return cast(Context, memo.ctx)


@asynccontextmanager
async def retried() -> AsyncIterator[None]:
    """API and database hiccups are temporary: retry soon instead of kopf's 60 s default."""
    try:
        yield
    except (KubeError, httpx.HTTPError, SQLAlchemyError) as err:
        raise kopf.TemporaryError(f"{type(err).__name__}: {err}", delay=RETRY_DELAY_S) from err


class LeanDiffBase(kopf.AnnotationsDiffBaseStorage):
    """kopf's diff base (the "essence" it compares to see what changed), built
    without deep-copying what it then throws away.

    kopf builds the essence of every watch event of every resource by deep-copying
    the whole body, then dropping metadata and status. Those are most of it: the
    managedFields of kubectl, kopf and four status field managers, and the status
    itself. Handing it the body without them gives the same essence for a
    fraction of the copying (a profile of 200 new resources showed deepcopy as the
    operator's largest own cost). Extra fields (field handlers on status) take the
    whole body, as before.
    """

    def build(
        self, *, body: kopf.Body, extra_fields: Iterable[Any] | None = None
    ) -> kopf.BodyEssence:
        if extra_fields:
            return super().build(body=body, extra_fields=extra_fields)
        meta = body.get("metadata") or {}
        kept = {key: meta[key] for key in ("labels", "annotations") if key in meta}
        lean = {key: value for key, value in body.items() if key not in ("metadata", "status")}
        lean["metadata"] = kept
        return super().build(body=kopf.Body(cast(kopf.RawBody, lean)))


@kopf.on.startup()
async def configure(settings: kopf.OperatorSettings, **_: Any) -> None:
    """Keep kopf's bookkeeping in our own annotations; post only warnings as events."""
    settings.persistence.progress_storage = kopf.AnnotationsProgressStorage(prefix=PREFIX)
    settings.persistence.diffbase_storage = LeanDiffBase(
        prefix=PREFIX, key="last-handled-configuration"
    )
    settings.persistence.finalizer = f"{PREFIX}/finalizer"
    settings.posting.level = logging.WARNING
    settings.posting.reporting_component = "stratops-operator"
    settings.watching.server_timeout = 300
    settings.watching.client_timeout = 330


@kopf.on.login()
async def login(memo: Any, **kwargs: Any) -> kopf.ConnectionInfo | None:
    """kopf and our own client log in from the same place: in-cluster account, then kubeconfig.

    Our client is given a loader rather than kopf's credentials, so that a 401
    on its own calls loads them afresh instead of failing until a restart.
    """
    context(memo).kube.use(partial(from_environment, os.environ))
    return kopf.login_with_service_account(**kwargs) or kopf.login_with_kubeconfig(**kwargs)


@kopf.on.cleanup()
async def close(memo: Any, **_: Any) -> None:
    ctx = context(memo)
    await ctx.kube.close()
    ctx.engine.dispose()


@kopf.index(GROUP, VERSION, PLURAL)
async def strategies(*, body: kopf.Body, **_: Any) -> dict[str, View]:
    """Every TradingStrategy, by namespace, as a frozen view.

    A coroutine although it awaits nothing: kopf runs a plain function in its
    thread pool, and this one runs on every watch event of every resource.
    """
    view = View.from_body(body)
    return {view.namespace: view}


def _inputs(kwargs: dict[str, Any]) -> tuple[Context, View, list[View]]:
    """The context, this resource, and the rest of its namespace from the index,
    with strategyIds already taken by older resources (in any namespace) marked."""
    view = View.from_body(kwargs["body"])
    index: kopf.Index[str, View] = kwargs["strategies"]
    ctx = context(kwargs["memo"])
    ctx.snapshot = lambda namespace: _snapshot(index, namespace)
    everyone = [v for namespace in index for v in index[namespace] if v.uid != view.uid]
    everyone.append(view)
    local = [v for v in everyone if v.namespace == view.namespace and v.uid != view.uid]
    target, *others = mark_duplicates([view, *local], everyone)
    return ctx, target, others


def _snapshot(index: kopf.Index[str, View], namespace: str) -> list[View]:
    """The namespace's resources as the index holds them now, duplicates marked."""
    everyone = [v for ns in index for v in index[ns]]
    return mark_duplicates(list(index.get(namespace, [])), everyone)


@kopf.on.resume(GROUP, VERSION, PLURAL)
@kopf.on.create(GROUP, VERSION, PLURAL)
@kopf.on.update(GROUP, VERSION, PLURAL)
async def ensure(**kwargs: Any) -> None:
    ctx, view, others = _inputs(kwargs)
    async with observe.measured("ensure", ctx, view), retried():
        await reconcile(ctx, view, others)


@kopf.on.delete(GROUP, VERSION, PLURAL)
async def remove(**kwargs: Any) -> None:
    """Children go with garbage collection; here the role moves on and the DB row goes inactive."""
    ctx, view, others = _inputs(kwargs)
    view = replace(view, deleting=True)  # kopf may call this before the timestamp is seen
    async with observe.measured("remove", ctx, view), retried():
        await reconcile(ctx, view, others)


@kopf.on.event("batch", "v1", "jobs", labels=RUNNER_JOBS)
async def runner_job(**kwargs: Any) -> None:
    """Alert on a failed runner Job: event and condition always, webhook for the primary."""
    failure = alerts.failure_of(kwargs["body"])
    if failure is None:
        return
    ctx, logger = context(kwargs["memo"]), kwargs["logger"]
    index: kopf.Index[str, View] = kwargs["strategies"]
    found = [v for v in index.get(failure.namespace, []) if v.name == failure.strategy]
    if not found:
        logger.info("failed Job %s belongs to no known strategy", failure.job)
        return
    view = found[0]
    known = view.namespace in ctx.primaries
    primary = (
        ctx.primaries[view.namespace] == view.name
        if known
        else bool(view.status.get("effectivePrimary"))
    )
    role = "primary" if primary else "secondary"
    post_event(
        view, "Warning", "RunFailed", f"{role} runner Job {failure.job} failed: {failure.message}"
    )
    try:
        problems = await alerts.handle_failure(ctx, failure, view, primary)
    except (KubeError, httpx.HTTPError) as err:
        logger.error("alerting on Job %s failed: %s", failure.job, err)
        return
    if primary:
        prometheus.alert_raised("run_failed", problems)
    for problem in problems:
        post_event(view, "Warning", "AlertWebhookFailed", problem)


def registry() -> kopf.OperatorRegistry:
    """The registry holding the handlers above (kopf's default one)."""
    return kopf.get_default_registry()


# Registered after `ensure`, so a new or changed resource gets its runner and its
# Ready condition first and its configuration's backtest Job right after, in the
# same handling cycle (kopf runs one cause's handlers in registration order).
from stratops.operator.research import backtests, sweeps  # noqa: E402, F401  (registers handlers)
