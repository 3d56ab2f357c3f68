"""Local mode mirrors manifests into strategy_configs with the operator's election rule."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import Engine, select

from stratops.core.db import StrategyConfig, UnitOfWork, create_engine_for, upgrade_to_head
from stratops.core.manifests import parse_strategy
from stratops.core.resource import TradingStrategy
from stratops.runner.configs import mirror_manifests

from .support import V35B, V35D

pytestmark = pytest.mark.db


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_engine_for(f"sqlite:///{tmp_path / 'configs.db'}")
    upgrade_to_head(engine)
    yield engine
    engine.dispose()


def manifest(path: Path, **spec: Any) -> TradingStrategy:
    doc = yaml.safe_load(path.read_text())
    doc["spec"].update(spec)
    return parse_strategy(doc, path.name)


def primaries(engine: Engine) -> list[str]:
    with UnitOfWork(engine) as session:
        query = select(StrategyConfig.strategy_id).where(StrategyConfig.is_primary.is_(True))
        return sorted(session.scalars(query))


def test_a_half_applied_promotion_keeps_the_previous_primary(engine: Engine) -> None:
    mirror_manifests(engine, [manifest(V35B, primary=True), manifest(V35D, primary=False)])
    assert primaries(engine) == ["v3_5b"]
    both = [manifest(V35B, primary=True), manifest(V35D, primary=True)]
    mirror_manifests(engine, both)
    assert primaries(engine) == ["v3_5b"], "two claims: the previous holder keeps the role"
    mirror_manifests(engine, [manifest(V35B, primary=False), manifest(V35D, primary=True)])
    assert primaries(engine) == ["v3_5d"], "exactly one claim: the role moves, the old row clears"


def test_a_run_over_part_of_the_fleet_keeps_the_others_claims(engine: Engine) -> None:
    mirror_manifests(engine, [manifest(V35B, primary=True)])
    mirror_manifests(engine, [manifest(V35D, primary=False)])
    assert primaries(engine) == ["v3_5b"]
    mirror_manifests(engine, [manifest(V35D, primary=True)])
    assert primaries(engine) == ["v3_5b"], "v3_5b still claims it (as last mirrored)"
    mirror_manifests(engine, [manifest(V35B, primary=False)])
    assert primaries(engine) == ["v3_5d"]
    with UnitOfWork(engine) as session:
        rows = {c.strategy_id: c for c in session.scalars(select(StrategyConfig))}
    assert set(rows) == {"v3_5b", "v3_5d"}, "rows are never deleted"
    assert rows["v3_5d"].config_yaml is not None
