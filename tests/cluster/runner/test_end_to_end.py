"""End to end on the real control plane: the operator schedules, the real `stratops run` trades.

The operator runs as in production; the synthetic market-data Job fills the
shared volume; a runner CronJob firing every minute runs the real runner on
the test kubelet against Postgres; state moves through the ConfigMap by
compare-and-swap and the run shows up in the resource's status. Then a
failing run of the primary (its database unreachable) posts one alert to a
local webhook receiver.

Which day `--date today` trades depends on the clock. The strategy's
`timeZone` (the runner's "today") and the pods' `TZ` (the synthetic
provider's "today") are set to a zone whose current date is an NYSE session
when one exists, so the run trades and writes rows; on days when no zone is
in a session (some weekend hours) the run must be `skipped` with its status
written and nothing else touched.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import time
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from sqlalchemy import select

from stratops.core.db import StrategyRun, UnitOfWork, create_engine_for
from stratops.core.marketdata.calendar import is_session

from ..conftest import KUBELET_KEY
from ..controlplane import ControlPlane, Kubectl, wait_for
from ..fake_kubelet import TestKubelet
from ..kubeclient import JsonObject, KubeClient, url_secret
from ..operators import OperatorProcess, operator_lifetime
from ..webhook import Receiver
from .support import TS, example

pytestmark = pytest.mark.cluster

ZONES = ("UTC", "America/New_York", "Pacific/Kiritimati", "Asia/Tokyo", "Pacific/Pago_Pago")
FAR_SCHEDULE = "0 0 1 1 *"
EVERY_MINUTE = "* * * * *"
JOBS = "/apis/batch/v1/namespaces/{ns}/jobs"
CRONJOBS = "/apis/batch/v1/namespaces/{ns}/cronjobs"
CONFIGMAP = "/api/v1/namespaces/{ns}/configmaps/{name}"


def trading_zone(now: dt.datetime | None = None) -> tuple[str, dt.date, bool]:
    """A zone whose date is a session for at least 20 more minutes, else UTC (skipped day)."""
    moment = now or dt.datetime.now(dt.UTC)
    for zone in ZONES:
        local = moment.astimezone(ZoneInfo(zone))
        stays = (local + dt.timedelta(minutes=20)).date() == local.date()
        if stays and is_session(local.date()):
            return zone, local.date(), True
    return "UTC", moment.date(), False


@pytest.fixture
def zone() -> tuple[str, dt.date, bool]:
    return trading_zone()


@pytest.fixture
def kubelet(
    kube: KubeClient,
    namespace: str,
    tmp_path: Path,
    zone: tuple[str, dt.date, bool],
    request: pytest.FixtureRequest,
) -> Iterator[TestKubelet]:
    """The test kubelet, its pods' local clock in the chosen zone."""
    node = TestKubelet(kube, namespace, tmp_path / "kubelet", extra_env={"TZ": zone[0]})
    request.node.stash[KUBELET_KEY] = node
    with node:
        yield node


@pytest.fixture
def operator(
    control_plane: ControlPlane,
    kube: KubeClient,
    namespace: str,
    pg_url: str,
    priority_classes: None,
    tmp_path: Path,
) -> Iterator[OperatorProcess]:
    proc = OperatorProcess(control_plane, namespace, pg_url, tmp_path / "operator.log")
    proc.env["STRATOPS_OPERATOR_MISSED_RUN_CHECK_SECONDS"] = "3600"
    yield from operator_lifetime(proc, kube, namespace)


def apply(kubectl: Kubectl, namespace: str, doc: JsonObject) -> None:
    kubectl("apply", "-f", "-", input=yaml.safe_dump(doc), namespace=namespace, check=True)


def job_finished(kube: KubeClient, namespace: str, name: str) -> str | None:
    """`Complete` or `Failed` once the Job has finished, else None."""
    job = kube.get_or_none(f"{JOBS.format(ns=namespace)}/{name}") or {}
    for cond in (job.get("status") or {}).get("conditions") or []:
        if cond["type"] in ("Complete", "Failed") and cond["status"] == "True":
            return str(cond["type"])
    return None


def runner_jobs(kube: KubeClient, namespace: str) -> list[JsonObject]:
    items = kube.get(JOBS.format(ns=namespace))["items"]
    return [j for j in items if j["metadata"]["name"].startswith("v3-5b-runner-")]


def condition(obj: JsonObject, type_: str) -> JsonObject:
    conditions = (obj.get("status") or {}).get("conditions") or []
    return next((c for c in conditions if c["type"] == type_), {})


def runs_of(pg_url: str, strategy_id: str) -> list[tuple[str, dt.date, str]]:
    engine = create_engine_for(pg_url)
    try:
        with UnitOfWork(engine) as session:
            rows = session.scalars(select(StrategyRun).order_by(StrategyRun.trade_date))
            return [(r.strategy_id, r.trade_date, r.run_id) for r in rows if r]
    finally:
        engine.dispose()


