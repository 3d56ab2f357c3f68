"""Failed runner Jobs: a Warning event, LastRunSucceeded=False, and for the primary a webhook.

A Job counts once: after alerting, the operator marks it with an annotation,
so a resumed operator (which sees every existing Job again) does not alert
twice. The mark comes after the alert, so a crash in between repeats an
alert rather than losing one. Secondary failures never reach the webhook.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from stratops.core.contract import ALERTS_MANAGER
from stratops.core.kube import MERGE_PATCH, KubeError, object_path
from stratops.operator.children.common import LABEL_STRATEGY
from stratops.operator.context import Context
from stratops.operator.resources import View
from stratops.operator.status import last_run_failed_status, now_rfc3339

ALERTED = "stratops.dev/alerted"
JsonDict = dict[str, Any]


@dataclass(frozen=True)
class Failure:
    """A finished, failed runner Job not yet alerted on."""

    job: str
    namespace: str
    strategy: str
    reason: str
    message: str


def failure_of(job: Mapping[str, Any]) -> Failure | None:
    """The failure a Job reports, None while it runs, succeeded, or was already alerted."""
    meta = job.get("metadata") or {}
    if (meta.get("annotations") or {}).get(ALERTED):
        return None
    strategy = (meta.get("labels") or {}).get(LABEL_STRATEGY)
    conditions = (job.get("status") or {}).get("conditions") or []
    failed = next(
        (c for c in conditions if c.get("type") == "Failed" and c.get("status") == "True"), None
    )
    if failed is None or not strategy:
        return None
    return Failure(
        job=meta["name"],
        namespace=meta["namespace"],
        strategy=strategy,
        reason=str(failed.get("reason") or "Failed"),
        message=str(failed.get("message") or "the runner Job failed"),
    )


def webhook_payload(failure: Failure, view: View) -> JsonDict:
    return {
        "event": "primary_run_failed",
        "strategy_id": view.strategy_id,
        "namespace": failure.namespace,
        "resource": failure.strategy,
        "job": failure.job,
        "reason": failure.reason,
        "message": failure.message,
        "time": now_rfc3339(),
    }


async def handle_failure(ctx: Context, failure: Failure, view: View, primary: bool) -> list[str]:
    """Condition, webhook (primary only), then the mark; returns problems to report as events."""
    text = f"runner Job {failure.job} failed ({failure.reason}): {failure.message}"
    body = last_run_failed_status(view.name, view.namespace, text, view.status, now_rfc3339())
    await ctx.kube.apply(body, subresource="status", manager=ALERTS_MANAGER)
    problems = []
    if primary:
        problem = await post_webhook(ctx, failure.namespace, webhook_payload(failure, view))
        if problem:
            problems.append(problem)
    mark = {"metadata": {"annotations": {ALERTED: now_rfc3339()}}}
    path = object_path("batch/v1", "Job", failure.namespace, failure.job)
    await ctx.kube.request("PATCH", path, mark, content_type=MERGE_PATCH)
    return problems


async def webhook_url(ctx: Context, namespace: str) -> str | None:
    """The URL in the webhook Secret of the namespace, None when there is none."""
    name = ctx.settings.webhook_secret_name
    if not name:
        return None
    secret = await ctx.kube.get_or_none(object_path("v1", "Secret", namespace, name))
    encoded = ((secret or {}).get("data") or {}).get(ctx.settings.webhook_secret_key)
    return base64.b64decode(encoded).decode().strip() if encoded else None


async def post_webhook(ctx: Context, namespace: str, payload: JsonDict) -> str | None:
    """POST the alert; a failing webhook is reported, never raised (the alert is not retried)."""
    try:
        url = await webhook_url(ctx, namespace)
    except KubeError as err:
        return f"cannot read the webhook Secret: {err}"
    if url is None:
        return None
    try:
        async with httpx.AsyncClient(timeout=ctx.settings.webhook_timeout_seconds) as client:
            response = await client.post(url, json=payload)
    except httpx.HTTPError as err:
        return f"alert webhook unreachable: {type(err).__name__}: {err}"
    if response.status_code >= 300:
        return f"alert webhook answered HTTP {response.status_code}"
    return None
