"""Operator reconcile speed on the real control plane (printed, not asserted).

    python bench/reconcile.py [--tries 50] [--fleet 200]

Starts a throwaway control plane (scripts/k8s-testenv), a migrated SQLite
database and `python -m stratops.operator --standalone`, then measures:

* apply -> runner CronJob present, for one resource at a time (p50/p99; goal p99 <= 1 s);
* `--fleet` resources applied at once -> all Ready (goal <= 30 s for 200);
* the operator's resident memory afterwards (goal <= 200 MiB).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

import yaml

from stratops.core.kube import KubeClient
from stratops.core.kube.config import from_token

REPO = Path(__file__).resolve().parents[1]
NS = "bench"
TS = f"/apis/trading.stratops.dev/v1alpha1/namespaces/{NS}/tradingstrategies"


def sh(*cmd: str, **kw: Any) -> str:
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


class Cluster:
    def __init__(self, state: Path) -> None:
        self.state = state
        sh(sys.executable, str(REPO / "scripts" / "k8s-testenv"), "up", str(state))
        info = json.loads((state / "cluster.json").read_text())
        self.kubeconfig = info["kubeconfig"]
        load = partial(from_token, info["server"], info["token"], Path(info["ca_file"]))
        self.kube = KubeClient(load, "stratops-bench")

    def kubectl(self, *args: str, stdin: str | None = None) -> str:
        kubectl = str(Path(sys.executable).parent / "kubectl")
        return sh(kubectl, f"--kubeconfig={self.kubeconfig}", *args, input=stdin)

    def exists(self, path: str) -> bool:
        return self.kube.get_or_none(path) is not None

    def down(self) -> None:
        sh(sys.executable, str(REPO / "scripts" / "k8s-testenv"), "down", str(self.state))


def manifest(name: str, sid: str) -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load((REPO / "manifests/strategies/v3-5d.yaml").read_text())
    doc["metadata"] = {"name": name, "namespace": NS}
    doc["spec"].update(strategyId=sid, primary=False)
    return doc


def wait(probe: Any, timeout: float) -> float:
    start = time.perf_counter()
    while not probe():
        if time.perf_counter() - start > timeout:
            raise TimeoutError
        time.sleep(0.01)
    return time.perf_counter() - start


def single_applies(cluster: Cluster, tries: int) -> list[float]:
    times = []
    for i in range(tries):
        doc = manifest(f"one-{i}", f"one_{i}")
        start = time.perf_counter()
        cluster.kube.create(TS, doc)
        path = f"/apis/batch/v1/namespaces/{NS}/cronjobs/one-{i}-runner"
        wait(lambda p=path: cluster.exists(p), 30)
        times.append(time.perf_counter() - start)
    return times


def fleet(cluster: Cluster, size: int) -> tuple[float, float]:
    """(seconds until all Ready, of which kubectl apply itself took)."""
    docs = [manifest(f"f-{i}", f"f_{i}") for i in range(size)]
    start = time.perf_counter()
    cluster.kubectl("apply", "-f", "-", stdin=yaml.safe_dump_all(docs))
    applied = time.perf_counter() - start

    def all_ready() -> bool:
        items = cluster.kube.get(TS, params={"labelSelector": ""})["items"]
        ready = [
            i for i in items
            if i["metadata"]["name"].startswith("f-")
            and any(c["type"] == "Ready" and c["status"] == "True"
                    for c in (i.get("status") or {}).get("conditions", []))
        ]  # fmt: skip
        return len(ready) == size

    wait(all_ready, 300)
    return time.perf_counter() - start, applied


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=50)
    parser.add_argument("--fleet", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="stratops-bench-") as tmp:
        work = Path(tmp)
        cluster = Cluster(work / "cp")
        operator = None
        try:
            cluster.kubectl(
                "apply", "--server-side", "-f", str(REPO / "crds" / "tradingstrategies.yaml")
            )
            cluster.kubectl("wait", "--for=condition=Established", "crd", "--all")
            cluster.kubectl("create", "namespace", NS)
            db = f"sqlite:///{work / 'bench.db'}"
            sh(sys.executable, "-m", "stratops.core.cli", "db", "upgrade", "--db", db)
            env = {**os.environ, "KUBECONFIG": cluster.kubeconfig, "STRATOPS_DB_URL": db,
                   "STRATOPS_OPERATOR_IMAGE": "stratops:bench",
                   "STRATOPS_OPERATOR_METRICS_PORT": "0"}  # fmt: skip
            log = open(work / "operator.log", "wb")  # noqa: SIM115
            operator = subprocess.Popen(
                [sys.executable, "-m", "stratops.operator", "--standalone", "--namespace", NS],
                env=env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
            time.sleep(3)
            times = sorted(single_applies(cluster, args.tries))
            p50 = statistics.median(times)
            p99 = times[min(len(times) - 1, round(0.99 * (len(times) - 1)))]
            print(f"apply -> CronJob, {args.tries} tries: p50 {p50 * 1000:.0f} ms, "
                  f"p99 {p99 * 1000:.0f} ms (goal p99 <= 1000 ms)")  # fmt: skip
            seconds, applying = fleet(cluster, args.fleet)
            print(f"{args.fleet} resources applied at once -> all Ready: {seconds:.1f} s "
                  f"(goal <= 30 s), of which kubectl apply itself {applying:.1f} s")  # fmt: skip
            print(f"operator RSS: {rss_mib(operator.pid):.0f} MiB (goal <= 200 MiB)")
            problems = [
                line for line in (work / "operator.log").read_text().splitlines()
                if "ERROR" in line or "WARNING" in line
            ]  # fmt: skip
            print(f"operator log: {len(problems)} warnings/errors", *problems[:5], sep="\n  ")
        finally:
            if operator is not None:
                operator.send_signal(signal.SIGTERM)
                operator.wait(timeout=20)
            cluster.down()


if __name__ == "__main__":
    main()
