"""The periodic check of one resource's schedule: ledger read, condition, event, alert, backfill.

Run by a kopf timer for every TradingStrategy. Each step is idempotent and
keyed by what the resource's status already says, so a restarted operator
repeats none of the visible effects: the condition is written only when it
changes, the Warning event and the primary's webhook alert go out only for
a session not yet named in the status, and a backfill Job has a fixed name.

The alert goes out *before* the status names the sessions (as for failed
Jobs): a crash in between repeats an alert rather than losing one. And while
the resource's role is not known yet (no election in this process, none
recorded in the status), missed sessions are neither reported nor written:
judging the primary as a secondary would swallow its alert for good.
Each runner is judged against its own slot: a secondary's shifted schedule.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, func, select

from stratops.core.db import StrategyRun, UnitOfWork
from stratops.core.kube import object_path
from stratops.operator import missed_runs as mr
from stratops.operator import prometheus
from stratops.operator.alerts import post_webhook
from stratops.operator.children.common import runner_name
from stratops.operator.children.runner import RunnerRole, runner_schedule
from stratops.operator.context import Context
from stratops.operator.resources import View
from stratops.operator.settings import OperatorSettings
from stratops.operator.status import now_rfc3339
from stratops.operator.writers import post_event

SCHEDULE_MANAGER = "stratops-operator-schedule"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Clock:
    """The time missed-run detection judges against, and how late a run may be."""

    now: Callable[[], dt.datetime]
    grace: dt.timedelta

    @classmethod
    def of(cls, settings: OperatorSettings) -> Clock:
        grace = dt.timedelta(minutes=settings.missed_run_grace_minutes)
        return cls(lambda: dt.datetime.now(dt.UTC), grace)


def latest_run_date(engine: Engine, strategy_id: str) -> dt.date | None:
    """The newest trade date in the ledger for this strategy (None without runs)."""
    with UnitOfWork(engine) as session:
        query = select(func.max(StrategyRun.trade_date))
        found: dt.date | None = session.scalar(query.where(StrategyRun.strategy_id == strategy_id))
        return found


async def check_schedule(ctx: Context, view: View, clock: Clock) -> mr.Verdict:
    """Judge the resource now and make the verdict visible; returns it."""
    primary = mr.role_of(ctx.primaries, view)
    latest = await asyncio.to_thread(latest_run_date, ctx.engine, view.strategy_id)
    verdict = mr.judge(view, latest, clock.now(), clock.grace, slot_of(ctx, view, primary))
    step = mr.next_step(verdict, view.status, primary)
    if step == "wait":
        log.info("%s: role not known yet; missed sessions wait for the election", view.name)
        return verdict
    note = await _backfill(ctx, view, verdict)
    if step == "alert":
        await _report(ctx, view, verdict, bool(primary))
    body = mr.schedule_status(view, verdict, note, now_rfc3339())
    if mr.status_differs(view, body):
        await ctx.kube.apply(body, subresource="status", manager=SCHEDULE_MANAGER)
    prometheus.MISSED_SESSIONS.labels(view.namespace, view.name, view.strategy_id).set(
        len(verdict.missed)
    )
    return verdict


async def _backfill(ctx: Context, view: View, verdict: mr.Verdict) -> str:
    """Under `missedRunPolicy: backfill`, make sure the oldest missed session has its Job."""
    spec = view.check().spec
    if not verdict.missed or spec is None or spec.missed_run_policy != "backfill":
        return ""
    day = verdict.missed[0]
    name = mr.backfill_name(view.name, day)
    job = await ctx.kube.get_or_none(object_path("batch/v1", "Job", view.namespace, name))
    if job is not None:
        return mr.backfill_note(name, day, mr.job_state(job))
    path = object_path("batch/v1", "CronJob", view.namespace, runner_name(view.name))
    cronjob = await ctx.kube.get_or_none(path)
    if cronjob is None:
        return f"backfill of {day} waits for the runner CronJob"
    if await ctx.kube.create_if_absent(mr.build_backfill_job(cronjob, view.owner(), day)):
        post_event(view, "Normal", "Backfill", f"created Job {name} to run missed session {day}")
        log.info("created backfill Job %s", name, extra={"trade_date": day.isoformat()})
        prometheus.BACKFILL_JOBS.labels(view.namespace, view.name, view.strategy_id).inc()
    return mr.backfill_note(name, day, "created")


async def _report(ctx: Context, view: View, verdict: mr.Verdict, primary: bool) -> None:
    """Warning event always; the webhook for the effective primary."""
    post_event(view, "Warning", mr.MISSED_RUN, verdict.message)
    if not primary:
        return
    payload = {
        "event": "missed_run",
        "strategy_id": view.strategy_id,
        "namespace": view.namespace,
        "resource": view.name,
        "missed": [d.isoformat() for d in verdict.missed],
        "message": verdict.message,
        "time": now_rfc3339(),
    }
    problem = await post_webhook(ctx, view.namespace, payload)
    prometheus.alert_raised("missed_run", problem)
    if problem:
        post_event(view, "Warning", "AlertWebhookFailed", problem)


def slot_of(ctx: Context, view: View, primary: bool | None) -> str | None:
    """The schedule of the resource's runner CronJob (None when the spec cannot run)."""
    spec = view.check().spec
    if spec is None:
        return None
    role = RunnerRole(effective_primary=bool(primary), runnable=True)
    return runner_schedule(spec, role, ctx.settings)
