"""Helpers of the runner's database tests: run the real commands, read the ledger back.

Everything goes through the real `stratops` command line, in process (fast)
or as a subprocess (when a test needs a process to die or two to race).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import func, select

from stratops.core.cli import main
from stratops.core.db import (
    PerformanceSnapshot,
    RunFailure,
    StrategyRun,
    Trade,
    create_engine_for,
)
from stratops.core.marketdata.calendar import sessions

ROOT = Path(__file__).resolve().parents[3]
MANIFESTS = ROOT / "manifests" / "strategies"
V35B = MANIFESTS / "v3-5b.yaml"
V35D = MANIFESTS / "v3-5d.yaml"
SYMBOLS = ("QQQ", "TQQQ", "PSQ", "TLT", "TMF", "TMV")
DATA_START = dt.date(2016, 1, 4)
DATA_END = dt.date(2025, 12, 31)
KILLED_RUNNER = ROOT / "tests" / "entrypoints" / "killed_runner.py"
VOLATILE_STATE_KEYS = ("run_id", "last_run")
"""Keys that differ between two equal runs: the attempt's id and its wall-clock time."""


def session_days(start: str, end: str) -> list[dt.date]:
    return [d.date() for d in sessions(start, end)]


def cli(
    *argv: str | Path, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """`stratops ARGV` in a fresh process (inherits the environment plus `env`)."""
    full_env = {**os.environ, **(env or {})}
    command = [sys.executable, "-m", "stratops.core.cli", *map(str, argv)]
    return subprocess.run(
        command, env=full_env, cwd=cwd, capture_output=True, text=True, timeout=300
    )


def killed_cli(point: str, *argv: str | Path) -> subprocess.CompletedProcess[str]:
    """`stratops ARGV` in a fresh process that dies at `point` (entrypoints/killed_runner.py)."""
    command = [sys.executable, str(KILLED_RUNNER), point, *map(str, argv)]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def popen(
    *argv: str | Path, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.Popen[str]:
    full_env = {**os.environ, **(env or {})}
    command = [sys.executable, "-m", "stratops.core.cli", *map(str, argv)]
    return subprocess.Popen(
        command, env=full_env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


@dataclass(frozen=True)
class Place:
    """Where one test's runner writes: its database, market data and state folder."""

    db: str
    data: Path
    state: Path

    def run_args(self, manifest: Path, day: dt.date | str, *extra: str) -> list[str]:
        return [
            *("run", "--strategy", str(manifest), "--date", str(day)),
            *("--db", self.db, "--data-dir", str(self.data), "--state-dir", str(self.state)),
            *extra,
        ]

    def run_all_args(self, manifests: Path, *when: str) -> list[str]:
        return [
            *("run-all", "--manifests", str(manifests), *when),
            *("--db", self.db, "--data-dir", str(self.data), "--state-dir", str(self.state)),
        ]

    def state_file(self, strategy_id: str) -> Path:
        return self.state / strategy_id / "state.json"

    def state_doc(self, strategy_id: str) -> dict[str, Any]:
        """The stored state without the keys that differ between equal runs."""
        doc = json.loads(self.state_file(strategy_id).read_text())
        return {k: v for k, v in doc.items() if k not in VOLATILE_STATE_KEYS}


def run_json(
    capsys: pytest.CaptureFixture[str], argv: Sequence[str], expect: int = 0
) -> dict[str, Any]:
    """Run in process with --json; check the exit code; return the printed object."""
    code = main([*argv, "--json"])
    out = capsys.readouterr().out
    assert code == expect, out
    doc: dict[str, Any] = json.loads(out)
    return doc


def counts(db: str, strategy_id: str) -> dict[str, int]:
    """Rows of one strategy in each ledger table."""
    engine = create_engine_for(db)
    try:
        with engine.connect() as conn:
            return {
                name: conn.scalar(
                    select(func.count()).select_from(model).where(model.strategy_id == strategy_id)
                )
                or 0
                for name, model in (
                    ("runs", StrategyRun),
                    ("snapshots", PerformanceSnapshot),
                    ("trades", Trade),
                    ("failures", RunFailure),
                )
            }
    finally:
        engine.dispose()


def ledger(db: str, strategy_id: str) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of one strategy that two equal histories share (ids and times left out)."""
    engine = create_engine_for(db)
    try:
        with engine.connect() as conn:
            snaps = conn.execute(
                select(
                    PerformanceSnapshot.snapshot_date,
                    PerformanceSnapshot.total_equity,
                    PerformanceSnapshot.cash,
                    PerformanceSnapshot.positions_json,
                    PerformanceSnapshot.strategy_cell,
                    PerformanceSnapshot.baseline_value,
                )
                .where(PerformanceSnapshot.strategy_id == strategy_id)
                .order_by(PerformanceSnapshot.snapshot_date)
            ).all()
            trades = conn.execute(
                select(Trade.trade_date, Trade.symbol, Trade.action, Trade.quantity, Trade.price)
                .where(Trade.strategy_id == strategy_id)
                .order_by(Trade.trade_date, Trade.id)
            ).all()
            runs = conn.execute(
                select(StrategyRun.trade_date, StrategyRun.result, StrategyRun.equity)
                .where(StrategyRun.strategy_id == strategy_id)
                .order_by(StrategyRun.trade_date)
            ).all()
            failures = conn.execute(
                select(RunFailure.trade_date, RunFailure.reason).where(
                    RunFailure.strategy_id == strategy_id
                )
            ).all()
    finally:
        engine.dispose()
    return {
        "snapshots": [tuple(r) for r in snaps],
        "trades": [tuple(r) for r in trades],
        "runs": [tuple(r) for r in runs],
        "failures": [tuple(r) for r in failures],
    }


def write_manifest(folder: Path, source: Path, name: str, **spec: Any) -> Path:
    """A copy of `source` named `name` (strategyId from it) with spec fields changed.

    `parameters` given as a dict are merged into the source's parameters.
    """
    doc = yaml.safe_load(source.read_text())
    doc["metadata"]["name"] = name
    doc["spec"]["strategyId"] = name.replace("-", "_")
    params = spec.pop("parameters", {})
    doc["spec"].update(spec)
    doc["spec"]["parameters"].update(params)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path
