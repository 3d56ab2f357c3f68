"""kopf registrations for observability: the schedule timer, the resume stamp, reconcile metrics.

`register(registry, settings)` adds, with intervals from the settings:

* a timer per TradingStrategy that checks its schedule (`schedule_check`) and
  keeps the metrics book (phase, primary role) current; each resource's first
  check comes at its own point within the first interval, not all at once;
* a handler on `spec.active` that stamps `stratops.dev/active-since` when a
  suspended strategy is resumed, so the pause is not reported as missed;
* an optional delete handler that drops the resource's series;
* a log filter that gives kopf's lines about a resource its strategy id.

`measured(...)` wraps a reconcile: count, duration, and the resource's
fields on every log line inside.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from functools import partial
from typing import Any, cast

import httpx
import kopf
from sqlalchemy.exc import SQLAlchemyError

from stratops.core.kube import KubeError
from stratops.core.logs import log_context
from stratops.core.resource import GROUP, PLURAL, VERSION
from stratops.operator import prometheus
from stratops.operator.context import Context
from stratops.operator.missed_runs import ACTIVE_SINCE
from stratops.operator.resources import View
from stratops.operator.schedule_check import Clock, check_schedule
from stratops.operator.settings import OperatorSettings
from stratops.operator.status import now_rfc3339

log = logging.getLogger(__name__)
TIMER_ID = "runs_on_schedule"


def register(registry: kopf.OperatorRegistry, settings: OperatorSettings) -> None:
    """Add the observability handlers to `registry`."""
    clock = Clock.of(settings)
    interval = settings.missed_run_check_seconds

    def first_delay(*, meta: Mapping[str, Any], **_: Any) -> float:
        return first_check_delay(str(meta.get("uid", "")), interval)

    timer = kopf.timer(
        GROUP,
        VERSION,
        PLURAL,
        id=TIMER_ID,
        interval=interval,
        initial_delay=first_delay,
        registry=registry,
    )
    timer(partial(runs_on_schedule, clock=clock))
    stamp = kopf.on.field(
        GROUP, VERSION, PLURAL, id="active_since", field="spec.active", registry=registry
    )
    stamp(partial(stamp_resume, clock=clock))
    kopf.on.delete(GROUP, VERSION, PLURAL, id="forget", optional=True, registry=registry)(forget)
    for handler in logging.getLogger().handlers:
        handler.addFilter(StrategyIds())


def first_check_delay(uid: str, interval: float) -> float:
    """When a resource's first schedule check runs: a fixed point within one interval,
    spread by its uid.

    Without it, every timer fires the moment its resource appears: a fleet applied
    at once, or an operator restarting over one, made a burst of ledger reads and
    status writes in the very seconds the reconciles need. Spread over the
    interval, each resource is still checked within one interval, as always.
    """
    digest = hashlib.sha256(uid.encode()).digest()
    return interval * int.from_bytes(digest[:4], "big") / 2**32


class StrategyIds(logging.Filter):
    """kopf's own lines about a resource carry its object reference but not its
    strategy id; the metrics book knows it."""

    def filter(self, record: logging.LogRecord) -> bool:
        ref = getattr(record, "k8s_ref", None)
        if isinstance(ref, Mapping) and getattr(record, "strategy_id", None) is None:
            entry = prometheus.BOOK.entries.get((str(ref.get("namespace")), str(ref.get("name"))))
            if entry is not None:
                record.strategy_id = entry.strategy_id
        return True


async def runs_on_schedule(clock: Clock, **kwargs: Any) -> None:
    """One periodic check; failures are logged and retried at the next tick."""
    ctx, view = cast(Context, kwargs["memo"].ctx), View.from_body(kwargs["body"])
    if view.deleting:
        return
    with log_context(resource=view.name, namespace=view.namespace, strategy_id=view.strategy_id):
        book(ctx, view)
        try:
            await check_schedule(ctx, view, clock)
        except (KubeError, httpx.HTTPError, SQLAlchemyError) as err:
            log.warning("schedule check failed, retried next time: %s", err)


def book(ctx: Context, view: View) -> None:
    """Record the resource's phase (as the reconcile decides it) for the scrape-time gauges."""
    phase = "Error" if view.check().error else ("Active" if view.active else "Suspended")
    entry = prometheus.Entry(view.strategy_id, phase, bool(view.status.get("effectivePrimary")))
    prometheus.BOOK.primaries = ctx.primaries
    prometheus.BOOK.record(view.namespace, view.name, entry)


async def stamp_resume(clock: Clock, old: Any, new: Any, patch: kopf.Patch, **_: Any) -> None:
    """`active: false` -> true (or unset): the schedule counts from now."""
    if old is False and new is not False:
        patch.metadata.annotations[ACTIVE_SINCE] = now_rfc3339(clock.now())


async def forget(body: kopf.Body, **_: Any) -> None:
    meta = body.get("metadata") or {}
    prometheus.BOOK.forget(str(meta.get("namespace")), str(meta.get("name")))


@asynccontextmanager
async def measured(handler: str, ctx: Context, view: View) -> AsyncIterator[None]:
    """Count and time a reconcile, tag its log lines, then book the resource's phase."""
    fields = {"resource": view.name, "namespace": view.namespace, "strategy_id": view.strategy_id}
    with log_context(**fields):
        async with prometheus.reconcile_measured(handler):
            yield
    if not view.deleting:
        book(ctx, view)
