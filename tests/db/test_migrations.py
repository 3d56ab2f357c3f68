"""The migration chain: from nothing to head and back, every step reversible.

Adopting a legacy database is tested with the real legacy shapes in
tests/db/legacy/test_adoption.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from stratops.core.db import (
    Base,
    create_engine_for,
    current_revision,
    downgrade,
    head_revision,
    upgrade,
    upgrade_to_head,
)
from stratops.core.db.migrate import alembic_config
from stratops.core.errors import UserError

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
    "sweeps",
    "sweep_results",
    "config_backtests",
}


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
    assert current_revision(db_url) == head_revision() == "0007"
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
    assert revisions == ["0000", "0004", "0005", "0006", "0007"]
    for revision in revisions:
        upgrade(db_url, revision)
        downgrade(db_url, "-1")
        upgrade(db_url, revision)
        assert current_revision(db_url) == revision


def test_a_failed_migration_leaves_nothing_behind_on_either_backend(db_url: str) -> None:
    """Every command is one transaction, also on SQLite, whose driver would otherwise commit
    each CREATE TABLE at once: a conflicting table makes the first revision fail after it
    created some tables, and none of them is left."""
    engine = create_engine_for(db_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE performance_snapshots (id INTEGER PRIMARY KEY)"))
    engine.dispose()
    with pytest.raises(UserError, match="performance_snapshots"):
        upgrade_to_head(db_url)
    assert _tables(db_url) == {"performance_snapshots"}
