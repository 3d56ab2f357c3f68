"""What a Kubernetes client library costs a process: import time and resident memory.

    python bench/kube_client.py [--runs 5]

Each candidate is imported in a fresh interpreter, `--runs` times; the
figures are medians, printed next to a bare interpreter (the baseline, same
run) and to httpx alone. Runners are short Jobs that import the client on
every run, so import time is paid once per strategy per day; the operator
pays it once but lives long, so resident memory counts there. Candidates that
are not installed are reported as such (`pip install kubernetes
kubernetes-asyncio kr8s` to compare them all); the choice and the figures are
in docs/operator.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

CANDIDATES = {
    "baseline (python -c pass)": "",
    "httpx alone": "import httpx",
    "lightkube (sync + async, in use)": (
        "import lightkube.config.client_adapter, lightkube.core.resource_registry"
    ),
    "kubernetes (sync)": "import kubernetes.client, kubernetes.config",
    "kubernetes-asyncio (async)": "import kubernetes_asyncio.client, kubernetes_asyncio.config",
    "kubernetes + kubernetes-asyncio": (
        "import kubernetes.client, kubernetes.config, "
        "kubernetes_asyncio.client, kubernetes_asyncio.config"
    ),
    "kr8s (sync + async)": "import kr8s, kr8s.asyncio",
}

PROBE = """
import json, resource, time
t = time.perf_counter()
{statement}
elapsed = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"ms": elapsed * 1000, "rss": peak}}))
"""


def measure(statement: str) -> tuple[float, float] | None:
    """(import ms, peak RSS MiB) of one fresh interpreter; None when the import fails."""
    code = PROBE.format(statement=statement or "pass")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if done.returncode != 0:
        return None
    found = json.loads(done.stdout)
    return float(found["ms"]), float(found["rss"]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    base_ms = base_rss = 0.0
    print(f"{'candidate':36} {'import ms':>10} {'RSS MiB':>8} {'x baseline RSS':>15}")
    for name, statement in CANDIDATES.items():
        runs = [measure(statement) for _ in range(args.runs)]
        if any(r is None for r in runs):
            print(f"{name:36} not installed")
            continue
        ms = statistics.median(r[0] for r in runs if r)
        rss = statistics.median(r[1] for r in runs if r)
        if not statement:
            base_ms, base_rss = ms, rss
        extra = f"+{ms - base_ms:.0f}" if statement else f"{ms:.0f}"
        print(f"{name:36} {extra:>10} {rss:8.1f} {rss / base_rss:15.2f}")


if __name__ == "__main__":
    main()
