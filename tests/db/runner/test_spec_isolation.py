"""A secondary's bad spec, or a config the database refuses, is that strategy's failure only.

The fault suite found one broken secondary (`t_norm_bull_thresh: .inf`)
stopping the whole `run-all` on Postgres before the primary ran, while
SQLite took it. Now every backend refuses non-finite JSON alike, the spec is
validated by the shared rules before anything is written, and the
`strategy_configs` mirror runs one strategy per transaction.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from stratops.core.cli import main
from stratops.core.db import StrategyConfig, create_engine_for
from stratops.core.manifests import load_strategy
from stratops.core.resource import TradingStrategy
from stratops.runner.configs import mirror_manifests
from stratops.runner.day import Services
from stratops.runner.market import MarketDataSource
from stratops.runner.runall import run_all
from stratops.runner.target import file_target

from .support import V35B, V35D, Place, counts, session_days, write_manifest

pytestmark = pytest.mark.db
DAY = session_days("2025-01-16", "2025-01-16")[0]


def _run_all(capsys: pytest.CaptureFixture[str], place: Place, folder: Path) -> tuple[int, Any]:
    code = main([*place.run_all_args(folder, "--date", str(DAY)), "--json"])
    return code, json.loads(capsys.readouterr().out)


def _configs(db: str) -> set[str]:
    engine = create_engine_for(db)
    try:
        with engine.connect() as conn:
            return set(conn.scalars(select(StrategyConfig.strategy_id)))
    finally:
        engine.dispose()


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
def test_a_non_finite_secondary_parameter_never_stops_the_primary(
    value: float, place: Place, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "m"
    write_manifest(folder, V35B, "v3-5b", primary=True)
    write_manifest(folder, V35D, "v3-5d", primary=False, parameters={"t_norm_bull_thresh": value})
    code, out = _run_all(capsys, place, folder)
    assert (code, out["primary"]) == (0, "v3_5b")
    assert out["results"]["v3_5b"]["result"] == "traded"
    assert "v3_5d" not in out["results"]
    (broken,) = out["invalid_manifests"]
    assert broken["file"] == "v3-5d.yaml"
    assert "spec.parameters: t_norm_bull_thresh: must be a finite number" in broken["message"]
    assert _configs(place.db) == {"v3_5b"}


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"parameters": {"sma_fast": -5}}, "parameters.sma_fast"),
        ({"parameters": {"sma_fast": 150, "sma_slow": 140}}, "parameters.sma_fast"),
        ({"parameters": {"sma_fastt": 40}}, "parameters.sma_fastt"),
        ({"timeZone": "Mars/Olympus"}, "timeZone: unknown time zone"),
        ({"schedule": "every day at nine"}, "schedule: schedule 'every day at nine'"),
    ],
)
def test_a_secondary_the_strategy_rejects_fails_alone(
    change: dict[str, Any],
    named: str,
    place: Place,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "m"
    write_manifest(folder, V35B, "v3-5b", primary=True)
    write_manifest(folder, V35D, "v3-5d", primary=False, **change)
    code, out = _run_all(capsys, place, folder)
    assert code == 0
    assert list(out["results"]) == ["v3_5b", "v3_5d"], "primary first"
    assert out["results"]["v3_5b"]["result"] == "traded"
    bad = out["results"]["v3_5d"]
    assert (bad["result"], bad["reason"]) == ("failed", "invalid_spec")
    assert named in bad["message"]
    assert counts(place.db, "v3_5d")["runs"] == 0


def test_an_infinite_initial_capital_is_refused_before_anything_is_written(
    place: Place, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_manifest(tmp_path / "m", V35B, "v3-5b", initialCapital=math.inf)
    code = main(place.run_args(path, DAY))
    err = capsys.readouterr().err
    assert code == 1
    assert err.splitlines() == [
        "stratops: error: v3-5b.yaml: spec.initialCapital: must be a finite number"
    ]
    assert not place.state_file("v3_5b").exists()
    assert counts(place.db, "v3_5b") == {"runs": 0, "snapshots": 0, "trades": 0, "failures": 0}


def _unstorable(source: TradingStrategy) -> TradingStrategy:
    """A manifest object whose parameters JSON cannot hold (built past validation on purpose)."""
    spec = source.spec.model_copy(update={"parameters": {"t_norm_bull_thresh": math.inf}})
    return source.model_copy(update={"spec": spec})


def test_a_config_the_database_refuses_is_that_strategys_failure(
    place: Place, tmp_path: Path
) -> None:
    primary = load_strategy(V35B)
    secondary = _unstorable(load_strategy(V35D))
    engine = create_engine_for(place.db)
    try:
        refused = mirror_manifests(engine, [primary, secondary])
        assert list(refused) == ["v3_5d"]
        assert "could not record the config in strategy_configs" in refused["v3_5d"]
        assert _configs(place.db) == {"v3_5b"}
        targets = [file_target(m, place.state) for m in (primary, secondary)]
        source = MarketDataSource(place.data, {"QQQ", "TQQQ", "PSQ", "TLT", "TMF", "TMV"})
        tallies = run_all(targets, source, [DAY], Services(engine, "test"), [], refused=refused)
    finally:
        engine.dispose()
    assert list(tallies) == ["v3_5b", "v3_5d"]
    assert tallies["v3_5b"].last is not None
    assert tallies["v3_5b"].last.result == "traded"
    assert [(f.reason, f.trade_date) for f in tallies["v3_5d"].failures] == [("config_mirror", DAY)]
    assert tallies["v3_5d"].stopped_on == DAY
    assert counts(place.db, "v3_5d")["runs"] == 0
