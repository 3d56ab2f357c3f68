"""`stratops backtest-config`: one row per (strategy_id, config hash, data snapshot), once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from stratops.core.db import ConfigBacktest, UnitOfWork, create_engine_for
from stratops.core.manifests import load_strategy
from stratops.core.strategies.base import config_hash
from stratops.core.strategies.registry import build_strategy

from .support import V35B, cli

pytestmark = pytest.mark.db


def _rows(db: str) -> list[ConfigBacktest]:
    engine = create_engine_for(db)
    try:
        with UnitOfWork(engine) as session:
            return list(session.scalars(select(ConfigBacktest)).all())
    finally:
        engine.dispose()


def test_the_backtest_of_a_configuration_is_stored_once(
    migrated_db_url: str, market_cache: Path
) -> None:
    manifest = json.dumps(yaml.safe_load(V35B.read_text()))
    args = ("backtest-config", "--manifest-json", manifest, "--data-dir", market_cache)
    done = cli(*args, "--db", migrated_db_url, "--job", "v3-5b-bt-x")
    assert done.returncode == 0, done.stderr
    spec = load_strategy(V35B).spec
    expected = config_hash(build_strategy(spec), spec)
    doc = json.loads(done.stdout)
    assert doc["config_hash"] == expected
    again = cli(*args, "--db", migrated_db_url)
    assert again.returncode == 0, again.stderr
    (row,) = _rows(migrated_db_url)
    assert (row.strategy_id, row.config_hash, row.job_name) == ("v3_5b", expected, "v3-5b-bt-x")
    assert row.start_date.isoformat() == "2016-01-04"  # no signalStart: the first bar
    assert row.end_date.isoformat() == "2019-12-31"
    assert row.metrics["sharpe"] == doc["sharpe"]
    assert row.metrics["trades"] == doc["trades"] > 0


def test_a_bad_manifest_is_one_line(migrated_db_url: str, market_cache: Path) -> None:
    done = cli(
        *("backtest-config", "--manifest-json", "{", "--data-dir", market_cache),
        *("--db", migrated_db_url),
    )
    assert done.returncode == 1
    assert done.stderr.startswith("stratops: error: --manifest-json: not JSON")
    assert _rows(migrated_db_url) == []
