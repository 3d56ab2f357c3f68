"""Helpers of the sweep tests: manifests written to a folder, the real CLI, rows read back."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from stratops.core.db import Sweep, SweepResult, UnitOfWork, create_engine_for

ROOT = Path(__file__).resolve().parents[3]
V35B = ROOT / "manifests" / "strategies" / "v3-5b.yaml"
SYMBOLS = ("QQQ", "TQQQ", "PSQ", "TLT", "TMF", "TMV")
GRID = {"sma_fast": [30, 40], "sma_slow": [120, 140, 160]}


def cli(*argv: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`stratops ARGV` in a fresh process."""
    command = [sys.executable, "-m", "stratops.core.cli", *map(str, argv)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("STRATOPS_")}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def sweep_doc(name: str = "sma", **spec: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "baseStrategy": "v3-5b",
        "grid": GRID,
        "period": {"start": "2017-01-01", "end": "2019-12-31", "outOfSampleStart": "2019-01-01"},
        "setsPerPod": 4,
        **spec,
    }
    return {
        "apiVersion": "trading.stratops.dev/v1alpha1",
        "kind": "StrategySweep",
        "metadata": {"name": name},
        "spec": body,
    }


def write_sweep(folder: Path, doc: dict[str, Any], with_base: bool = True) -> Path:
    """The sweep in sweep.yaml and, unless told otherwise, the base strategy next to it."""
    folder.mkdir(parents=True, exist_ok=True)
    if with_base:
        (folder / "v3-5b.yaml").write_text(V35B.read_text())
    path = folder / "sweep.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def rows(db: str) -> list[dict[str, Any]]:
    """Every sweep_results row, by sweep and set index, without the insertion time."""
    engine = create_engine_for(db)
    try:
        with UnitOfWork(engine) as session:
            found = session.scalars(
                select(SweepResult).order_by(SweepResult.sweep_id, SweepResult.set_index)
            ).all()
            return [
                {c.name: getattr(r, c.name) for c in SweepResult.__table__.columns} for r in found
            ]
    finally:
        engine.dispose()


def sweep_count(db: str) -> int:
    engine = create_engine_for(db)
    try:
        with UnitOfWork(engine) as session:
            return len(session.scalars(select(Sweep.id)).all())
    finally:
        engine.dispose()
