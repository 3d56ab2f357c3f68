"""Missed runs as the operator reports them: the verdict, the condition, the backfill Job.

Pure functions over a resource `View`, the latest run date from the ledger
and a clock reading; `schedule_check` does the I/O around them. The rule
itself (which sessions are due, which are missed) is `stratops.core.schedule`,
shared with the read API.

The schedule counts from the resource's creation, or from the annotation
`stratops.dev/active-since` when present: the operator sets it when a
suspended strategy (`spec.active: false`) is resumed, so a deliberate pause
is never reported as missed runs, and a person may set it to acknowledge
older gaps.

A backfill Job copies the runner CronJob's jobTemplate with `--date D` in
place of `--date today`, and is named `<name>-backfill-<yyyymmdd>`: a
restarted operator finds the Job it created and never makes a second one.
Only the oldest missed session gets a Job; the next one follows once the
ledger holds that day, because the runner trades days in order.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from stratops.core.errors import UserError
from stratops.core.schedule import RunSchedule, missed_message, missed_sessions
from stratops.operator.children.common import Owner
from stratops.operator.resources import View

RUNS_ON_SCHEDULE = "RunsOnSchedule"
MISSED_RUN = "MissedRun"
ACTIVE_SINCE = "stratops.dev/active-since"
BACKFILL_DATE = "stratops.dev/backfill-date"
JsonDict = dict[str, Any]
_LATEST = re.compile(r"\(latest (\d{4}-\d{2}-\d{2})\)")


@dataclass(frozen=True)
class Verdict:
    """RunsOnSchedule for one resource: status, reason, message and the missed dates."""

    status: str  # "True", "False" or "Unknown"
    reason: str
    message: str
    missed: tuple[dt.date, ...] = ()


def parse_time(text: str | None) -> dt.datetime | None:
    """An RFC 3339 timestamp (Kubernetes writes `...Z`), None when absent or unreadable."""
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def schedule_start(view: View) -> dt.datetime | None:
    """Where the schedule counts from: `active-since` if set and readable, else creation."""
    return parse_time(view.annotations.get(ACTIVE_SINCE)) or parse_time(view.created)


def judge(
    view: View,
    latest: dt.date | None,
    now: dt.datetime,
    grace: dt.timedelta,
    slot: str | None = None,
) -> Verdict:
    """The verdict for `view` given its latest completed run date and the time.

    `slot` is the schedule its runner CronJob really has (a secondary's is
    shifted after the primary's); a run is late only a grace after that slot.
    """
    checked = view.check()
    if checked.spec is None or checked.error is not None:
        problem = checked.error or "the spec is malformed"
        return Verdict("Unknown", "NotScheduled", f"no runner is scheduled: {problem}")
    if not view.active:
        return Verdict("Unknown", "Suspended", "spec.active is false: no run is expected")
    start = schedule_start(view)
    try:
        schedule = RunSchedule.of(slot or checked.spec.schedule, checked.spec.time_zone)
        if start is None:
            raise UserError("the resource has no creationTimestamp yet")
        missed = missed_sessions(schedule, start, now, [latest] if latest else [], grace)
    except UserError as exc:
        return Verdict("Unknown", "InvalidSchedule", str(exc))
    if missed:
        return Verdict("False", MISSED_RUN, missed_message(missed), tuple(missed))
    last = f"latest run {latest.isoformat()}" if latest else "no run due yet"
    return Verdict("True", "OnSchedule", f"no scheduled NYSE session is without a run ({last})")


def role_of(primaries: Mapping[str, str | None], view: View) -> bool | None:
    """Whether `view` is the effective primary: this process's latest election for the
    namespace, else the status; None when neither exists yet (not reconciled so far)."""
    if view.namespace in primaries:
        return primaries[view.namespace] == view.name
    recorded = view.status.get("effectivePrimary")
    return recorded if isinstance(recorded, bool) else None


def next_step(verdict: Verdict, status: Mapping[str, Any], primary: bool | None) -> str:
    """What the timer does now: `wait`, `alert` (then write the status) or `write`.

    Missed sessions are never written while the role is unknown: once the
    status names them they count as reported, and a primary judged before its
    election would lose its webhook alert for good.
    """
    if verdict.missed and primary is None:
        return "wait"
    return "alert" if is_news(verdict, status) else "write"


def is_news(verdict: Verdict, status: Mapping[str, Any]) -> bool:
    """Whether this verdict reports a missed session the resource's status did not yet name.

    The status survives operator restarts, so a restarted operator does not
    warn or alert again about the dates it already reported.
    """
    if verdict.status != "False":
        return False
    before = _condition_of(status)
    if before.get("status") != "False" or before.get("reason") != MISSED_RUN:
        return True
    found = _LATEST.search(str(before.get("message", "")))
    return found is None or found.group(1) != verdict.missed[-1].isoformat()


def _condition_of(status: Mapping[str, Any]) -> Mapping[str, Any]:
    conditions = status.get("conditions") or []
    return next((c for c in conditions if c.get("type") == RUNS_ON_SCHEDULE), {})


def schedule_status(view: View, verdict: Verdict, note: str, now: str) -> JsonDict:
    """The status body holding only RunsOnSchedule (its own field manager writes it)."""
    message = f"{verdict.message}; {note}" if note else verdict.message
    before = _condition_of(view.status)
    since = before.get("lastTransitionTime")
    if before.get("status") != verdict.status or not since:
        since = now
    condition: JsonDict = {
        "type": RUNS_ON_SCHEDULE,
        "status": verdict.status,
        "reason": verdict.reason,
        "message": message,
        "lastTransitionTime": since,
    }
    if view.generation is not None:
        condition["observedGeneration"] = view.generation
    ref = view.ref()
    meta = {"name": view.name, "namespace": view.namespace}
    return {**ref, "metadata": meta, "status": {"conditions": [condition]}}


def status_differs(view: View, body: JsonDict) -> bool:
    before = _condition_of(view.status)
    after = body["status"]["conditions"][0]
    return any(before.get(k) != after.get(k) for k in ("status", "reason", "message"))


def backfill_name(name: str, day: dt.date) -> str:
    return f"{name}-backfill-{day:%Y%m%d}"


def build_backfill_job(cronjob: Mapping[str, Any], owner: Owner, day: dt.date) -> JsonDict:
    """A Job running the runner CronJob's template for `day`, owned by the resource."""
    template = copy.deepcopy(cronjob["spec"]["jobTemplate"])
    labels = {**(template.get("metadata") or {}).get("labels", {}), BACKFILL_DATE: day.isoformat()}
    spec = template["spec"]
    for container in spec["template"]["spec"]["containers"]:
        for key in ("command", "args"):
            if key in container:
                container[key] = with_date(container[key], day)
    spec["template"].setdefault("metadata", {}).setdefault("labels", {}).update(labels)
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {
            "name": backfill_name(owner.name, day),
            "namespace": owner.namespace,
            "labels": labels,
            "annotations": {BACKFILL_DATE: day.isoformat()},
            "ownerReferences": [owner.reference()],
        },
        "spec": spec,
    }


