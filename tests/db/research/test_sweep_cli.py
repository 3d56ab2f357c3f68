"""`stratops sweep`: the sets of a StrategySweep, run locally, one stored row per set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stratops.core.db import upgrade_to_head

from .support import cli, rows, sweep_count, sweep_doc, write_sweep

pytestmark = pytest.mark.db

SETS = 6


def _without_time(found: list[dict[str, object]]) -> list[dict[str, object]]:
    return [{k: v for k, v in r.items() if k != "created_at"} for r in found]


def test_a_sweep_stores_one_row_per_set_and_prints_the_ranking(
    migrated_db_url: str, market_cache: Path, tmp_path: Path
) -> None:
    path = write_sweep(tmp_path / "m", sweep_doc())
    done = cli("sweep", path, "--data-dir", market_cache, "--db", migrated_db_url, "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["done"], report["total"], report["failed"]) == (SETS, SETS, [])
    stored = rows(migrated_db_url)
    assert [r["set_index"] for r in stored] == list(range(SETS))
    assert all(r["in_sample"] and r["out_of_sample"] for r in stored)
    assert {r["in_sample"]["end"] < r["out_of_sample"]["start"] for r in stored} == {True}
    scores = [r["score"] for r in report["ranked"]]
    assert scores == sorted(scores, reverse=True)
    best = max(stored, key=lambda r: r["score"])
    assert report["ranked"][0]["index"] == best["set_index"]
    assert report["ranked"][0]["parameters"] == best["parameters"]
    assert len({r["params_hash"] for r in stored}) == SETS


def test_a_rerun_writes_nothing_new(
    migrated_db_url: str, market_cache: Path, tmp_path: Path
) -> None:
    path = write_sweep(tmp_path / "m", sweep_doc())
    args = ("sweep", path, "--data-dir", market_cache, "--db", migrated_db_url)
    assert cli(*args).returncode == 0
    first = rows(migrated_db_url)
    again = cli(*args)
    assert again.returncode == 0, again.stderr
    assert rows(migrated_db_url) == first
    assert sweep_count(migrated_db_url) == 1


def test_slices_and_a_pool_write_the_same_rows_as_one_process(
    db_url: str, market_cache: Path, tmp_path: Path
) -> None:
    """What the Indexed Job's pods do (one slice each, any order, one twice) equals one run."""
    path = write_sweep(tmp_path / "m", sweep_doc())
    serial = f"sqlite:///{tmp_path / 'serial.db'}"
    upgrade_to_head(serial)
    upgrade_to_head(db_url)
    assert cli("sweep", path, "--data-dir", market_cache, "--db", serial).returncode == 0
    for index in (1, 0, 1):  # completions = ceil(6 / setsPerPod 4) = 2; index 1 runs twice
        done = cli("sweep", path, "--data-dir", market_cache, "--db", db_url, "--index", index)
        assert done.returncode == 0, done.stderr
    assert _without_time(rows(db_url)) == _without_time(rows(serial))
    pooled = f"sqlite:///{tmp_path / 'pool.db'}"
    upgrade_to_head(pooled)
    done = cli("sweep", path, "--data-dir", market_cache, "--db", pooled, "--workers", "2")
    assert done.returncode == 0, done.stderr
    assert _without_time(rows(pooled)) == _without_time(rows(serial))


def test_without_db_the_embedded_sqlite_file_is_created(market_cache: Path, tmp_path: Path) -> None:
    path = write_sweep(tmp_path / "m", sweep_doc(sets=[{"sma_fast": 35}], grid=None))
    done = cli("sweep", path, "--data-dir", market_cache, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    db = f"sqlite:///{tmp_path / '.stratops' / 'research.db'}"
    assert [r["parameters"] for r in rows(db)] == [{"sma_fast": 35}]
    assert "sweep default/sma on v3-5b" in done.stdout


@pytest.mark.parametrize(
    ("spec", "with_base", "words"),
    [
        ({"grid": {"sma_fast": [30, 0]}}, True, "spec.grid.sma_fast: 0: must be greater"),
        ({"grid": {"smaa_fast": [30]}}, True, "spec.grid.smaa_fast: not a parameter of"),
        ({"grid": {}}, True, "spec.grid: is empty"),
        ({"grid": {"sma_fast": list(range(1, 40))}}, True, "exceed the maximum of 20"),
        ({}, False, "spec.baseStrategy: no TradingStrategy named 'v3-5b'"),
        ({"period": {"start": "2019-01-01", "end": "2018-01-01"}}, True, "spec.period"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    migrated_db_url: str,
    market_cache: Path,
    tmp_path: Path,
    spec: dict[str, object],
    with_base: bool,
    words: str,
) -> None:
    path = write_sweep(tmp_path / "m", sweep_doc(**spec), with_base=with_base)
    done = cli(
        *("sweep", path, "--data-dir", market_cache, "--db", migrated_db_url),
        *("--max-sets", "20"),
    )
    assert done.returncode == 1
    assert words in done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert sweep_count(migrated_db_url) == 0


def test_an_index_past_the_last_slice_is_refused(
    migrated_db_url: str, market_cache: Path, tmp_path: Path
) -> None:
    path = write_sweep(tmp_path / "m", sweep_doc())
    done = cli(
        *("sweep", path, "--data-dir", market_cache, "--db", migrated_db_url, "--index", "2")
    )
    assert done.returncode == 1
    assert "--index 2: the sweep has 2 slices" in done.stderr
