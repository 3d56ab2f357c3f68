"""`stratops sweep`: run a StrategySweep's parameter sets locally and store their rows.

The same sets and rows as the cluster's Indexed Job: `--index I` computes only
slice I (what one pod does); without it every set runs in a process pool of
`--workers` processes, each loading the market data once. stdout carries the
ranked table (one JSON object with `--json`); the progress bar goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from stratops.core.commands.db import DB_URL_ENV

DEFAULT_DB = "sqlite:///.stratops/research.db"
"""The embedded default ledger: a SQLite file in the working directory, migrated on first use."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "sweep",
        help="backtest every parameter set of a StrategySweep",
        description=(
            "Backtest every parameter set of a StrategySweep manifest (base strategy from the "
            "same file or the manifests next to it), store one row per set, print the ranking."
        ),
    )
    parser.add_argument("file", type=Path, metavar="FILE")
    parser.add_argument("--data-dir", required=True, type=Path, metavar="DIR")
    parser.add_argument("--workers", type=_positive, default=1, metavar="N")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.add_argument(
        "--db",
        metavar="URL",
        help=f"where the rows go (default: ${DB_URL_ENV}, else {DEFAULT_DB}, created)",
    )
    parser.add_argument(
        "--manifests",
        type=Path,
        metavar="DIR",
        help="folder of the base strategy (default: FILE's)",
    )
    parser.add_argument("--max-sets", type=_positive, default=1000, metavar="N")
    parser.add_argument(
        "--index", type=_non_negative, metavar="I", help="compute only slice I (one pod's share)"
    )
    parser.add_argument("--top", type=_positive, default=10, metavar="N", help="rows printed")
    parser.set_defaults(handler=run)


def _positive(text: str) -> int:
    value = _integer(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def _non_negative(text: str) -> int:
    value = _integer(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative: {text!r}")
    return value


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None


def run(args: argparse.Namespace) -> int:
    from stratops.core.research.session import SweepSession

    given = args.db or os.environ.get(DB_URL_ENV)  # the pod's Secret, or the flag
    session = SweepSession.open(
        args.file, args.manifests, args.max_sets, given or DEFAULT_DB, given is None
    )
    try:
        started, cpu = time.perf_counter(), cpu_seconds()
        if args.index is not None:
            failed = session.run_slice(args.index, args.data_dir)
        else:
            session.run_all(args.data_dir, args.workers, progress_bar(sys.stderr))
        report = session.report(args.top, time.perf_counter() - started, cpu_seconds() - cpu)
    finally:
        session.close()
    print(json.dumps(report, allow_nan=False) if args.json else render(report))
    if args.index is not None:  # a pod fails only for its own slice
        return 1 if failed else 0
    return 1 if report["failed"] else 0


def cpu_seconds() -> float:
    """CPU time of this process and of its finished workers (a pool's are joined by the end
    of the run): beside the wall time, it tells a slow machine from a busy one."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def progress_bar(stream: TextIO, force: bool = False) -> Any:
    """A one-line bar redrawn in place on a terminal (or when forced), else None."""
    if not (force or stream.isatty()):
        return None

    def show(done: int, total: int) -> None:
        width = 30
        filled = width * done // total
        stream.write(f"\rsweep [{'#' * filled}{'.' * (width - filled)}] {done}/{total} sets")
        if done == total:
            stream.write("\n")
        stream.flush()

    return show


def _fmt(value: Any) -> str:
    return "n/a" if value is None else f"{value:,.2f}"


def render(report: dict[str, Any]) -> str:
    oos = report["outOfSampleStart"] is not None
    lines = [
        f"sweep {report['namespace']}/{report['name']} on {report['baseStrategy']} "
        f"({report['strategyClass']}): {report['done']}/{report['total']} sets, "
        f"ranked by {report['rankBy']} ({report['rankOn']})",
    ]
    head = f"  {'rank':>4} {'set':>4}  {'IS sharpe':>9} {'IS CAGR%':>9} {'IS maxDD%':>9}"
    head += f"  {'OOS sharpe':>10} {'OOS CAGR%':>9} {'OOS maxDD%':>10}" if oos else ""
    lines += [head + "  parameters"]
    for row in report["ranked"]:
        ins, out = row["inSample"] or {}, row["outOfSample"] or {}
        line = f"  {row['rank']:>4} {row['index']:>4}  {_fmt(ins.get('sharpe')):>9}"
        line += f" {_fmt(ins.get('cagr_pct')):>9} {_fmt(ins.get('max_drawdown_pct')):>9}"
        if oos:
            line += f"  {_fmt(out.get('sharpe')):>10} {_fmt(out.get('cagr_pct')):>9}"
            line += f" {_fmt(out.get('max_drawdown_pct')):>10}"
        params = ", ".join(f"{k}={v}" for k, v in row["parameters"].items())
        lines.append(f"{line}  {params}")
    lines += [f"  failed set {f['index']}: {f['reason']}" for f in report["failed"]]
    lines.append(f"  database      {report['database']} (sweep {report['sweepId']})")
    return "\n".join(lines)
