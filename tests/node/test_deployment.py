"""The deployment users apply, running for real: every role in containers under a kubelet.

One deployment of manifests/overlays/testnode serves every test here (the
tests run in file order and build on each other, as a user's first session
would): Postgres, operator and API become Ready through their probes, the
operator's init container migrates the schema, the example strategies get
their CronJobs, runner Jobs made from those CronJobs write `strategy_id` rows
and their state ConfigMaps, the API serves them, a runner's token reaches
only its own state, a runner killed mid-run leaves exactly one run, a changed
configuration is backtested in a Job of its own and a StrategySweep runs as an
Indexed Job (both in the real image, over the market data the runners used),
and deleting a strategy garbage-collects its children.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import urllib.request
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from .nodectl import (
    NAMESPACE,
    Kubectl,
    NodeTierError,
    wait_job,
    wait_rollout,
    wait_until,
)

STRATEGIES = {"v3-5b": "v3_5b", "v3-5d": "v3_5d"}
MARKET_DATA = "stratops-market-data"


def psql(kubectl: Kubectl, sql: str) -> list[list[str]]:
    out = kubectl(
        "exec",
        "stratops-postgres-0",
        "-c",
        "postgres",
        "--",
        "psql",
        "-U",
        "stratops",
        "-d",
        "stratops",
        "-tA",
        "-F",
        "\t",
        "-c",
        sql,
    ).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def runs_of(kubectl: Kubectl, strategy_id: str) -> list[list[str]]:
    return psql(
        kubectl,
        f"SELECT strategy_id, trade_date FROM strategy_runs WHERE strategy_id = '{strategy_id}'",
    )


def job_from_cronjob(kubectl: Kubectl, cronjob: str, job: str) -> None:
    """`kubectl create job --from=cronjob/...`: the Job a schedule would start, started now.

    On a day that is no NYSE session a runner has nothing to trade (`--date today`
    reports "not a session"), so on such days the Job is the CronJob's own template
    with `--date` set to the latest session instead: everything else stays the same.
    """
    kubectl("delete", "job", job, "--ignore-not-found", "--wait=true")
    day = latest_session()
    if day == today() or cronjob == MARKET_DATA:
        kubectl("create", "job", job, f"--from=cronjob/{cronjob}")
        return
    template = kubectl.json("cronjob", cronjob)["spec"]["jobTemplate"]
    for container in template["spec"]["template"]["spec"]["containers"]:
        command = container["command"]
        command[command.index("--date") + 1] = day.isoformat()
    manifest = {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": job}}
    manifest["spec"] = template["spec"]
    kubectl("create", "-f", "-", input=json.dumps(manifest))


def job_pod(kubectl: Kubectl, job: str) -> dict[str, Any] | None:
    pods = kubectl.json("pods", "-l", f"job-name={job}").get("items", [])
    return pods[0] if pods else None


def runner_output(kubectl: Kubectl, job: str) -> dict[str, Any]:
    """The runner's `--json` outcome line from the log of the Job's succeeded pod.

    Read from that pod by name: `kubectl logs job/...` may pick a retried Job's
    other pod and wait for it to run.
    """
    pods = kubectl.json("pods", "-l", f"job-name={job}").get("items", [])
    done = [p["metadata"]["name"] for p in pods if p["status"].get("phase") == "Succeeded"]
    if not done:
        phases = [p["status"].get("phase") for p in pods]
        raise NodeTierError(f"Job {NAMESPACE}/{job} has no succeeded pod (pods: {phases})")
    log = kubectl("logs", f"pod/{done[0]}").stdout
    for line in reversed(log.splitlines()):
        if line.startswith("{"):
            return dict(json.loads(line))
    raise NodeTierError(f"Job {NAMESPACE}/{job} printed no JSON outcome: {log[-500:]}")


def today() -> dt.date:
    return dt.datetime.now(ZoneInfo("America/New_York")).date()


def latest_session() -> dt.date:
    """The latest NYSE session on or before today (New York time)."""
    from stratops.core.marketdata import calendar

    day = today()
    return day if calendar.is_session(day) else calendar.previous_session(day)


@pytest.fixture(scope="module")
def api_url(deployed: Kubectl) -> Iterator[str]:
    """`kubectl port-forward svc/stratops-api`: through the apiserver and the kubelet."""
    proc = subprocess.Popen(
        [
            deployed.binary,
            f"--kubeconfig={deployed.kubeconfig}",
            "-n",
            NAMESPACE,
            "port-forward",
            "svc/stratops-api",
            ":80",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.search(r"127\.0\.0\.1:(\d+)", line)
        if not match:
            error = proc.stderr.read() if proc.poll() is not None else ""
            raise NodeTierError(f"kubectl port-forward svc/stratops-api: {line} {error}".strip())
        yield f"http://127.0.0.1:{match.group(1)}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


# ------------------------------------------------------------------ the tests


def test_workloads_ready_and_schema_migrated(deployed: Kubectl) -> None:
    """Ready means the probes pass; the operator's init container ran `stratops db upgrade`."""
    for kind, name in [
        ("StatefulSet", "stratops-postgres"),
        ("Deployment", "stratops-operator"),
        ("Deployment", "stratops-api"),
    ]:
        wait_rollout(deployed, kind, name, timeout=30)
    revision = psql(deployed, "SELECT version_num FROM alembic_version")
    assert revision, "alembic_version is empty: migrations did not run"
    pod = deployed.json("pods", "-l", "app.kubernetes.io/component=operator")["items"][0]
    init = pod["status"]["initContainerStatuses"][0]
    assert init["name"] == "db-upgrade"
    assert init["state"]["terminated"]["exitCode"] == 0
    images = {c["image"] for c in pod["spec"]["containers"]}
    assert images == {"stratops:testnode"}