def fill_market_data(kube: KubeClient, kubectl: Kubectl, namespace: str) -> None:
    """Run the operator's market-data CronJob once, now, as `kubectl create job --from` does."""
    wait_for(
        lambda: kube.get_or_none(f"{CRONJOBS.format(ns=namespace)}/stratops-market-data"),
        15,
        "the market-data CronJob",
    )
    kubectl(
        "create", "job", "market-data-now", "--from=cronjob/stratops-market-data",
        namespace=namespace, check=True,
    )  # fmt: skip
    done = wait_for(
        lambda: job_finished(kube, namespace, "market-data-now"), 180, "the market-data Job"
    )
    assert done == "Complete"


def test_cronjob_runs_the_real_runner_then_a_primary_failure_alerts_once(
    operator: OperatorProcess,
    kube: KubeClient,
    kubectl: Kubectl,
    namespace: str,
    kubelet: TestKubelet,
    receiver: Receiver,
    pg_url: str,
    zone: tuple[str, dt.date, bool],
) -> None:
    tz, day, session = zone
    url_secret(kube, namespace, "stratops-db", pg_url)
    url_secret(kube, namespace, "stratops-alert-webhook", receiver.url)
    apply(kubectl, namespace, example("v3-5b", schedule=FAR_SCHEDULE, timeZone=tz))
    fill_market_data(kube, kubectl, namespace)

    state_path = CONFIGMAP.format(ns=namespace, name="v3-5b-state")
    seeded = wait_for(lambda: kube.get_or_none(state_path), 15, "the state ConfigMap")
    apply(kubectl, namespace, example("v3-5b", schedule=EVERY_MINUTE, timeZone=tz))

    def finished_run() -> JsonObject | None:
        done = [
            j
            for j in runner_jobs(kube, namespace)
            if job_finished(kube, namespace, j["metadata"]["name"])
        ]
        return done[0] if done else None

    job = wait_for(finished_run, 150, "a runner Job started by the CronJob, finished")
    assert job_finished(kube, namespace, job["metadata"]["name"]) == "Complete"
    owner = job["metadata"]["ownerReferences"][0]
    assert (owner["kind"], owner["name"]) == ("CronJob", "v3-5b-runner")

    resource = kube.get(f"{TS.format(ns=namespace)}/v3-5b")
    last = resource["status"]["lastRun"]
    assert last["tradeDate"] == day.isoformat()
    ran = condition(resource, "LastRunSucceeded")
    assert (ran["status"], ran["reason"]) == ("True", "RunSucceeded")
    state = kube.get(state_path)
    runs = runs_of(pg_url, "v3_5b")
    if session:
        assert last["result"] in ("traded", "no_change")
        assert resource["status"]["equity"] == last["equity"]
        assert [(sid, d) for sid, d, _ in runs] == [("v3_5b", day)]
        assert state["metadata"]["resourceVersion"] != seeded["metadata"]["resourceVersion"]
        document = json.loads(state["data"]["state.json"])
        assert document["run_id"] == runs[0][2]
        assert document["trade_date"] == day.isoformat()
    else:
        assert last["result"] == "skipped"
        assert runs == []
        assert state["data"] == seeded["data"]

    # A forced failure: the primary's database becomes unreachable.
    apply(kubectl, namespace, example("v3-5b", schedule=FAR_SCHEDULE, timeZone=tz))
    wait_for(
        lambda: (
            kube.get(f"{CRONJOBS.format(ns=namespace)}/v3-5b-runner")["spec"]["schedule"]
            == FAR_SCHEDULE
        ),
        15,
        "the runner CronJob back on a far schedule",
    )
    wait_for(
        lambda: all(
            job_finished(kube, namespace, j["metadata"]["name"])
            for j in runner_jobs(kube, namespace)
        ),
        90,
        "every scheduled runner Job finished",
    )
    bad = "postgresql://stratops:wrong@127.0.0.1:1/nowhere"
    kube.merge_patch(
        f"/api/v1/namespaces/{namespace}/secrets/stratops-db",
        {"data": {"url": base64.b64encode(bad.encode()).decode()}},
    )
    kubectl(
        "create", "job", "v3-5b-runner-forced", "--from=cronjob/v3-5b-runner",
        namespace=namespace, check=True,
    )  # fmt: skip
    wait_for(lambda: receiver.bodies, 120, "a webhook POST for the primary's failed run")
    assert job_finished(kube, namespace, "v3-5b-runner-forced") == "Failed"
    wait_for(
        lambda: (
            condition(kube.get(f"{TS.format(ns=namespace)}/v3-5b"), "LastRunSucceeded").get(
                "status"
            )
            == "False"
        ),
        15,
        "LastRunSucceeded=False after the failed Job",
    )
    time.sleep(3)  # room for a second, wrong POST to arrive
    (alert,) = receiver.bodies
    assert (alert["strategy_id"], alert["job"]) == ("v3_5b", "v3-5b-runner-forced")
    assert runs_of(pg_url, "v3_5b") == runs, "a failed run writes nothing"
