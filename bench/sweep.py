"""Sweep speed on the real data: printed figures, not assertions.

    .venv/bin/python bench/sweep.py [--data-dir DIR] [--sweep FILE] [--rounds N]
                                    [--cluster [--pods N]]

In one run, on the six real series (../shared/data by default):

1. the single-backtest engine time of v3.5b over the sweep's period
   (manifests/sweeps/v3-5b-sma-grid.yaml: 2010-2025, 200 sets), data in memory:
   the mean over 20 of the sweep's own sets, measured again before each sweep
   so that it sees the same machine load (the least loaded round is kept);
2. `stratops sweep` of those 200 sets with `--workers 1` and `--workers 2`
   (fresh SQLite ledgers), alternated `--rounds` times, the fastest of each
   kept, timed from the first set to the last stored row: the speed-up of two
   workers (goal >= 1.8x) and the time per set against the single backtest
   (goal <= 1.2x: data is loaded once per worker, not once per set, and rows
   are stored in batches). Beside the wall-clock figures: the CPU seconds the
   sweep's processes used (per set, against the engine's CPU time) and how
   many CPUs the two workers actually got (CPU seconds / wall seconds), which
   is what another load on the machine takes away;
3. with `--cluster`: the same sweep as a StrategySweep on a throwaway test
   cluster (bench/sweep_cluster.py says what runs and what is left out), its
   wall time against the local `--workers 2` run, with the pod count.

Every figure depends on the machine and its load (printed at the start and
the end); on a 2-core machine shared with other work, two workers compete
with it and the wall-clock speed-up says so.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from stratops.core.backtest import run_backtest
from stratops.core.db import upgrade_to_head
from stratops.core.research import fanout
from stratops.core.research.compute import compute_set
from stratops.core.research.plan import load_plan
from stratops.core.research.sets import set_spec
from stratops.core.strategies.registry import build_strategy

ROOT = Path(__file__).resolve().parents[1]


def engine_seconds(plan: Any, data_dir: Path, sample: int = 20) -> dict[str, float]:
    """The single-backtest engine time of the sweep's own sets: `run_backtest` alone on
    every (n/sample)-th set's spec, data in memory, its mean wall and CPU time; and
    `compute_set` (what a sweep runs per set: the engine, the split, the metrics) on the
    same sets, interleaved, so machine load hits both alike. Means, not minima: a sweep's
    time per set is a mean too."""
    data = fanout.load_data(plan, data_dir)
    period = plan.sweep.spec.period
    chosen = plan.sets[:: max(1, len(plan.sets) // sample)]
    wall = cpu = one_set = one_set_cpu = 0.0
    for parameter_set in chosen:
        spec = set_spec(plan.base.spec, parameter_set.overrides)
        strategy = build_strategy(spec)
        t0, c0 = time.perf_counter(), time.process_time()
        run_backtest(strategy, spec, data, period.start, period.end)
        t1, c1 = time.perf_counter(), time.process_time()
        compute_set(plan.base.spec, parameter_set.index, parameter_set.overrides, data, period)
        t2, c2 = time.perf_counter(), time.process_time()
        wall, cpu = wall + t1 - t0, cpu + c1 - c0
        one_set, one_set_cpu = one_set + t2 - t1, one_set_cpu + c2 - c1
    n = len(chosen)
    return {
        "wall": wall / n,
        "cpu": cpu / n,
        "one_set": one_set / n,
        "one_set_cpu": one_set_cpu / n,
    }


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} CPUs"


def sweep_seconds(sweep: Path, data_dir: Path, workers: int, folder: Path) -> dict[str, Any]:
    folder.mkdir(parents=True, exist_ok=True)
    db = f"sqlite:///{folder / f'workers-{workers}.db'}"
    upgrade_to_head(db)
    command = [
        sys.executable, "-m", "stratops.core.cli", "sweep", str(sweep), "--data-dir",
        str(data_dir), "--manifests", str(ROOT / "manifests/strategies"), "--db", db,
        "--workers", str(workers), "--json",
    ]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("STRATOPS_")}
    cpu0, t0 = _children_cpu(), time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - t0
    cpu = _children_cpu() - cpu0  # the CLI and its workers (reaped by the pool)
    if done.returncode != 0:
        raise SystemExit(f"sweep with {workers} worker(s) failed: {done.stderr.strip()}")
    report: dict[str, Any] = json.loads(done.stdout)
    report["wall"] = wall
    report["cpu"] = cpu
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--sweep", type=Path, default=ROOT / "manifests/sweeps/v3-5b-sma-grid.yaml")
    parser.add_argument("--rounds", type=int, default=2, help="alternated 1- and 2-worker runs")
    parser.add_argument("--cluster", action="store_true", help="also run it on a test cluster")
    parser.add_argument("--pods", type=int, default=2, help="the cluster sweep's parallelism")
    args = parser.parse_args()
    if not args.data_dir.is_dir():
        raise SystemExit(f"no market data at {args.data_dir} (pass --data-dir DIR)")
    plan = load_plan(args.sweep, ROOT / "manifests/strategies")
    sets = len(plan.sets)
    period = plan.sweep.spec.period
    print(
        f"sweep {plan.sweep.name}: {sets} sets of {plan.base.spec.strategy_class}, "
        f"{period.start} .. {period.end}"
    )
    print(f"  at the start: {load()}")
    engines: list[dict[str, float]] = []
    runs: dict[int, list[dict[str, Any]]] = {1: [], 2: []}
    with tempfile.TemporaryDirectory() as folder:
        for n in range(max(1, args.rounds)):
            for workers in (1, 2):
                engines.append(engine_seconds(plan, args.data_dir))
                runs[workers].append(
                    sweep_seconds(args.sweep, args.data_dir, workers, Path(folder) / f"{n}")
                )
    single = min(e["wall"] for e in engines)  # the round with the least load
    single_cpu = min(e["cpu"] for e in engines)
    one_set = min(e["one_set"] for e in engines)
    one_set_cpu = min(e["one_set_cpu"] for e in engines)
    print(f"  single backtest (engine, data in memory)   {single * 1000:8.1f} ms wall"
          f"   {single_cpu * 1000:6.1f} ms CPU   (mean over 20 of the sets)")  # fmt: skip
    print(
        f"  one set (compute_set, data in memory)      {one_set * 1000:8.1f} ms wall"
        f"   {one_set_cpu * 1000:6.1f} ms CPU   ({one_set_cpu / single_cpu:.2f} x the engine's CPU)"
    )
    one = min(runs[1], key=lambda r: r["seconds"])
    two = min(runs[2], key=lambda r: r["seconds"])
    for report, workers in ((one, 1), (two, 2)):
        tries = ", ".join(f"{r['seconds']:.2f}" for r in runs[workers])
        print(
            f"  sweep --workers {workers}: {report['seconds']:7.2f} s run "
            f"({report['wall']:.2f} s with start-up; runs: {tries} s), "
            f"{report['done']}/{report['total']} rows, {report['seconds'] / sets * 1000:.1f} ms "
            f"per set; CPU {report['cpuSeconds'] / sets * 1000:.1f} ms per set in the run "
            f"({report['cpu']:.1f} s with start-up), "
            f"{report['cpuSeconds'] / report['seconds']:.2f} CPUs busy"
        )
    per_set = one["seconds"] / sets
    print(
        f"  speed-up --workers 2 vs 1                  {one['seconds'] / two['seconds']:8.2f} x"
        "   (goal >= 1.8 x, wall clock)"
    )
    print(
        f"  per set (--workers 1) / single backtest    {per_set / single:8.2f} x"
        "   (goal <= 1.2 x, wall clock)"
    )
    print(
        f"  CPU per set (--workers 1) / engine CPU     "
        f"{one['cpuSeconds'] / sets / single_cpu:8.2f} x   (the run: data load and rows included)"
    )
    print(
        f"  CPU per set (--workers 2) / (--workers 1)  "
        f"{two['cpuSeconds'] / one['cpuSeconds']:8.2f} x   (what the pool adds per set)"
    )
    same = [r["index"] for r in one["ranked"]] == [r["index"] for r in two["ranked"]]
    print(f"  same ranking with 1 and 2 workers: {'yes' if same else 'NO'}")
    if args.cluster:
        cluster(args, two, sets)
    print(f"  at the end: {load()}")


def cluster(args: argparse.Namespace, local: dict[str, Any], sets: int) -> None:
    import sweep_cluster  # the control plane's helpers load only when asked for

    found = sweep_cluster.run(args.sweep, args.data_dir, args.pods)
    print(f"  cluster: {found.kubelet}")
    job = f"{found.job_seconds:.0f} s" if found.job_seconds is not None else "n/a"
    print(
        f"  cluster sweep: {found.seconds:7.2f} s from apply to Succeeded (Job {job}), "
        f"{found.rows}/{sets} rows, {found.completions} pods, {found.parallelism} at a time"
    )
    print(
        f"  cluster / local --workers 2 (with start-up) {found.seconds / local['wall']:7.2f} x"
        f"   ({found.parallelism} pods vs 2 workers)"
    )
    same = [t["index"] for t in found.top] == [r["index"] for r in local["ranked"]][
        : len(found.top)
    ]
    print(f"  same top {len(found.top)} on the cluster as locally: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
