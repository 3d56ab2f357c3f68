"""Operator reconcile speed on the real control plane (printed, not asserted).

    python bench/reconcile.py [--tries 50] [--fleets 200,500] [--profile]

Starts a throwaway control plane (scripts/k8s-testenv), a migrated SQLite
database and `python -m stratops.operator --standalone --namespace NS` (a
fresh operator per phase, each on its own namespace), then measures:

* the operator's resident memory once healthy (goal <= 120 MiB);
* apply -> runner CronJob present, for one resource at a time (p50/p99; goal p99 <= 500 ms);
* each fleet applied at once -> all Ready: the wall time, kubectl apply's
  share, the wall time after kubectl returned and the operator's CPU time
  meanwhile; kubectl's own time is also measured apart, applying the same
  fleet to a namespace no operator watches. The operator's part is judged
  three ways (goal <= 15 s for 200, <= 40 s for 500): wall beyond kubectl's own
  time, wall after kubectl returned (kubectl is slower while the operator
  shares the API server), and CPU time, the operator's own work whatever else
  loads the machine. Its memory holding the fleet (goal <= 160 MiB at 500).

All figures are printed again at the end, side by side with their goals and
the load average. `--profile` runs the fleet operators under cProfile and
prints where their time goes (slower: the profiler's overhead).
"""

from __future__ import annotations

import argparse
import json
import os
import pstats
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import yaml

from stratops.core.kube import KubeClient
from stratops.core.kube.config import from_token

REPO = Path(__file__).resolve().parents[1]
NS = "bench"
TS = f"/apis/trading.stratops.dev/v1alpha1/namespaces/{NS}/tradingstrategies"


def sh(*cmd: str, **kw: Any) -> str:
    done = subprocess.run(cmd, check=False, capture_output=True, text=True, **kw)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])}: exit {done.returncode}: {done.stderr[-1000:]}")
    return str(done.stdout)


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


def manifest(ns: str, name: str, sid: str) -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load((REPO / "manifests/strategies/v3-5d.yaml").read_text())
    doc["metadata"] = {"name": name, "namespace": ns}
    doc["spec"].update(strategyId=sid, primary=False)
    return doc


def wait(probe: Any, timeout: float, every: float = 0.01) -> float:
    start = time.perf_counter()
    while not probe():
        if time.perf_counter() - start > timeout:
            raise TimeoutError
        time.sleep(every)
    return time.perf_counter() - start


def single_applies(cluster: Cluster, tries: int) -> list[float]:
    times = []
    for i in range(tries):
        doc = manifest(NS, f"one-{i}", f"one_{i}")
        start = time.perf_counter()
        cluster.kube.create(TS, doc)
        path = f"/apis/batch/v1/namespaces/{NS}/cronjobs/one-{i}-runner"
        wait(lambda p=path: cluster.exists(p), 30)
        times.append(time.perf_counter() - start)
    return times


def fleet(cluster: Cluster, operator: Operator, ns: str, size: int) -> dict[str, float]:
    """Apply `size` resources at once and wait until every one is Ready.

    Returns the wall time to all Ready, kubectl apply's own share of it, the
    wall time after kubectl returned, and the operator's CPU seconds meanwhile
    (its own work, apart from kubectl's and the control plane's).
    """
    docs = [manifest(ns, f"f-{i}", f"{ns.replace('-', '_')}_{i}") for i in range(size)]
    cpu = operator.cpu_seconds()
    start = time.perf_counter()
    cluster.kubectl("apply", "-f", "-", stdin=yaml.safe_dump_all(docs))
    applied = time.perf_counter() - start
    path = f"/apis/trading.stratops.dev/v1alpha1/namespaces/{ns}/tradingstrategies"

    def all_ready() -> bool:
        items = cluster.kube.get(path)["items"]
        ready = [
            i for i in items
            if any(c["type"] == "Ready" and c["status"] == "True"
                   for c in (i.get("status") or {}).get("conditions", []))
        ]  # fmt: skip
        return len(ready) == size

    wait(all_ready, 600, every=0.2)
    total = time.perf_counter() - start
    return {
        "total": total,
        "kubectl": applied,
        "after": total - applied,
        "cpu": operator.cpu_seconds() - cpu,
    }


def kubectl_alone(cluster: Cluster, size: int) -> float:
    """kubectl's own time to apply the same fleet where no operator watches (a
    namespace of its own): with an operator busy on the same API server, kubectl's
    share of the fleet's wall time also holds the operator's doing."""
    ns = f"kubectl-only-{size}"
    cluster.kubectl("create", "namespace", ns)
    docs = [manifest(ns, f"f-{i}", f"{ns.replace('-', '_')}_{i}") for i in range(size)]
    start = time.perf_counter()
    cluster.kubectl("apply", "-f", "-", stdin=yaml.safe_dump_all(docs))
    return time.perf_counter() - start


