"""Process start-up of the `stratops` command: printed figures, not assertions.

    .venv/bin/python bench/startup.py [--data-dir DIR] [--runs N]

Side by side in one run (median wall time of N runs each, interleaved so that
a busy machine slows every figure alike, and next to it the median CPU time of
the process, user + system, which a busy machine inflates much less):

* `python -c pass` and `python -c "import pandas"`: the floor and the cost of pandas;
* `stratops --version` (goal <= 0.25 s) and `stratops run --help` (goal <= 0.3 s);
* the whole `stratops backtest` process (16 years of v3.5b on the real data,
  ../shared/data by default) against the engine's own time in this process.
  Goal: whole process <= 1.5 x (engine + the `import pandas` process), that is
  about 0.3 s at most of overhead beyond pandas and the engine.

The project's modules are byte-compiled first (`compileall`), as an installed
wheel is: with PYTHONDONTWRITEBYTECODE set, an editable install would otherwise
recompile every module on every start and measure the compiler, not stratops.

Then the import profile of `stratops --version` and of the backtest process
(`python -X importtime`, the slowest top-level imports), which shows where
start-up time goes.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
START, END = dt.date(2010, 1, 1), dt.date(2025, 12, 12)


PACKAGE_DIRS = ("core", "operator", "runner", "api", "alembic")


def wall_and_cpu(cmd: Sequence[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process: user + system, all its threads)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)}: exit {os.waitstatus_to_exitcode(status)}")
    return elapsed, usage.ru_utime + usage.ru_stime


def medians(commands: dict[str, list[str]], runs: int) -> tuple[dict[str, float], dict[str, float]]:
    """Median wall and CPU seconds per command; runs interleaved, after one warm-up each."""
    for cmd in commands.values():
        wall_and_cpu(cmd)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, cmd in commands.items():
            times[name].append(wall_and_cpu(cmd))
    walls = {name: statistics.median(w for w, _ in values) for name, values in times.items()}
    cpus = {name: statistics.median(c for _, c in values) for name, values in times.items()}
    return walls, cpus


def engine_seconds(data_dir: Path, repeat: int) -> tuple[float, float]:
    """(engine run, loading the data) in this process, best of `repeat`."""
    from stratops.core.backtest import run_backtest
    from stratops.core.manifests import load_strategy
    from stratops.core.marketdata.cache import load_market_data
    from stratops.core.strategies.registry import build_strategy

    t0 = time.perf_counter()
    data = load_market_data(data_dir)
    load = time.perf_counter() - t0
    manifest = load_strategy(ROOT / "manifests" / "strategies" / "v3-5b.yaml")
    strategy = build_strategy(manifest.spec)
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        run_backtest(strategy, manifest.spec, data, START, END)
        best = min(best, time.perf_counter() - t0)
    return best, load


def import_profile(cmd: Sequence[str], top: int) -> list[tuple[float, str]]:
    """The slowest imports made at the top level of a process (cumulative seconds)."""
    env = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1"}
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.split("|")
        if cumulative.strip().isdigit() and not name.startswith("  "):  # top level only
            rows.append((int(cumulative) / 1e6, name.strip()))
    return sorted(rows, reverse=True)[:top]


def verdict(value: float, goal: float) -> str:
    return "met" if value <= goal else "NOT met"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    python, stratops = str(BIN / "python"), str(BIN / "stratops")
    backtest = [
        stratops, "backtest", "--strategy", str(ROOT / "manifests/strategies/v3-5b.yaml"),
        "--data-dir", str(args.data_dir), "--start", START.isoformat(),
        "--end", END.isoformat(), "--json",
    ]  # fmt: skip
    commands = {
        "python -c pass": [python, "-c", "pass"],
        'python -c "import pandas"': [python, "-c", "import pandas"],
        "stratops --version": [stratops, "--version"],
        "stratops --help": [stratops, "--help"],
        "stratops run --help": [stratops, "run", "--help"],
    }
    have_data = (args.data_dir / "QQQ.csv").exists()
    if have_data:
        commands["stratops backtest (whole process)"] = backtest
    for folder in PACKAGE_DIRS:
        compileall.compile_dir(ROOT / folder, quiet=1)
    t, cpu = medians(commands, args.runs)
    print(f"process start-up, median of {args.runs} runs (seconds; load average "
          f"{os.getloadavg()[0]:.1f})")  # fmt: skip
    print(f"  {'':<36} {'wall':>6} {'cpu':>6}")
    for name, seconds in t.items():
        print(f"  {name:<36} {seconds:6.3f} {cpu[name]:6.3f}")
    version, run_help = t["stratops --version"], t["stratops run --help"]
    floor = t["python -c pass"]
    print(f"  stratops --version: {version:.3f} s, goal <= 0.25 s: {verdict(version, 0.25)}"
          f" ({version / floor:.1f}x python -c pass)")  # fmt: skip
    print(f"  stratops run --help: {run_help:.3f} s, goal <= 0.3 s: {verdict(run_help, 0.3)}")
    if have_data:
        engine, load = engine_seconds(args.data_dir, 5)
        whole, pandas = t["stratops backtest (whole process)"], t['python -c "import pandas"']
        budget = 1.5 * (engine + pandas)
        print(f"backtest v3.5b {START}..{END}: engine {engine * 1000:.0f} ms in process "
              f"(+ {load * 1000:.0f} ms loading the CSVs)")  # fmt: skip
        print(f"  whole process {whole:.3f} s = {whole / (engine + pandas):.2f}x "
              f"(engine + import-pandas process); overhead beyond them "
              f"{whole - engine - pandas:.3f} s")  # fmt: skip
        print(f"  goal whole <= {budget:.3f} s (1.5x): {verdict(whole, budget)}")
        cpu_whole = cpu["stratops backtest (whole process)"]
        cpu_floor = engine + cpu['python -c "import pandas"']
        print(f"  in CPU time: whole {cpu_whole:.3f} s = {cpu_whole / cpu_floor:.2f}x "
              "(engine + import-pandas process)")  # fmt: skip
    else:
        print(f"backtest: no real data in {args.data_dir}; skipped")
    print("slowest top-level imports (cumulative s, python -X importtime):")
    profiles = {"stratops --version": [stratops, "--version"]}
    if have_data:
        profiles["stratops backtest"] = backtest
    for name, cmd in profiles.items():
        rows = import_profile(cmd, 6)
        print(f"  {name}: " + ", ".join(f"{module} {seconds:.3f}" for seconds, module in rows))


if __name__ == "__main__":
    main()