def test_strategies_get_cronjobs(deployed: Kubectl) -> None:
    expected = {f"{name}-runner" for name in STRATEGIES} | {MARKET_DATA}

    def names() -> set[str] | None:
        found = {c["metadata"]["name"] for c in deployed.json("cronjobs")["items"]}
        return found if expected <= found else None

    wait_until(f"CronJobs {sorted(expected)}", names, timeout=120)


def test_runner_jobs_write_rows_and_state(deployed: Kubectl) -> None:
    """Market data into the shared volume, then each runner: rows in Postgres, state updated.

    The v3-5d runner's first pod is killed mid-run; its Job retries, and exactly one
    run is recorded.
    """
    job_from_cronjob(deployed, MARKET_DATA, "md-now")
    wait_job(deployed, "md-now", timeout=300)

    job_from_cronjob(deployed, "v3-5b-runner", "v3-5b-now")
    wait_job(deployed, "v3-5b-now", timeout=300)

    job_from_cronjob(deployed, "v3-5d-runner", "v3-5d-now")
    first = wait_until(
        "the v3-5d runner pod to run",
        lambda: (
            (p := job_pod(deployed, "v3-5d-now")) and p["status"].get("phase") == "Running" and p
        ),
        timeout=120,
        interval=0.1,
    )
    # Killed as soon as it runs: the runner is still starting (a whole run takes a few
    # seconds), so the Job must replace the pod for the day's run to happen at all.
    deployed("delete", "pod", first["metadata"]["name"], "--grace-period=0", "--force")
    wait_job(deployed, "v3-5d-now", timeout=300)
    pods = deployed.json("pods", "-l", "job-name=v3-5d-now")["items"]
    retried = [p["metadata"]["name"] for p in pods if p["status"].get("phase") == "Succeeded"]
    assert retried, "the killed runner pod was not replaced by a pod that succeeded"
    assert first["metadata"]["name"] not in retried

    for name, strategy_id in STRATEGIES.items():
        runs = runs_of(deployed, strategy_id)
        outcome = runner_output(deployed, f"{name}-now")
        assert len(runs) == 1, f"{strategy_id}: expected exactly one run, found {runs}: {outcome}"
        state = json.loads(deployed.json("configmap", f"{name}-state")["data"]["state.json"])
        assert state["strategy_id"] == strategy_id
        assert state["trade_date"] == runs[0][1], f"state ConfigMap {name}-state: {state}"
        snapshots = psql(
            deployed,
            f"SELECT count(*) FROM performance_snapshots WHERE strategy_id = '{strategy_id}'",
        )
        assert snapshots == [["1"]]


