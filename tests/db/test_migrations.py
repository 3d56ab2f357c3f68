"""The migration chain: from nothing or from a populated legacy database to head and back."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Date, DateTime, bindparam, inspect, select, text

from stratops.core.db import (
    Base,
    PerformanceSnapshot,
    SupersededSnapshot,
    Trade,
    UnitOfWork,
    create_engine_for,
    current_revision,
    downgrade,
    head_revision,
    upgrade,
    upgrade_to_head,
)
from stratops.core.db.migrate import alembic_config

pytestmark = pytest.mark.db

APP_TABLES = {
    "performance_snapshots",
    "trades",
    "strategy_configs",
    "strategy_runs",
    "run_failures",
    "primary_changes",
    "backtest_runs",
    "backtest_points",
    "superseded_snapshots",
}
# The legacy engine wrote UTC; SQLite keeps no offset, so only UTC survives there unchanged.
UTC = dt.UTC


def _tables(url: str) -> set[str]:
    engine = create_engine_for(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _schema_differences(url: str) -> list[Any]:
    engine = create_engine_for(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "compare_server_default": True}
            )
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def test_an_empty_database_upgrades_to_head(db_url: str) -> None:
    upgrade_to_head(db_url)
    assert current_revision(db_url) == head_revision() == "0005"
    assert _tables(db_url) == APP_TABLES | {"alembic_version"}


def test_upgrading_twice_is_a_no_op(db_url: str) -> None:
    upgrade_to_head(db_url)
    upgrade_to_head(db_url)
    assert current_revision(db_url) == head_revision()


def test_the_models_match_the_migrated_schema(db_url: str) -> None:
    upgrade_to_head(db_url)
    assert _schema_differences(db_url) == []


def test_head_to_base_to_head_round_trip(db_url: str) -> None:
    upgrade_to_head(db_url)
    downgrade(db_url, "base")
    assert current_revision(db_url) is None
    assert _tables(db_url) == {"alembic_version"}
    upgrade_to_head(db_url)
    assert current_revision(db_url) == head_revision()
    assert _schema_differences(db_url) == []


def test_every_step_downgrades_and_upgrades_again(db_url: str) -> None:
    """The stairway: each migration's downgrade undoes exactly its upgrade."""
    script = ScriptDirectory.from_config(alembic_config())
    revisions = [r.revision for r in reversed(list(script.walk_revisions()))]
    assert revisions == ["0001", "0002", "0003", "0004", "0005"]
    for revision in revisions:
        upgrade(db_url, revision)
        downgrade(db_url, "-1")
        upgrade(db_url, revision)
        assert current_revision(db_url) == revision


# --------------------------------------------------------------------------- legacy data

LEGACY_SNAPSHOTS: list[dict[str, Any]] = [
    {
        "id": 1,
        "snapshot_date": dt.date(2025, 12, 30),
        "timestamp": dt.datetime(2025, 12, 30, 16, 5, tzinfo=UTC),
        "total_equity": 10_000.0,
        "cash": 10_000.0,
        "positions_value": 0.0,
        "daily_return": None,
        "cumulative_return": 0.0,
        "drawdown": 0.0,
        "strategy_cell": None,
        "trend_state": None,
        "vol_state": None,
        "t_norm": None,
        "z_score": None,
        "positions_json": "{}",
        "baseline_value": 10_000.0,
        "baseline_return": 0.0,
        "mode": "paper",
    },
    {
        "id": 2,
        "snapshot_date": dt.date(2025, 12, 31),
        "timestamp": dt.datetime(2025, 12, 31, 16, 5, tzinfo=UTC),
        "total_equity": 10_162.54,
        "cash": 1_204.12,
        "positions_value": 8_958.42,
        "daily_return": 0.0162254,
        "cumulative_return": 0.0162254,
        "drawdown": -0.0031,
        "strategy_cell": 3,
        "trend_state": "Sideways",
        "vol_state": "Low",
        "t_norm": 0.42,
        "z_score": -0.77,
        "positions_json": '{"TQQQ": 40, "QQQ": 3}',
        "baseline_value": 10_090.1,
        "baseline_return": 0.00901,
        "mode": "offline_mock",
    },
]
LEGACY_TRADES: list[dict[str, Any]] = [
    {
        "id": 1,
        "timestamp": dt.datetime(2025, 12, 31, 9, 45, 12, 250000, tzinfo=UTC),
        "trade_date": dt.date(2025, 12, 31),
        "symbol": "TQQQ",
        "action": "BUY",
        "quantity": 40,
        "price": 201.37,
        "value": 8054.8,
        "commission": 0.4,
        "slippage": 8.05,
        "strategy_name": "Hierarchical_Adaptive_v3_5b",
        "reason": "Cell 3 rebalance",
        "mode": "paper",
    },
    {
        "id": 2,
        "timestamp": dt.datetime(2025, 12, 31, 9, 45, 13, tzinfo=UTC),
        "trade_date": dt.date(2025, 12, 31),
        "symbol": "QQQ",
        "action": "SELL",
        "quantity": 3,
        "price": 301.2,
        "value": 903.6,
        "commission": None,
        "slippage": None,
        "strategy_name": None,
        "reason": None,
        "mode": "paper",
    },
]


