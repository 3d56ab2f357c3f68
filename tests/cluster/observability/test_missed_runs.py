"""Missed runs on the real control plane: condition, event, alert, metrics, backfill once.

The runner CronJob of v3-5b "was suspended" over Thanksgiving week 2025: the
ledger's last run is Friday 21 November and the operator's clock says
Tuesday 2 December, 18:00 in New York. The six sessions in between (not
Thanksgiving itself; Black Friday, an early close, included) are missed.
Under `missedRunPolicy: backfill` the operator creates one Job per missed
session, oldest first, each only once the ledger holds the previous one.

Here the test plays the runner by writing each backfilled day's
`strategy_runs` row itself, which lets it kill the operator at chosen points
and check Job creation exactly: deterministic names, `--date D`, order, and
no duplicate across kills and restarts. test_backfill_runner.py runs the
real `stratops run` in the Jobs on the test kubelet.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

import pytest
from sqlalchemy import Engine

from ...db.observability.ledger_rows import add_run
from ..controlplane import Kubectl, wait_for
from ..kubeclient import KubeClient, url_secret
from ..operator.support import TS, apply, condition, events, manifest
from ..webhook import Receiver
from .conftest import FAKE_NOW, ObservedOperator

pytestmark = pytest.mark.cluster

SESSIONS = ["2025-11-24", "2025-11-25", "2025-11-26", "2025-11-28", "2025-12-01", "2025-12-02"]
JOBS = "/apis/batch/v1/namespaces/{ns}/jobs"
ACTIVE_SINCE = {"stratops.dev/active-since": "2025-11-17T00:00:00Z"}
MISSED = "stratops_operator_missed_sessions"


def backfill_jobs(kube: KubeClient, namespace: str) -> dict[str, dict[str, Any]]:
    items = kube.get(JOBS.format(ns=namespace), {"labelSelector": "stratops.dev/backfill-date"})
    return {job["metadata"]["name"]: job for job in items["items"]}


def runs_on_schedule(kube: KubeClient, namespace: str) -> dict[str, Any]:
    return condition(kube.get(f"{TS.format(ns=namespace)}/v3-5b"), "RunsOnSchedule")


def strategy(policy: str) -> dict[str, Any]:
    doc = manifest("v3-5b", missedRunPolicy=policy)
    doc["metadata"]["annotations"] = dict(ACTIVE_SINCE)
    return doc


def job_for(day: str) -> str:
    return f"v3-5b-backfill-{day.replace('-', '')}"


def wait_jobs(kube: KubeClient, namespace: str, days: list[str]) -> dict[str, dict[str, Any]]:
    want = {job_for(d) for d in days}
    return wait_for(
        lambda: found if set(found := backfill_jobs(kube, namespace)) == want else None,
        30,
        lambda: f"backfill Jobs {sorted(want)}; got {sorted(backfill_jobs(kube, namespace))}",
    )


def test_missed_sessions_are_reported_once_with_an_alert_for_the_primary(
    operator: ObservedOperator,
    kube: KubeClient,
    kubectl: Kubectl,
    namespace: str,
    engine: Engine,
    receiver: Receiver,
) -> None:
    url_secret(kube, namespace, "stratops-alert-webhook", receiver.url)
    for day in ("2025-11-20", "2025-11-21"):
        add_run(engine, "v3_5b", dt.date.fromisoformat(day), equity=10_000.0, seconds=2.0)
    apply(kubectl, namespace, strategy("alert"))

    cond = wait_for(
        lambda: c if (c := runs_on_schedule(kube, namespace)).get("status") == "False" else None,
        30,
        "RunsOnSchedule=False",
    )
    assert cond["reason"] == "MissedRun"
    assert all(day in cond["message"] for day in SESSIONS)
    assert "2025-11-27" not in cond["message"]
    wait_for(lambda: receiver.bodies, 15, "the primary's missed-run alert")
    (alert,) = receiver.bodies
    assert (alert["event"], alert["strategy_id"], alert["missed"]) == (
        "missed_run",
        "v3_5b",
        SESSIONS,
    )
    labels = {"namespace": namespace, "name": "v3-5b", "strategy_id": "v3_5b"}
    wait_for(lambda: operator.sample(MISSED, **labels) == 6, 15, "missed-sessions gauge = 6")
    alerts = "stratops_operator_alerts_total"
    assert operator.sample(alerts, kind="missed_run", result="ok") == 1
    missed_events = [(t, m) for t, r, m in events(kube, namespace, "v3-5b") if r == "MissedRun"]
    assert [t for t, _ in missed_events] == ["Warning"]
    assert backfill_jobs(kube, namespace) == {}, "policy alert never creates Jobs"

    operator.kill()
    operator.start()
    time.sleep(4)  # several checks by the restarted operator
    assert len(receiver.bodies) == 1, "a restart does not alert again for the same dates"

    add_run(engine, "v3_5b", dt.date(2025, 12, 2), equity=10_100.0, seconds=2.0)
    wait_for(
        lambda: runs_on_schedule(kube, namespace).get("reason") == "OnSchedule",
        30,
        "RunsOnSchedule=True once the latest session ran",
    )
    wait_for(lambda: operator.sample(MISSED, **labels) == 0, 15, "missed-sessions gauge = 0")


def test_backfill_creates_each_missed_session_once_in_order_across_restarts(
    operator: ObservedOperator,
    kube: KubeClient,
    kubectl: Kubectl,
    namespace: str,
    engine: Engine,
) -> None:
    add_run(engine, "v3_5b", dt.date(2025, 11, 21), equity=10_000.0, seconds=2.0)
    apply(kubectl, namespace, strategy("backfill"))

    for number, day in enumerate(SESSIONS):
        jobs = wait_jobs(kube, namespace, SESSIONS[: number + 1])
        command = jobs[job_for(day)]["spec"]["template"]["spec"]["containers"][0]["command"]
        assert command[command.index("--date") + 1] == day
        if number in (1, 3):  # kill the operator with a Job out, and again before the next
            # Events are posted in the background and are best effort (a SIGKILL can
            # drop one in flight); the kill is about the Job, so it lands after the event.
            wait_for(
                lambda day=day: backfill_event(day) in backfill_events(kube, namespace),
                30,
                f"the Backfill event of {day}",
            )
            operator.kill()
            operator.start()
            time.sleep(3)
            wait_jobs(kube, namespace, SESSIONS[: number + 1])
        wait_for(  # the Job is created first, then the condition names it
            lambda day=day: (
                f"Job {job_for(day)}" in runs_on_schedule(kube, namespace).get("message", "")
            ),
            30,
            f"RunsOnSchedule naming the backfill Job of {day}",
        )
        add_run(engine, "v3_5b", dt.date.fromisoformat(day), equity=10_000.0, seconds=2.0)

    wait_for(
        lambda: runs_on_schedule(kube, namespace).get("status") == "True",
        30,
        "RunsOnSchedule=True after the last backfilled session",
    )
    time.sleep(2)
    assert sorted(backfill_jobs(kube, namespace)) == sorted(job_for(d) for d in SESSIONS)
    assert sorted(backfill_events(kube, namespace)) == sorted(backfill_event(d) for d in SESSIONS)


def backfill_event(day: str) -> str:
    return f"created Job {job_for(day)} to run missed session {day}"


def backfill_events(kube: KubeClient, namespace: str) -> list[str]:
    return [m for _, r, m in events(kube, namespace, "v3-5b") if r == "Backfill"]


RECONCILES = "stratops_operator_reconciles_total"


def test_metrics_and_json_logs_of_the_operator(
    operator: ObservedOperator, kube: KubeClient, kubectl: Kubectl, namespace: str
) -> None:
    def v3_5d() -> dict[str, Any]:
        return kube.get(f"{TS.format(ns=namespace)}/v3-5d")

    apply(kubectl, namespace, manifest("v3-5b"), manifest("v3-5d"))
    primary = "stratops_operator_effective_primary"
    b = {"namespace": namespace, "name": "v3-5b", "strategy_id": "v3_5b"}
    d = {"namespace": namespace, "name": "v3-5d", "strategy_id": "v3_5d"}
    wait_for(lambda: operator.sample(primary, **b) == 1, 30, "v3-5b is the effective primary")
    assert operator.sample(primary, **d) == 0
    phases = "stratops_operator_resources"
    assert operator.sample(phases, namespace=namespace, phase="Active") == 2
    # The gauge flips inside a reconcile; the counter counts it once the handler returns.
    wait_for(
        lambda: (operator.sample(RECONCILES, handler="ensure", result="ok") or 0) >= 2,
        30,
        "two ensure reconciles counted as ok",
    )
    changes = "stratops_operator_primary_changes_total"
    assert operator.sample(changes, namespace=namespace) == 1  # nobody -> v3-5b
    assert (
        operator.sample("stratops_operator_reconcile_duration_seconds_count", handler="ensure") or 0
    ) >= 2

    apply(kubectl, namespace, manifest("v3-5d", active=False))
    wait_for(
        lambda: operator.sample(phases, namespace=namespace, phase="Suspended") == 1,
        30,
        "one Suspended resource",
    )
    wait_for(
        lambda: condition(v3_5d(), "RunsOnSchedule").get("reason") == "Suspended",
        15,
        "RunsOnSchedule=Unknown/Suspended while inactive",
    )
    apply(kubectl, namespace, manifest("v3-5b", primary=False), manifest("v3-5d", primary=True))
    wait_for(lambda: operator.sample(primary, **d) == 1, 30, "v3-5d took the primary role")
    assert operator.sample(primary, **b) == 0
    resumed = wait_for(
        lambda: v3_5d()["metadata"].get("annotations", {}).get("stratops.dev/active-since"),
        15,
        "the resume stamped on v3-5d",
    )
    assert resumed == FAKE_NOW  # the operator's clock
    assert operator.sample(changes, namespace=namespace) == 2

    lines = [line for line in operator.log().splitlines() if line.startswith("{")]
    records = [json.loads(line) for line in lines]
    assert records, "the operator logs JSON lines when its output is not a terminal"
    about_b = [r for r in records if r.get("resource") == "v3-5b"]
    assert about_b
    assert all(r["namespace"] == namespace for r in about_b)
    assert any(r.get("strategy_id") == "v3_5b" for r in about_b)