class Operator:
    """`python -m stratops.operator` on one namespace, optionally under cProfile."""

    def __init__(self, work: Path, env: dict[str, str], ns: str, profile: bool) -> None:
        self.port = free_port()
        self.profile = work / f"operator-{ns}.prof" if profile else None
        self.log_path = work / f"operator-{ns}.log"
        prefix = ["-m", "cProfile", "-o", str(self.profile)] if self.profile else []
        command = [
            sys.executable, *prefix, "-m", "stratops.operator", "--standalone",
            "--namespace", ns, "--liveness-port", str(self.port),
        ]  # fmt: skip
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        health = f"http://127.0.0.1:{self.port}/healthz"
        self.started = wait(lambda: self._healthy(health), 120, every=0.05)

    def _healthy(self, url: str) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"operator exited: {self.log_path.read_text()[-2000:]}")
        try:
            return httpx.get(url, timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def rss_mib(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> list[str]:
        """Stop it; the warnings and errors it logged."""
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:  # a profiled operator can be slow to write its stats
            self.process.kill()
            self.process.wait()
        return [
            line for line in self.log_path.read_text().splitlines()
            if "ERROR" in line or "WARNING" in line
        ]  # fmt: skip


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# Calls counted per reconcile in a profile: (file suffix, function) -> label. Plain
# functions called once per event of interest (cProfile counts every resumption
# of a coroutine as a call, so coroutines cannot be counted).
COUNTED = {
    ("stratops/operator/reconcile.py", "_elect"): "reconciles",
    ("stratops/core/kube/client.py", "_request_args"): "requests by our client",
    ("kopf/_cogs/structs/patches.py", "as_json_patch"): "patches by kopf",
    ("stratops/operator/status.py", "build_status"): "own statuses built",
    ("stratops/operator/status.py", "build_primary_status"): "primary verdicts built",
    ("stratops/operator/research/backtest_jobs.py", "backtest_status"): "backtest statuses built",
    ("kopf/_cogs/configs/diffbase.py", "build"): "essences built by kopf",
}


def print_profile(path: Path, top: int) -> None:
    """Own time of the costliest functions; calls per reconcile; our functions by
    cumulative time (which module and call a reconcile spends its time in)."""
    stats = pstats.Stats(str(path))
    table: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    rows = sorted(table.items(), key=lambda kv: kv[1][2], reverse=True)[:top]
    total = sum(v[2] for v in table.values())
    print(f"  operator profile (own time, {total:.1f} s of CPU in all):")
    for (file, line, name), (_, calls, own, cumulative, _) in rows:
        print(f"    {own:6.2f} s own {cumulative:6.2f} s cum {calls:8d} calls  {name}  "
              f"{_where(file, line)}")  # fmt: skip
    counts = {label: 0 for label in COUNTED.values()}
    for (file, _, name), (_, calls, *_rest) in table.items():
        for (suffix, function), label in COUNTED.items():
            if name == function and file.endswith(suffix):
                counts[label] += calls
    reconciles = max(counts["reconciles"], 1)
    print("  calls, and per reconcile (database work runs in threads: not profiled):")
    for label, calls in counts.items():
        print(f"    {label:<28} {calls:8d}  {calls / reconciles:6.2f}")
    ours = [
        (key, value) for key, value in table.items()
        if "/stratops/" in key[0] and key[2] != "<module>"
    ]  # fmt: skip
    ours.sort(key=lambda kv: kv[1][3], reverse=True)
    print("  stratops functions by cumulative time (includes awaited I/O only as CPU spent):")
    for (file, line, name), (_, calls, _own, cumulative, _) in ours[:top]:
        per_call = cumulative / max(calls, 1) * 1000
        print(f"    {cumulative:6.2f} s cum {calls:8d} calls  {per_call:7.2f} ms/call  "
              f"{name}  {_where(file, line)}")  # fmt: skip


def _where(file: str, line: int) -> str:
    return f"{Path(file).parent.name}/{Path(file).name}:{line}" if line else file


def verdict(value: float, goal: float) -> str:
    return "met" if value <= goal else "NOT met"


class Summary:
    """Every figure of the run with its goal, printed together at the end."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str]] = []

    def add(self, name: str, value: float, unit: str, goal: float | None = None) -> None:
        shown = f"{value:.0f} {unit}" if unit in ("ms", "MiB") else f"{value:.1f} {unit}"
        target = f"<= {goal:g} {unit}" if goal is not None else ""
        judged = verdict(value, goal) if goal is not None else ""
        self.rows.append((name, shown, target, judged))

    def print(self) -> None:
        load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"summary (load average 1/5/15 min: {load})")
        for name, shown, target, judged in self.rows:
            print(f"  {name:<44} {shown:>10}  {target:<12} {judged}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=50)
    parser.add_argument("--fleets", default="200,500", help="fleet sizes, comma separated")
    parser.add_argument(
        "--profile", action="store_true", help="run the fleet operators under cProfile"
    )
    parser.add_argument(
        "--profile-dir", type=Path, metavar="DIR", help="keep the raw cProfile files there"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="stratops-bench-") as tmp:
        work = Path(tmp)
        cluster = Cluster(work / "cp")
        try:
            cluster.kubectl(
                "apply", "--server-side", "-f", str(REPO / "crds" / "tradingstrategies.yaml")
            )
            cluster.kubectl("wait", "--for=condition=Established", "crd", "--all")
            db = f"sqlite:///{work / 'bench.db'}"
            sh(sys.executable, "-m", "stratops.core.cli", "db", "upgrade", "--db", db)
            env = {**os.environ, "KUBECONFIG": cluster.kubeconfig, "STRATOPS_DB_URL": db,
                   "STRATOPS_OPERATOR_IMAGE": "stratops:bench",
                   "STRATOPS_OPERATOR_METRICS_PORT": "0"}  # fmt: skip
            summary = Summary()
            single(cluster, work, env, args.tries, summary)
            for size in (int(n) for n in args.fleets.split(",")):
                fleet_phase(cluster, work, env, size, args.profile, summary)
                if args.profile_dir is not None and args.profile:
                    args.profile_dir.mkdir(parents=True, exist_ok=True)
                    name = f"operator-fleet-{size}.prof"
                    shutil.copyfile(work / name, args.profile_dir / name)
            summary.print()
        finally:
            cluster.down()


def fleet_phase(
    cluster: Cluster, work: Path, env: dict[str, str], size: int, profile: bool, summary: Summary
) -> None:
    """A fresh operator on a fresh namespace, `size` resources applied at once."""
    alone = kubectl_alone(cluster, size)
    ns = f"fleet-{size}"
    cluster.kubectl("create", "namespace", ns)
    operator = Operator(work, env, ns, profile)
    try:
        got = fleet(cluster, operator, ns, size)
        rss = operator.rss_mib()
    finally:
        problems = operator.stop()
    goal = {200: 15.0, 500: 40.0}.get(size, float("inf"))
    beyond = got["total"] - alone
    print(
        f"{size} resources applied at once -> all Ready: {got['total']:.1f} s, of which "
        f"kubectl apply {got['kubectl']:.1f} s, then {got['after']:.1f} s more; kubectl "
        f"alone (no operator) {alone:.1f} s, so {beyond:.1f} s beyond kubectl's own time"
    )
    memory = f" (goal <= 160 MiB: {verdict(rss, 160)})" if size == 500 else ""
    print(
        f"  operator CPU time {got['cpu']:.1f} s, wall after kubectl {got['after']:.1f} s "
        f"(goal <= {goal:.0f} s: CPU {verdict(got['cpu'], goal)}, wall "
        f"{verdict(got['after'], goal)}); operator RSS holding {size}: {rss:.0f} MiB{memory}"
    )
    target = goal if goal != float("inf") else None
    summary.add(f"{size} applied -> all Ready, total wall", got["total"], "s")
    summary.add("  of which kubectl apply", got["kubectl"], "s")
    summary.add("  kubectl apply alone (no operator)", alone, "s")
    summary.add("  operator: wall beyond kubectl alone", beyond, "s", target)
    summary.add("  operator: wall after kubectl", got["after"], "s", target)
    summary.add("  operator: CPU time", got["cpu"], "s", target)
    summary.add(f"operator RSS holding {size}", rss, "MiB", 160 if size == 500 else None)
    print(f"  operator log: {len(problems)} warnings/errors", *problems[:3], sep="\n    ")
    if operator.profile is not None:
        print_profile(operator.profile, 20)


def single(cluster: Cluster, work: Path, env: dict[str, str], tries: int, summary: Summary) -> None:
    """Operator start (time, memory) and apply -> CronJob, one resource at a time."""
    cluster.kubectl("create", "namespace", NS)
    operator = Operator(work, env, NS, profile=False)
    try:
        rss = operator.rss_mib()
        print(f"operator start: healthy after {operator.started:.1f} s, RSS {rss:.0f} MiB "
              f"(goal <= 120 MiB: {verdict(rss, 120)})")  # fmt: skip
        times = sorted(single_applies(cluster, tries))
    finally:
        problems = operator.stop()
    p50 = statistics.median(times)
    p99 = times[min(len(times) - 1, round(0.99 * (len(times) - 1)))]
    print(f"apply -> CronJob, {tries} tries: p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms "
          f"(goal p99 <= 500 ms: {verdict(p99, 0.5)})")  # fmt: skip
    print(f"  operator log: {len(problems)} warnings/errors", *problems[:3], sep="\n    ")
    summary.add("operator RSS after start", rss, "MiB", 120)
    summary.add("apply -> CronJob p50", p50 * 1000, "ms")
    summary.add("apply -> CronJob p99", p99 * 1000, "ms", 500)


if __name__ == "__main__":
    main()