def test_api_serves_the_rows(deployed: Kubectl, api_url: str) -> None:
    listed = get_json(f"{api_url}/api/strategies")
    ids = {s["id"] for s in listed["strategies"]}
    assert set(STRATEGIES.values()) <= ids
    query = "&".join(f"strategy_ids={sid}" for sid in STRATEGIES.values())
    compared = get_json(f"{api_url}/api/performance/compare?{query}")
    text = json.dumps(compared)
    for sid in STRATEGIES.values():
        assert sid in text


PROBE = r"""
import json, ssl, sys, urllib.request, urllib.error
token = open("/var/run/secrets/kubernetes.io/serviceaccount/token").read()
ctx = ssl.create_default_context(cafile="/var/run/secrets/kubernetes.io/serviceaccount/ca.crt")
out = {}
for name in sys.argv[1:]:
    url = f"https://kubernetes.default.svc/api/v1/namespaces/stratops/configmaps/{name}"
    req = urllib.request.Request(url, headers={"Authorization": "Bearer " + token})
    try:
        with urllib.request.urlopen(req, context=ctx, timeout=10) as r:
            out[name] = r.status
    except urllib.error.HTTPError as e:
        out[name] = e.code
print(json.dumps(out))
"""


def test_runner_token_reaches_only_its_own_state(deployed: Kubectl) -> None:
    """A pod with v3-5d's runner ServiceAccount, through the `kubernetes` Service and DNS."""
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "token-probe"},
        "spec": {
            "serviceAccountName": "v3-5d-runner",
            "restartPolicy": "Never",
            "securityContext": {
                "runAsNonRoot": True,
                "runAsUser": 10001,
                "seccompProfile": {"type": "RuntimeDefault"},
            },
            "containers": [
                {
                    "name": "probe",
                    "image": "stratops:testnode",
                    "imagePullPolicy": "Never",
                    "command": ["python3", "-c", PROBE, "v3-5d-state", "v3-5b-state"],
                    "securityContext": {
                        "allowPrivilegeEscalation": False,
                        "readOnlyRootFilesystem": True,
                        "capabilities": {"drop": ["ALL"]},
                    },
                }
            ],
        },
    }
    deployed("delete", "pod", "token-probe", "--ignore-not-found", "--wait=true")
    deployed("apply", "-f", "-", input=json.dumps(pod))

    def finished() -> str | None:
        phase = deployed.json("pod", "token-probe")["status"].get("phase")
        return phase if phase in ("Succeeded", "Failed") else None

    phase = wait_until("pod token-probe to finish", finished, timeout=120)
    log = deployed("logs", "token-probe").stdout.strip()
    assert phase == "Succeeded", f"pod token-probe {phase}: {log}"
    codes = json.loads(log.splitlines()[-1])
    assert codes == {"v3-5d-state": 200, "v3-5b-state": 403}


def current_hash(spec: dict[str, Any]) -> str:
    """The configuration hash the operator computes for a spec (class, parameters, ...)."""
    from stratops.core.resource import TradingStrategySpec
    from stratops.core.spec_validation import check_parsed
    from stratops.core.strategies.identity import config_hash

    parsed = TradingStrategySpec.model_validate(spec)
    checked = check_parsed(parsed)
    assert checked.ok, checked.message()
    assert checked.params is not None
    return config_hash(parsed.strategy_class, checked.params, parsed)


