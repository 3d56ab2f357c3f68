"""A StrategySweep's status from its Job and its rows: pure, so every rule is unit-tested.

`failedIndexes` speaks of set indexes: a set whose backtest failed has its own
row with the reason; a set whose pod failed before it could write (killed,
out of memory, no database) is reported with the Job index that held it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from stratops.core.research.results import Progress, RankedSet

JsonDict = dict[str, Any]

READY = "Ready"
COMPLETE = "Complete"


@dataclass(frozen=True)
class JobState:
    """What the Job controller reports: finished indexes, failed indexes, end state."""

    completed_indexes: list[int]
    failed_indexes: list[int]
    complete: bool
    failed: bool
    failure_message: str | None

    @classmethod
    def of(cls, job: JsonDict | None) -> JobState:
        status = (job or {}).get("status") or {}
        conditions = {c.get("type"): c for c in status.get("conditions") or []}
        failed = conditions.get("Failed", {})
        return cls(
            completed_indexes=parse_indexes(status.get("completedIndexes", "")),
            failed_indexes=parse_indexes(status.get("failedIndexes", "")),
            complete=conditions.get("Complete", {}).get("status") == "True",
            failed=failed.get("status") == "True",
            failure_message=failed.get("message"),
        )


def parse_indexes(text: str) -> list[int]:
    """The Job API's interval list, "1,3-5" -> [1, 3, 4, 5]."""
    out: list[int] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        lo, _, hi = part.partition("-")
        out += range(int(lo), int(hi or lo) + 1)
    return out


def failed_sets(
    progress: Progress, job: JobState, slices: Sequence[Sequence[int]]
) -> list[JsonDict]:
    """Set failures with their reason, then sets lost with a failed pod."""
    found = [{"index": i, "reason": reason} for i, reason in progress.failed]
    reported = {i for i, _ in progress.failed}
    for job_index in job.failed_indexes:
        for set_index in slices[job_index] if job_index < len(slices) else []:
            if set_index not in reported:
                reason = f"the pod of Job index {job_index} failed before storing this set"
                found.append({"index": set_index, "reason": reason})
    return sorted(found, key=lambda f: int(f["index"]))


def phase_of(job: JobState, done: int) -> str:
    if job.complete:
        return "Succeeded"
    if job.failed:
        return "Failed"
    return "Running" if done or job.completed_indexes or job.failed_indexes else "Pending"


def top_json(ranked: Sequence[RankedSet]) -> list[JsonDict]:
    return [
        {
            "rank": r.rank,
            "index": r.index,
            "score": r.score,
            "parameters": r.parameters,
            "inSample": r.in_sample,
            "outOfSample": r.out_of_sample,
        }
        for r in ranked
        if r.error is None
    ]


def condition(
    type_: str,
    ok: bool,
    reason: str,
    message: str,
    generation: int | None,
    now: str,
    existing: Sequence[JsonDict],
) -> JsonDict:
    """A condition whose lastTransitionTime only moves when its status does."""
    status = "True" if ok else "False"
    before = next((c for c in existing if c.get("type") == type_), {})
    since = before.get("lastTransitionTime") if before.get("status") == status else None
    return {
        "type": type_,
        "status": status,
        "reason": reason,
        "message": message,
        "lastTransitionTime": since or now,
        "observedGeneration": generation,
    }


@dataclass(frozen=True)
class Observed:
    """Everything the status is made from."""

    generation: int | None
    job_name: str
    sweep_id: int
    total: int
    slices: list[list[int]]
    job: JobState
    progress: Progress
    top: list[RankedSet]


def running_status(obs: Observed, existing: Sequence[JsonDict], now: str) -> JsonDict:
    failed = failed_sets(obs.progress, obs.job, obs.slices)
    phase = phase_of(obs.job, obs.progress.done)
    top = top_json(obs.top)
    done_text = f"{obs.progress.done}/{obs.total} sets done, {len(failed)} failed"
    end = {
        "Succeeded": (True, "Succeeded", done_text),
        "Failed": (False, "Failed", f"{done_text}: {obs.job.failure_message or 'Job failed'}"),
    }.get(phase, (False, "Running", done_text))
    return {
        "observedGeneration": obs.generation,
        "phase": phase,
        "job": obs.job_name,
        "sweepId": obs.sweep_id,
        "total": obs.total,
        "done": obs.progress.done,
        "failed": len(failed),
        "failedIndexes": failed,
        "best": top[0]["score"] if top else None,
        "top": top,
        "conditions": [
            condition(
                READY,
                True,
                "JobCreated",
                f"Indexed Job {obs.job_name}",
                obs.generation,
                now,
                existing,
            ),
            condition(COMPLETE, end[0], end[1], end[2], obs.generation, now, existing),
        ],
    }


def invalid_status(
    reason: str, message: str, generation: int | None, existing: Sequence[JsonDict], now: str
) -> JsonDict:
    """Bad input: Ready=False naming the field, no Job, nothing counted."""
    return {
        "observedGeneration": generation,
        "phase": "Error",
        "job": None,
        "total": None,
        "done": None,
        "failed": None,
        "failedIndexes": None,
        "best": None,
        "top": None,
        "conditions": [
            condition(READY, False, reason, message, generation, now, existing),
            condition(
                COMPLETE, False, reason, "not started: fix the spec", generation, now, existing
            ),
        ],
    }
