"""`stratops --log-format json run ...`: every log line is JSON and names its run.

The real command runs as a subprocess on synthetic market data, once for a
day it can trade and once for a day after the data ends (refused as stale),
on SQLite and Postgres.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
V35B = ROOT / "manifests" / "strategies" / "v3-5b.yaml"
SYMBOLS = "QQQ,TQQQ,PSQ,TLT,TMF,TMV"


def stratops(*argv: str | Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STRATOPS_")}
    command = [sys.executable, "-m", "stratops.core.cli", *map(str, argv)]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("market") / "cache"
    done = stratops(
        *("data", "fetch", "--provider", "synthetic", "--symbols", SYMBOLS),
        *("--start", "2023-01-03", "--end", "2024-06-28", "--cache", folder),
    )
    assert done.returncode == 0, done.stderr
    return folder


def run_lines(db: str, cache: Path, state: Path, day: str) -> tuple[int, list[dict[str, str]]]:
    done = stratops(
        *("--log-format", "json", "--log-level", "info", "run", "--strategy", V35B),
        *("--date", day, "--db", db, "--data-dir", cache, "--state-dir", state, "--json"),
    )
    lines = [line for line in done.stderr.splitlines() if line.startswith("{")]
    return done.returncode, [json.loads(line) for line in lines]


def test_run_log_lines_are_json_with_the_run_fields(
    migrated_db_url: str, cache: Path, tmp_path: Path
) -> None:
    code, records = run_lines(migrated_db_url, cache, tmp_path / "state", "2024-06-28")
    assert code == 0
    (line,) = [r for r in records if r["message"].startswith("run ")]
    assert line["message"] in ("run traded", "run no_change")
    assert (line["strategy_id"], line["trade_date"], line["resource"]) == (
        "v3_5b",
        "2024-06-28",
        "v3-5b",
    )
    assert len(line["run_id"]) == 36
    assert line["level"] == "info"
    assert line["logger"] == "stratops.runner.day"


def test_a_refused_run_logs_its_reason_with_the_fields(
    migrated_db_url: str, cache: Path, tmp_path: Path
) -> None:
    code, records = run_lines(migrated_db_url, cache, tmp_path / "state", "2024-07-08")
    assert code == 3  # stale data
    (line,) = [r for r in records if r["message"].startswith("run ")]
    assert line["message"] == "run failed (stale_data)"
    assert (line["strategy_id"], line["trade_date"]) == ("v3_5b", "2024-07-08")
    assert "run_id" not in line  # nothing was written, so there is no run id
