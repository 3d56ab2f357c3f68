"""The namespace's shared market-data PVC and fetch CronJob, refreshed with a debounce.

Every strategy change can change the union of symbols or the earliest
runner, but 200 resources applied at once need one refresh, not 200. So a
reconcile only asks for a refresh; one task per namespace waits a moment,
then applies both objects from the live index (the current set of
resources and the latest election).
"""

from __future__ import annotations

import asyncio
import logging

from stratops.core.election import Election, elect
from stratops.operator import children as ch
from stratops.operator.children.marketdata import Member
from stratops.operator.children.runner import runner_schedule
from stratops.operator.context import Context
from stratops.operator.resources import View

DEBOUNCE_S = 0.3
RETRY_S = 5.0
log = logging.getLogger(__name__)


def member(view: View, election: Election, ctx: Context) -> Member:
    """A strategy as the fetch job sees it: its runner's slot and its symbols."""
    checked = view.check()
    primary = view.name == election.effective
    if checked.spec is None:
        return Member(view.owner(), False, "", "", ())
    runnable = checked.error is None and view.active and not view.deleting
    role = ch.RunnerRole(effective_primary=primary, runnable=runnable)
    cron = runner_schedule(checked.spec, role, ctx.settings)
    return Member(view.owner(), runnable, cron, checked.spec.time_zone, checked.symbols, primary)


async def ensure_market_data(ctx: Context, namespace: str, views: list[View]) -> None:
    """Apply the PVC and the fetch CronJob, owned by every live strategy of the namespace."""
    live = [v for v in views if not v.deleting]
    if not live:
        return  # garbage collection removes both with their last owner
    election = ctx.elections.get(namespace) or elect([v.claim() for v in live], None)
    members = [member(v, election, ctx) for v in live]
    await ctx.kube.apply(ch.build_market_data_pvc(namespace, members, ctx.settings))
    await ctx.kube.apply(ch.build_market_data_cronjob(namespace, members, ctx.settings))


def refresh_soon(ctx: Context, namespace: str) -> None:
    """Ask for a refresh; requests arriving while one is pending are folded into it."""
    if namespace in ctx.pending_refresh or ctx.snapshot is None:
        return
    ctx.pending_refresh.add(namespace)
    task = asyncio.get_running_loop().create_task(_refresh(ctx, namespace))
    ctx.background.add(task)
    task.add_done_callback(ctx.background.discard)


async def _refresh(ctx: Context, namespace: str) -> None:
    await asyncio.sleep(DEBOUNCE_S)
    ctx.pending_refresh.discard(namespace)
    assert ctx.snapshot is not None
    try:
        await ensure_market_data(ctx, namespace, ctx.snapshot(namespace))
    except Exception as err:  # a background task has nobody to raise to: retry later
        log.warning("market data objects in %s not applied (%s); retrying", namespace, err)
        await asyncio.sleep(RETRY_S)
        refresh_soon(ctx, namespace)
