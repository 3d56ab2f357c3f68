"""Sweep speed on the real data: printed figures, not assertions.

    .venv/bin/python bench/sweep.py [--data-dir DIR] [--sweep FILE]

In one run, on the six real series (../shared/data by default):

1. the single-backtest engine time of v3.5b over the sweep's period
   (manifests/sweeps/v3-5b-sma-grid.yaml: 2010-2025, 200 sets), data in memory;
2. `stratops sweep` of those 200 sets with `--workers 1` and `--workers 2`
   (fresh SQLite ledgers), timed from the first set to the last stored row:
   the speed-up of two workers (goal >= 1.8x) and the time per set against
   the single backtest (goal <= 1.2x: data is loaded once per worker, not
   once per set, and storing a row is cheap).

Both figures depend on the machine and its load; on a 2-core machine shared
with other work the two workers compete with it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from stratops.core.backtest import run_backtest
from stratops.core.db import upgrade_to_head
from stratops.core.manifests import load_strategy
from stratops.core.marketdata.cache import load_market_data
from stratops.core.research.compute import compute_set
from stratops.core.research.plan import load_plan
from stratops.core.strategies.registry import build_strategy

ROOT = Path(__file__).resolve().parents[1]


def engine_seconds(plan: Any, data_dir: Path, repeat: int = 5) -> tuple[float, float]:
    """Fastest single backtest of the base strategy over the sweep's period, and the fastest
    `compute_set` of the sweep's first set (the engine plus the in/out-of-sample split)."""
    base = load_strategy(ROOT / "manifests/strategies/v3-5b.yaml").spec
    strategy = build_strategy(base)
    data = load_market_data(data_dir, strategy.symbols)
    period = plan.sweep.spec.period
    first = plan.sets[0]
    engine, one_set = [], []
    for _ in range(repeat):  # interleaved, so machine load hits both alike
        t0 = time.perf_counter()
        run_backtest(strategy, base, data, period.start, period.end)
        t1 = time.perf_counter()
        compute_set(base, first.index, first.overrides, data, period)
        engine.append(t1 - t0)
        one_set.append(time.perf_counter() - t1)
    return min(engine), min(one_set)


def sweep_seconds(sweep: Path, data_dir: Path, workers: int, folder: Path) -> dict[str, Any]:
    db = f"sqlite:///{folder / f'workers-{workers}.db'}"
    upgrade_to_head(db)
    command = [
        sys.executable, "-m", "stratops.core.cli", "sweep", str(sweep), "--data-dir",
        str(data_dir), "--manifests", str(ROOT / "manifests/strategies"), "--db", db,
        "--workers", str(workers), "--json",
    ]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("STRATOPS_")}
    t0 = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"sweep with {workers} worker(s) failed: {done.stderr.strip()}")
    report: dict[str, Any] = json.loads(done.stdout)
    report["wall"] = wall
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--sweep", type=Path, default=ROOT / "manifests/sweeps/v3-5b-sma-grid.yaml")
    args = parser.parse_args()
    if not args.data_dir.is_dir():
        raise SystemExit(f"no market data at {args.data_dir} (pass --data-dir DIR)")
    plan = load_plan(args.sweep, ROOT / "manifests/strategies")
    sets = len(plan.sets)
    period = plan.sweep.spec.period
    print(
        f"sweep {plan.sweep.name}: {sets} sets of {plan.base.spec.strategy_class}, "
        f"{period.start} .. {period.end}, {os.cpu_count()} CPUs"
    )
    single, one_set = engine_seconds(plan, args.data_dir)
    print(f"  single backtest (engine, data in memory)   {single * 1000:8.1f} ms")
    print(
        f"  one set (compute_set, data in memory)      {one_set * 1000:8.1f} ms"
        f"   ({one_set / single:.2f} x the single backtest)"
    )
    with tempfile.TemporaryDirectory() as folder:
        one = sweep_seconds(args.sweep, args.data_dir, 1, Path(folder))
        two = sweep_seconds(args.sweep, args.data_dir, 2, Path(folder))
    for report, workers in ((one, 1), (two, 2)):
        print(
            f"  sweep --workers {workers}: {report['seconds']:7.2f} s run "
            f"({report['wall']:.2f} s with start-up), {report['done']}/{report['total']} rows, "
            f"{report['seconds'] / sets * 1000:.1f} ms per set"
        )
    per_set = one["seconds"] / sets
    print(
        f"  speed-up --workers 2 vs 1                  {one['seconds'] / two['seconds']:8.2f} x"
        "   (goal >= 1.8 x)"
    )
    print(
        f"  per set (--workers 1) / single backtest    {per_set / single:8.2f} x   (goal <= 1.2 x)"
    )
    same = [r["index"] for r in one["ranked"]] == [r["index"] for r in two["ranked"]]
    print(f"  same ranking with 1 and 2 workers: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
