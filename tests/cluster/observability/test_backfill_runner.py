"""Backfill end to end: the test kubelet runs the real `stratops run` in each backfill Job.

v3-5b is resumed ("active since") on Friday 21 November 2025 after that
day's run time, and the operator's clock says Tuesday 2 December, 18:00 in
New York. Nothing is in the ledger, so the six sessions in between are
missed (not Thanksgiving). With `missedRunPolicy: backfill` the operator
creates one Job per session, oldest first; each runs the real runner in
cluster mode (spec from the resource, state in its ConfigMap with
compare-and-swap, rows in the database), and the operator is killed and
restarted on the way. The ledger ends with exactly those six runs, once each.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from stratops.core.db import StrategyRun, UnitOfWork

from ..controlplane import Kubectl, wait_for
from ..fake_kubelet import TestKubelet
from ..kubeclient import JsonObject, KubeClient, url_secret
from .conftest import ObservedOperator
from .test_missed_runs import SESSIONS, backfill_jobs, job_for, runs_on_schedule, strategy

pytestmark = pytest.mark.cluster

SYMBOLS = "QQQ,TQQQ,PSQ,TLT,TMF,TMV"
RESUMED = "2025-11-21T22:00:00Z"


def fetch_synthetic(cache: Path) -> None:
    """What the market-data job would have written into the shared volume."""
    command = [sys.executable, "-m", "stratops.core.cli", "data", "fetch"]
    command += ["--provider", "synthetic", "--symbols", SYMBOLS]
    command += ["--start", "2016-01-04", "--end", "2025-12-31", "--cache", str(cache)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


def succeeded_jobs(kube: KubeClient, namespace: str) -> dict[str, JsonObject] | None:
    """The backfill Jobs once all six exist and succeeded, else None."""
    jobs = backfill_jobs(kube, namespace)
    done = [j for j in jobs.values() if (j.get("status") or {}).get("succeeded") == 1]
    return jobs if len(done) == len(SESSIONS) else None


def ledger_days(engine: Engine) -> list[str]:
    with UnitOfWork(engine) as session:
        rows = session.scalars(
            select(StrategyRun.trade_date).where(StrategyRun.strategy_id == "v3_5b")
        )
        return sorted(d.isoformat() for d in rows)


def test_backfill_jobs_run_the_real_runner_once_per_missed_session(
    operator: ObservedOperator,
    kube: KubeClient,
    kubectl: Kubectl,
    namespace: str,
    engine: Engine,
    db_url: str,
    test_kubelet: TestKubelet,
) -> None:
    fetch_synthetic(test_kubelet.work_dir / "volumes" / "pvc" / "stratops-market-data")
    url_secret(kube, namespace, "stratops-db", db_url)
    doc = strategy("backfill")
    doc["metadata"]["annotations"]["stratops.dev/active-since"] = RESUMED
    kubectl("apply", "-f", "-", input=json.dumps(doc), namespace=namespace, check=True)

    wait_for(lambda: len(ledger_days(engine)) >= 2, 240, "the first two backfilled runs")
    operator.kill()
    operator.start()
    wait_for(
        lambda: ledger_days(engine) == SESSIONS,
        360,
        lambda: f"runs for {SESSIONS}; ledger has {ledger_days(engine)}",
    )
    wait_for(
        lambda: runs_on_schedule(kube, namespace).get("status") == "True",
        30,
        "RunsOnSchedule=True after the backfill",
    )

    jobs = wait_for(lambda: succeeded_jobs(kube, namespace), 60, "every backfill Job succeeded")
    assert sorted(jobs) == sorted(job_for(d) for d in SESSIONS)
    state_map = kube.get(f"/api/v1/namespaces/{namespace}/configmaps/v3-5b-state")
    state = json.loads(state_map["data"]["state.json"])
    with UnitOfWork(engine) as session:
        last = session.scalars(
            select(StrategyRun).where(StrategyRun.trade_date == dt.date(2025, 12, 2))
        ).one()
        assert (state["trade_date"], state["run_id"]) == ("2025-12-02", last.run_id)
