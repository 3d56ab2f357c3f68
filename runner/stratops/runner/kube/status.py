"""The status a runner writes after each run: pure functions from the outcome to an apply body.

The runner writes `status.lastRun`, `status.equity` and the
`LastRunSucceeded` condition by server-side apply under its own field
manager (`contract.RUNNER_MANAGER`); the condition comes from the builder
the operator's alert path uses too (`stratops.core.status`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from stratops.core.status import last_run_condition, short, status_body
from stratops.runner.outcome import RunOutcome

JsonDict = dict[str, Any]
SUCCEEDED_REASON = "RunSucceeded"


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
    reason = camel_reason(outcome.reason) if outcome.failed else SUCCEEDED_REASON
    message = f"{outcome.trade_date}: {outcome.result}"
    if outcome.message:
        message += f": {outcome.message}"
    return last_run_condition(not outcome.failed, reason, message, existing, generation, now)


def run_status_body(
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
    return status_body(name, namespace, status)
