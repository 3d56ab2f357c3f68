"""`/api/backtests/configurations/{id}`: each configuration's backtest, older ones stale."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from stratops.core.db import StrategyConfig, UnitOfWork, create_engine_for

from .support import V35B, cli
from .test_sweeps_api import _get

pytestmark = pytest.mark.db


def _backtest(db: str, cache: Path, doc: dict[str, Any]) -> str:
    args = ("backtest-config", "--manifest-json", json.dumps(doc), "--data-dir", cache)
    done = cli(*args, "--db", db)
    assert done.returncode == 0, done.stderr
    return str(json.loads(done.stdout)["config_hash"])


def _mirror(db: str, spec: dict[str, Any]) -> None:
    """What the operator's mirror keeps: the strategy's current spec."""
    engine = create_engine_for(db)
    try:
        with UnitOfWork(engine) as session:
            session.add(
                StrategyConfig(
                    strategy_id="v3_5b",
                    display_name="v3.5b",
                    strategy_class=spec["strategyClass"],
                    parameters=spec["parameters"],
                    spec=spec,
                )
            )
    finally:
        engine.dispose()


def test_the_current_configuration_is_marked_and_older_ones_are_stale(
    migrated_db_url: str, market_cache: Path
) -> None:
    old = yaml.safe_load(V35B.read_text())
    new = yaml.safe_load(V35B.read_text())
    new["spec"]["parameters"]["sma_fast"] = 30
    old_hash = _backtest(migrated_db_url, market_cache, old)
    new_hash = _backtest(migrated_db_url, market_cache, new)
    _mirror(migrated_db_url, new["spec"])
    body = _get(migrated_db_url, "/api/backtests/configurations/v3_5b").json()
    assert body["current_config_hash"] == new_hash
    listed = [(b["config_hash"], b["stale"]) for b in body["backtests"]]
    assert listed == [(new_hash, False), (old_hash, True)]
    assert body["backtests"][0]["metrics"]["trades"] > 0
    assert _get(migrated_db_url, "/api/backtests/configurations/nope").status_code == 404
    fleet = _get(migrated_db_url, "/api/backtests/configurations").json()["strategies"]
    assert fleet == {"v3_5b": body}  # every configured strategy, the same list as alone