def test_a_changed_configuration_is_backtested_in_a_job_of_its_own(deployed: Kubectl) -> None:
    """A parameter change in git: the operator backtests the new configuration hash."""
    deployed(
        "patch", "tradingstrategy", "v3-5d", "--type=merge",
        "-p", json.dumps({"spec": {"parameters": {"sma_fast": 45}}}),
    )  # fmt: skip
    digest = current_hash(deployed.json("tradingstrategy", "v3-5d")["spec"])

    def succeeded() -> dict[str, Any] | None:
        status = deployed.json("tradingstrategy", "v3-5d").get("status") or {}
        ready = {c["type"]: c for c in status.get("conditions") or []}.get("BacktestReady", {})
        backtest = status.get("backtest") or {}
        if backtest.get("configHash") == digest and ready.get("status") == "True":
            return status
        return None

    status = wait_until(f"BacktestReady=True for configuration {digest[:10]}", succeeded, 300)
    backtest = status["backtest"]
    assert backtest["job"] == f"v3-5d-bt-{digest[:10]}"
    assert isinstance(backtest["sharpe"], float)
    assert backtest["trades"] > 0
    job = wait_job(deployed, backtest["job"], timeout=120)  # the row lands before Complete
    assert job["status"].get("succeeded") == 1
    assert {c["image"] for c in job["spec"]["template"]["spec"]["containers"]} == {
        "stratops:testnode"
    }
    stored = psql(deployed, "SELECT config_hash FROM config_backtests WHERE strategy_id = 'v3_5d'")
    assert [digest] in stored


def test_a_sweep_runs_as_an_indexed_job_and_stores_each_set_once(deployed: Kubectl) -> None:
    sweep = {
        "apiVersion": "trading.stratops.dev/v1alpha1",
        "kind": "StrategySweep",
        "metadata": {"name": "node-grid"},
        "spec": {
            "baseStrategy": "v3-5b",
            "grid": {"sma_fast": [30, 40], "sma_slow": [140, 160]},
            "period": {
                "start": "2016-01-04",
                "end": "2019-12-31",
                "outOfSampleStart": "2019-01-02",
            },
            "rankBy": "sharpe",
            "rankOn": "inSample",
            "parallelism": 2,
            "setsPerPod": 1,
            "top": 2,
        },
    }
    deployed("apply", "-f", "-", input=json.dumps(sweep))

    def finished() -> dict[str, Any] | None:
        status = deployed.json("strategysweep", "node-grid").get("status") or {}
        return status if status.get("phase") in ("Succeeded", "Failed") else None

    status = wait_until("StrategySweep node-grid to finish", finished, timeout=420)
    assert status["phase"] == "Succeeded", status
    assert (status["done"], status["total"], status["failed"]) == (4, 4, 0)
    assert len(status["top"]) == 2
    jobs = [
        j for j in deployed.json("jobs")["items"]
        if j["metadata"].get("labels", {}).get("app.kubernetes.io/component") == "sweep"
    ]  # fmt: skip
    assert [(j["spec"]["completionMode"], j["spec"]["completions"]) for j in jobs] == [
        ("Indexed", 4)
    ]
    rows = psql(
        deployed,
        "SELECT count(*), count(DISTINCT r.set_index) FROM sweep_results r "
        "JOIN sweeps s ON s.id = r.sweep_id WHERE s.name = 'node-grid'",
    )
    assert rows == [["4", "4"]]


def test_deleting_a_strategy_collects_its_children(deployed: Kubectl) -> None:
    deployed("delete", "tradingstrategy", "v3-5d", "--wait=true", timeout=120)
    kinds = ["cronjob/v3-5d-runner", "serviceaccount/v3-5d-runner", "role/v3-5d-runner"]
    kinds.append("rolebinding/v3-5d-runner")

    def gone() -> bool:
        proc = deployed("get", *kinds, "--ignore-not-found", "-o", "name", check=False)
        return proc.returncode == 0 and not proc.stdout.strip()

    wait_until(f"garbage collection of {', '.join(kinds)}", gone, timeout=120)
    # stateRetention: Retain keeps the state and the ledger.
    deployed("get", "configmap", "v3-5d-state")
    assert deployed.json("cronjob", "v3-5b-runner")["metadata"]["name"] == "v3-5b-runner"