def with_date(argv: Sequence[str], day: dt.date) -> list[str]:
    """`argv` with the value after `--date` (or of `--date=`) replaced by `day`."""
    out = list(argv)
    for i, arg in enumerate(out):
        if arg == "--date" and i + 1 < len(out):
            out[i + 1] = day.isoformat()
        elif arg.startswith("--date="):
            out[i] = f"--date={day.isoformat()}"
    return out


def job_state(job: Mapping[str, Any] | None) -> str:
    """absent, running, succeeded or failed, from the Job's conditions."""
    if job is None:
        return "absent"
    for cond in (job.get("status") or {}).get("conditions") or []:
        if cond.get("status") == "True" and cond.get("type") in ("Complete", "Failed"):
            return "succeeded" if cond["type"] == "Complete" else "failed"
    return "running"


def backfill_note(job: str, day: dt.date, state: str) -> str:
    """What the condition message says about the backfill of `day`."""
    notes = {
        "created": f"backfill: Job {job} created to run {day}",
        "running": f"backfill: Job {job} is running {day}",
        "succeeded": f"backfill: Job {job} finished; waiting for the run of {day} in the ledger",
        "failed": f"backfill: Job {job} for {day} failed; delete the Job to try again",
    }
    return notes.get(state, f"backfill of {day}: {state}")