def _insert_legacy(url: str, table: str, rows: list[dict[str, Any]]) -> None:
    """Plain SQL, as the legacy engine's own code would have written the rows."""
    columns = list(rows[0])
    statement = text(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})"
    ).bindparams(
        bindparam("timestamp", type_=DateTime(timezone=True)),
        *(bindparam(c, type_=Date()) for c in columns if c.endswith("_date")),
    )
    engine = create_engine_for(url)
    try:
        with engine.begin() as conn:
            conn.execute(statement, rows)
    finally:
        engine.dispose()


def _as_dict(row: Any, columns: list[str]) -> dict[str, Any]:
    return {c: getattr(row, c) for c in columns}


def test_a_populated_legacy_database_keeps_every_row(db_url: str) -> None:
    upgrade(db_url, "0001")
    _insert_legacy(db_url, "performance_snapshots", LEGACY_SNAPSHOTS)
    _insert_legacy(db_url, "trades", LEGACY_TRADES)

    upgrade_to_head(db_url)

    engine = create_engine_for(db_url)
    with UnitOfWork(engine) as session:
        snapshots = session.scalars(select(PerformanceSnapshot).order_by("id")).all()
        trades = session.scalars(select(Trade).order_by(Trade.id)).all()
    engine.dispose()
    assert [_as_dict(s, list(LEGACY_SNAPSHOTS[0])) for s in snapshots] == LEGACY_SNAPSHOTS
    assert [_as_dict(t, list(LEGACY_TRADES[0])) for t in trades] == LEGACY_TRADES
    rows: list[PerformanceSnapshot | Trade] = [*snapshots, *trades]
    assert {r.strategy_id for r in rows} == {"v3_5b"}
    assert all(r.created_at.tzinfo == dt.UTC for r in rows)
    assert all(r.run_id is None for r in rows)


def test_the_strategy_id_step_backfills_and_its_downgrade_is_the_rollback(db_url: str) -> None:
    upgrade(db_url, "0001")
    _insert_legacy(db_url, "trades", LEGACY_TRADES)
    upgrade(db_url, "0002")
    engine = create_engine_for(db_url)
    try:
        with engine.connect() as conn:
            counts = conn.execute(text("SELECT strategy_id, COUNT(*) FROM trades GROUP BY 1"))
            assert list(counts) == [("v3_5b", len(LEGACY_TRADES))]
        indexes = {i["name"] for i in inspect(engine).get_indexes("performance_snapshots")}
        assert "idx_perf_snapshots_strategy" in indexes
        downgrade(db_url, "0001")
        columns = {c["name"] for c in inspect(engine).get_columns("trades")}
        assert "strategy_id" not in columns
        with engine.connect() as conn:
            assert conn.execute(text("SELECT COUNT(*) FROM trades")).scalar() == len(LEGACY_TRADES)
    finally:
        engine.dispose()


def test_legacy_same_day_snapshots_are_superseded_not_lost(db_url: str) -> None:
    day = dt.date(2025, 12, 31)
    rows = [
        {**LEGACY_SNAPSHOTS[1], "id": i, "timestamp": dt.datetime(2025, 12, 31, h, 0, tzinfo=UTC)}
        for i, h in ((10, 16), (11, 10), (12, 12))
    ]
    upgrade(db_url, "0001")
    _insert_legacy(db_url, "performance_snapshots", [LEGACY_SNAPSHOTS[0], *rows])
    upgrade_to_head(db_url)

    engine = create_engine_for(db_url)
    with UnitOfWork(engine) as session:
        kept_ids = session.scalars(select(PerformanceSnapshot.id).order_by("id")).all()
        moved = session.scalars(select(SupersededSnapshot).order_by("id")).all()
    assert list(kept_ids) == [1, 10]  # the last snapshot of the day (16:00) stays
    assert [m.id for m in moved] == [11, 12]
    assert all(m.snapshot_date == day and m.strategy_id == "v3_5b" for m in moved)

    downgrade(db_url, "0002")
    with engine.connect() as conn:
        ids = conn.execute(text("SELECT id FROM performance_snapshots ORDER BY id")).scalars()
        assert list(ids) == [1, 10, 11, 12]
    engine.dispose()
