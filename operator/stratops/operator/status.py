"""The status the operator writes: a small phase machine plus standard conditions.

Pure functions from "what the operator decided" to the status fields it owns,
in two server-side-apply bodies with separate field managers: the resource's
own reconcile (observedGeneration, phase, Ready) and the namespace's primary
election (effectivePrimary, PrimaryConflict). LastRunSucceeded belongs to the
runner and to the alert path, under their own field managers, so a reconcile
never erases it. `lastTransitionTime` only moves when a condition's status does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from stratops.core.contract import (
    LAST_RUN_SUCCEEDED,
    PRIMARY_CONFLICT,
    READY,
    SCHEDULE_NOT_OFFSET,
)
from stratops.core.status import condition, last_run_condition, now_rfc3339, status_body

JsonDict = dict[str, Any]
__all__ = ["LAST_RUN_SUCCEEDED", "PRIMARY_CONFLICT", "READY", "SCHEDULE_NOT_OFFSET", "now_rfc3339"]

# What makes two conditions the same for `differs` (lastTransitionTime follows from status).
CONDITION_KEYS = ("status", "reason", "message", "observedGeneration")


@dataclass(frozen=True)
class Outcome:
    """What the reconcile decided for one resource."""

    generation: int | None
    error: str | None
    active: bool
    effective_primary: bool
    conflict: str | None  # message when in a primary conflict
    conflict_reason: str = "MultipleClaims"
    schedule: str = ""
    not_offset: str | None = None  # message when a secondary fires together with the primary


def phase(outcome: Outcome) -> str:
    if outcome.error:
        return "Error"
    return "Active" if outcome.active else "Suspended"


def ready_condition(outcome: Outcome, existing: Sequence[JsonDict], now: str) -> JsonDict:
    if outcome.error:
        return condition(
            READY, False, "InvalidSpec", outcome.error, outcome.generation, existing, now
        )
    role = "primary" if outcome.effective_primary else "secondary"
    if not outcome.active:
        text = f"spec.active is false: the {role} runner is suspended; state and history are kept"
        return condition(READY, True, "Suspended", text, outcome.generation, existing, now)
    text = f"{role} runner scheduled at {outcome.schedule!r}".rstrip()
    return condition(READY, True, "Reconciled", text, outcome.generation, existing, now)


def conflict_condition(outcome: Outcome, existing: Sequence[JsonDict], now: str) -> JsonDict:
    if outcome.conflict:
        return condition(
            PRIMARY_CONFLICT, True, outcome.conflict_reason, outcome.conflict,
            outcome.generation, existing, now,
        )  # fmt: skip
    return condition(
        PRIMARY_CONFLICT, False, "NoConflict", "at most one resource claims spec.primary",
        outcome.generation, existing, now,
    )  # fmt: skip


def offset_condition(outcome: Outcome, existing: Sequence[JsonDict], now: str) -> JsonDict:
    """True (a warning) when a secondary's schedule cannot be moved after the primary's."""
    if outcome.not_offset:
        return condition(
            SCHEDULE_NOT_OFFSET, True, "CannotShift", outcome.not_offset,
            outcome.generation, existing, now,
        )  # fmt: skip
    text = "the primary's slot" if outcome.effective_primary else "a slot after the primary's"
    return condition(
        SCHEDULE_NOT_OFFSET, False, "Offset", f"the runner fires at {text}",
        outcome.generation, existing, now,
    )  # fmt: skip


def build_status(
    name: str, namespace: str, outcome: Outcome, current: JsonDict | None, now: str
) -> JsonDict:
    """What reconciling this resource's own children establishes: generation, phase, Ready.

    Written only by the resource's own reconcile (field manager `stratops-operator`),
    so observedGeneration never claims children that were not applied yet.
    """
    existing = (current or {}).get("conditions") or []
    status: JsonDict = {
        "phase": phase(outcome),
        "conditions": [ready_condition(outcome, existing, now)],
    }
    if outcome.generation is not None:
        status["observedGeneration"] = outcome.generation
    return status_body(name, namespace, status)


def build_primary_status(
    name: str, namespace: str, outcome: Outcome, current: JsonDict | None, now: str
) -> JsonDict:
    """The namespace's verdict on this resource: effectivePrimary, PrimaryConflict and
    ScheduleNotOffset (the role decides the runner's slot).

    Any reconcile in the namespace may write it (field manager
    `stratops-operator-primary`), because an election changes other resources too.
    """
    existing = (current or {}).get("conditions") or []
    status: JsonDict = {
        "effectivePrimary": outcome.effective_primary,
        "conditions": [
            conflict_condition(outcome, existing, now),
            offset_condition(outcome, existing, now),
        ],
    }
    return status_body(name, namespace, status)


def last_run_failed_status(
    name: str, namespace: str, message: str, current: JsonDict | None, now: str
) -> JsonDict:
    """LastRunSucceeded=False after a failed runner Job (written by the alert path)."""
    existing = (current or {}).get("conditions") or []
    cond = last_run_condition(False, "JobFailed", message, existing, None, now)
    return status_body(name, namespace, {"conditions": [cond]})


def differs(current: JsonDict | None, desired: JsonDict) -> bool:
    """Whether applying `desired` would change anything the operator owns (ignoring times)."""
    have = current or {}
    want = desired["status"]
    for key in ("phase", "effectivePrimary", "observedGeneration"):
        if key in want and have.get(key) != want[key]:
            return True
    by_type = {c.get("type"): c for c in have.get("conditions") or []}
    for cond in want["conditions"]:
        old = by_type.get(cond["type"], {})
        if any(old.get(k) != cond.get(k) for k in CONDITION_KEYS):
            return True
    return False
