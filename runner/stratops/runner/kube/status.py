"""The status a runner writes after each run: pure functions from the outcome to an apply body.

The runner writes `status.lastRun`, `status.equity` and the
`LastRunSucceeded` condition by server-side apply under its own field
manager (`stratops-runner`). The operator applies its own status fields
(phase, Ready, PrimaryConflict, ...) under other managers and the CRD keys
`conditions` by `type`, so each writer owns its entries and none erases
another's, which a merge patch of the whole conditions list would do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from stratops.core.resource import API_VERSION, KIND
from stratops.runner.outcome import RunOutcome

JsonDict = dict[str, Any]
FIELD_MANAGER = "stratops-runner"
LAST_RUN_SUCCEEDED = "LastRunSucceeded"
SUCCEEDED_REASON = "RunSucceeded"
MESSAGE_LIMIT = 1024


def now_rfc3339(now: dt.datetime | None = None) -> str:
    moment = now or dt.datetime.now(dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def camel_reason(reason: str | None) -> str:
    """`stale_data` -> `StaleData`: condition reasons are CamelCase by convention."""
    words = [w for w in (reason or "error").replace("-", "_").split("_") if w]
    return "".join(w[:1].upper() + w[1:] for w in words) or "Error"


def regime(outcome: RunOutcome) -> str | None:
    """`cell 3 (up/low)`: the regime the strategy decided in, when it decided."""
    if outcome.cell is None:
        return None
    detail = "/".join(part for part in (outcome.trend, outcome.vol) if part)
    return f"cell {outcome.cell} ({detail})" if detail else f"cell {outcome.cell}"


def short(text: str | None) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= MESSAGE_LIMIT else flat[: MESSAGE_LIMIT - 3] + "..."


def last_run(outcome: RunOutcome) -> JsonDict:
    """`status.lastRun`: tradeDate, result, equity, regime, message (absent values left out)."""
    found: JsonDict = {
        "tradeDate": outcome.trade_date.isoformat(),
        "result": outcome.result,
        "equity": outcome.equity,
        "regime": regime(outcome),
        "message": short(outcome.message) if outcome.message else None,
    }
    return {key: value for key, value in found.items() if value is not None}


def run_condition(
    outcome: RunOutcome, existing: Sequence[JsonDict], generation: int | None, now: str
) -> JsonDict:
    """LastRunSucceeded; `lastTransitionTime` only moves when the status changes."""
    value = "False" if outcome.failed else "True"
    reason = camel_reason(outcome.reason) if outcome.failed else SUCCEEDED_REASON
    message = f"{outcome.trade_date}: {outcome.result}"
    if outcome.message:
        message += f": {outcome.message}"
    previous = next((c for c in existing if c.get("type") == LAST_RUN_SUCCEEDED), None)
    since = (previous or {}).get("lastTransitionTime")
    if previous is None or previous.get("status") != value or not since:
        since = now
    condition: JsonDict = {
        "type": LAST_RUN_SUCCEEDED,
        "status": value,
        "reason": reason,
        "message": short(message),
        "lastTransitionTime": since,
    }
    if generation is not None:
        condition["observedGeneration"] = generation
    return condition


def status_body(
    name: str,
    namespace: str,
    outcome: RunOutcome,
    current: JsonDict | None,
    generation: int | None,
    now: str,
) -> JsonDict:
    """The server-side apply body for the status subresource.

    `equity` keeps its last known value when a run has none (a failed or
    skipped run), because leaving a field out of an apply deletes it.
    """
    have = current or {}
    status: JsonDict = {
        "lastRun": last_run(outcome),
        "conditions": [run_condition(outcome, have.get("conditions") or [], generation, now)],
    }
    equity = outcome.equity if outcome.equity is not None else have.get("equity")
    if equity is not None:
        status["equity"] = equity
    return {
        "apiVersion": API_VERSION,
        "kind": KIND,
        "metadata": {"name": name, "namespace": namespace},
        "status": status,
    }
