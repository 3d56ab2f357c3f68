"""The sweep of bench/sweep.py as a StrategySweep on a throwaway test cluster.

What runs: a Postgres of `scripts/pg-testenv`, the control plane of
`scripts/k8s-testenv` (etcd, kube-apiserver, kube-controller-manager; the real
Job controller runs the Indexed Job), the operator as its own process, and the
cluster tier's test kubelet double (tests/cluster/fake_kubelet.py), which runs
each pod's command as a local process on this machine: no container runtime,
no image pull, no cgroup limits. The figure is the control plane's and the
operator's own overhead plus one Python start-up and data load per pod, on the
same CPUs as the local run; it is not a multi-node speed-up.

The base TradingStrategy is applied first and its backtest-on-change Job is
left to finish, so the sweep's pods do not share the CPUs with it. The clock
runs from `kubectl apply` of the sweep to its status phase Succeeded.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import text

from stratops.core.db import create_engine_for, parse_url, upgrade_to_head

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the cluster tier's helpers: tests/cluster/*.py

from tests.cluster.controlplane import (  # noqa: E402
    Kubectl,
    crd_files,
    find_kubectl,
    install_crds,
    missing_tools,
    start,
    stop,
    wait_for,
)
from tests.cluster.fake_kubelet import TestKubelet  # noqa: E402
from tests.cluster.kubeclient import KubeClient, url_secret  # noqa: E402
from tests.cluster.operators import OperatorProcess, release_strategies  # noqa: E402
from tests.cluster.research.support import sweep_rows  # noqa: E402

NAMESPACE = "sweep-bench"
GROUP = f"/apis/trading.stratops.dev/v1alpha1/namespaces/{NAMESPACE}"
MARKET_DATA_CLAIM = "stratops-market-data"
FAR_SCHEDULE = "0 0 1 1 *"  # the runner's CronJob never fires during the bench


@dataclass(frozen=True)
class ClusterRun:
    seconds: float  # apply -> phase Succeeded
    job_seconds: float | None  # the Job's own startTime -> completionTime
    completions: int  # pods in all (one per slice)
    parallelism: int  # pods at a time
    rows: int
    top: list[dict[str, Any]]
    kubelet: str


def run(sweep: Path, data_dir: Path, parallelism: int) -> ClusterRun:
    missing = missing_tools()
    if missing:
        raise SystemExit(f"--cluster needs {', '.join(missing)} (scripts/k8s-testenv build)")
    with contextlib.ExitStack() as stack:
        work = Path(stack.enter_context(_tempdir()))
        url = stack.enter_context(_postgres(work / "pg"))
        plane = start(work / "plane")
        stack.callback(stop, work / "plane")
        kubectl = Kubectl(str(find_kubectl()), plane.kubeconfig)
        install_crds(kubectl, crd_files())
        kube = stack.enter_context(KubeClient(plane.endpoint))
        _namespace(kube)
        url_secret(kube, NAMESPACE, "stratops-db", url)
        volume = work / "kubelet" / "volumes" / "pvc" / MARKET_DATA_CLAIM
        shutil.copytree(data_dir, volume)
        stack.enter_context(TestKubelet(kube, NAMESPACE, work / "kubelet"))
        operator = OperatorProcess(plane, NAMESPACE, url, work / "operator.log")
        operator.env["STRATOPS_OPERATOR_MISSED_RUN_CHECK_SECONDS"] = "3600"
        operator.env["STRATOPS_OPERATOR_SWEEP_MAX_SETS"] = "1000"
        operator.start()
        stack.callback(operator.stop)
        stack.callback(release_strategies, kube, NAMESPACE)
        docs = list(yaml.safe_load_all(sweep.read_text()))
        sweep_doc = next(d for d in docs if d and d.get("kind") == "StrategySweep")
        base = _base_strategy(sweep_doc["spec"]["baseStrategy"])
        _apply(kubectl, base)
        _wait_for_backtest(kube, base["metadata"]["name"])
        sweep_doc["spec"]["parallelism"] = parallelism
        name = sweep_doc["metadata"]["name"]
        started = time.perf_counter()
        _apply(kubectl, sweep_doc)
        status = wait_for(
            lambda: _finished(kube, name), 3600, f"sweep {name} to finish", interval=0.25
        )
        seconds = time.perf_counter() - started
        if status.get("phase") != "Succeeded":
            raise SystemExit(f"the cluster sweep ended {status.get('phase')}: {status}")
        job = _sweep_job(kube, name)
        return ClusterRun(
            seconds=seconds,
            job_seconds=_job_seconds(job),
            completions=int(job["spec"]["completions"]),
            parallelism=int(job["spec"]["parallelism"]),
            rows=sweep_rows(url),
            top=list(status.get("top") or []),
            kubelet="test kubelet double (pods run as local processes, no containers)",
        )
    raise AssertionError("unreachable")


@contextlib.contextmanager
def _tempdir() -> Iterator[str]:
    """Under /tmp: the Postgres server (run as `postgres` when root) must reach it."""
    path = Path("/tmp") / f"stratops-sweep-bench-{secrets.token_hex(4)}"
    path.mkdir(mode=0o755)
    try:
        yield str(path)
    finally:
        shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def _postgres(directory: Path) -> Iterator[str]:
    script = str(ROOT / "scripts" / "pg-testenv")
    done = subprocess.run([script, "up", str(directory)], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"pg-testenv up failed: {done.stderr.strip()}")
    try:
        server = (directory / "url").read_text().strip()
        name = "stratops_sweep_bench"
        admin = create_engine_for(server)
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = parse_url(server).set(database=name).render_as_string(hide_password=False)
        upgrade_to_head(url)
        yield url
    finally:
        subprocess.run([script, "down", str(directory)], capture_output=True, check=False)


def _namespace(kube: KubeClient) -> None:
    body = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}}
    kube.create("/api/v1/namespaces", body)
    wait_for(
        lambda: kube.get_or_none(f"/api/v1/namespaces/{NAMESPACE}/serviceaccounts/default"),
        30,
        "the default ServiceAccount",
    )
    classes = ROOT / "manifests" / "base" / "priorityclasses.yaml"
    for body in yaml.safe_load_all(classes.read_text()):
        kube.create("/apis/scheduling.k8s.io/v1/priorityclasses", body)


def _base_strategy(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load(
        (ROOT / "manifests/strategies" / f"{name}.yaml").read_text()
    )
    doc["spec"]["schedule"] = FAR_SCHEDULE
    return doc


def _apply(kubectl: Kubectl, doc: dict[str, Any]) -> None:
    kubectl("apply", "-f", "-", input=yaml.safe_dump(doc), namespace=NAMESPACE, check=True)


def _condition(obj: dict[str, Any], kind: str) -> dict[str, Any]:
    found = (obj.get("status") or {}).get("conditions") or []
    return next((c for c in found if c["type"] == kind), {})


def _wait_for_backtest(kube: KubeClient, name: str) -> None:
    def done() -> bool:
        ready = _condition(kube.get(f"{GROUP}/tradingstrategies/{name}"), "BacktestReady")
        if ready.get("reason") == "Failed":
            raise SystemExit(f"the base strategy's backtest failed: {ready.get('message')}")
        return ready.get("status") == "True"

    wait_for(done, 600, "the base strategy's backtest-on-change Job", interval=0.5)


def _finished(kube: KubeClient, name: str) -> dict[str, Any] | None:
    status: dict[str, Any] = kube.get(f"{GROUP}/strategysweeps/{name}").get("status") or {}
    return status if status.get("phase") in ("Succeeded", "Failed", "Error") else None


def _sweep_job(kube: KubeClient, name: str) -> dict[str, Any]:
    selector = {"labelSelector": f"stratops.dev/sweep={name}"}
    items = kube.get(f"/apis/batch/v1/namespaces/{NAMESPACE}/jobs", selector)["items"]
    (job,) = items
    return dict(job)


def _job_seconds(job: dict[str, Any]) -> float | None:
    status = job.get("status") or {}
    if not status.get("startTime") or not status.get("completionTime"):
        return None
    start, end = (dt.datetime.fromisoformat(status[k]) for k in ("startTime", "completionTime"))
    return (end - start).total_seconds()
