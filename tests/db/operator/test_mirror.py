"""The operator's database writes on SQLite: configs mirrored, promotions recorded once."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from stratops.core.db import (
    PrimaryChange,
    StrategyConfig,
    UnitOfWork,
    create_engine_for,
    upgrade_to_head,
)
from stratops.operator.mirror import PrimaryMove, record
from stratops.operator.resources import View

pytestmark = pytest.mark.db


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_engine_for(f"sqlite:///{tmp_path / 'mirror.db'}")
    upgrade_to_head(engine)
    yield engine
    engine.dispose()


def view(name: str, sid: str, generation: int = 1, **spec: object) -> View:
    raw = {"strategyId": sid, "strategyClass": "Hierarchical_Adaptive_v3_5b", **spec}
    return View(name=name, namespace="ns", uid=f"uid-{name}", generation=generation, raw_spec=raw)


def move(to: str, source: str | None = None) -> PrimaryMove:
    return PrimaryMove("ns", source, to, 1 if source else None, 2, "abc123", "test")


def configs(engine: Engine) -> dict[str, StrategyConfig]:
    with UnitOfWork(engine) as session:
        return {c.strategy_id: c for c in session.scalars(select(StrategyConfig))}


def changes(engine: Engine) -> list[tuple[str | None, str, str | None]]:
    with UnitOfWork(engine) as session:
        rows = session.scalars(select(PrimaryChange).order_by(PrimaryChange.id))
        return [(r.from_strategy_id, r.to_strategy_id, r.git_revision) for r in rows]


def test_mirror_inserts_then_updates(engine: Engine) -> None:
    b = view("v3-5b", "v3_5b", displayName="B", parameters={"sma_fast": 40})
    assert record(engine, b, move("v3_5b"))
    record(engine, view("v3-5b", "v3_5b", 2, active=False, parameters={"sma_fast": 41}))
    row = configs(engine)["v3_5b"]
    assert (row.display_name, row.is_active, row.is_primary, row.generation) == (
        "v3_5b", False, True, 2,
    )  # fmt: skip
    assert row.parameters == {"sma_fast": 41}
    assert (row.namespace, row.resource_name) == ("ns", "v3-5b")
    assert row.spec["strategyClass"] == "Hierarchical_Adaptive_v3_5b"
    assert row.config_yaml is not None
    assert "kind: TradingStrategy" in row.config_yaml
    assert "sma_fast: 41" in row.config_yaml


def test_removal_keeps_the_row(engine: Engine) -> None:
    record(engine, view("v3-5b", "v3_5b"))
    record(engine, replace(view("v3-5b", "v3_5b"), deleting=True))
    row = configs(engine)["v3_5b"]
    assert (row.is_active, row.is_primary) == (False, False)


def test_promotion_recorded_once_and_flags_follow(engine: Engine) -> None:
    b, d = view("v3-5b", "v3_5b"), view("v3-5d", "v3_5d")
    record(engine, b)
    record(engine, d)
    assert not any(row.is_primary for row in configs(engine).values()), "no move recorded yet"
    assert record(engine, b, move("v3_5b"))
    assert record(engine, d, move("v3_5d", "v3_5b"))
    assert not record(engine, d, move("v3_5d", "v3_5b")), "a retry records nothing"
    assert changes(engine) == [(None, "v3_5b", "abc123"), ("v3_5b", "v3_5d", "abc123")]
    flags = {sid: row.is_primary for sid, row in configs(engine).items()}
    assert flags == {"v3_5b": False, "v3_5d": True}
    record(engine, view("v3-5b", "v3_5b", 3))  # a late mirror of the old primary
    assert not configs(engine)["v3_5b"].is_primary
