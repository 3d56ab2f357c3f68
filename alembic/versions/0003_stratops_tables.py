"""The stratops tables, and the ledger tied to them.

New tables: strategy_configs, strategy_runs, run_failures, primary_changes,
backtest_runs, backtest_points, superseded_snapshots.

Ledger changes:
* performance_snapshots becomes unique on (strategy_id, snapshot_date). The
  legacy engine could write several snapshots a day; for each day the latest
  one (by timestamp, then id) stays and the earlier ones move, unchanged and
  with their ids, to superseded_snapshots. Nothing is deleted; the downgrade
  moves them back.
* strategy_id becomes NOT NULL without a default on both ledger tables: from
  here on every writer names its strategy, and a forgotten one is an error,
  not a silent 'v3_5b'.
* run_id (-> strategy_runs.id) on both, data_snapshot_id on snapshots, and an
  index on trades (strategy_id, trade_date).

Revision ID: 0003
Revises: 0002
Create Date: 2026-02-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

LEGACY_STRATEGY_ID = "v3_5b"
TIMESTAMP = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
SNAPSHOT_COLUMNS = (
    "id, strategy_id, snapshot_date, timestamp, total_equity, cash, positions_value, "
    "daily_return, cumulative_return, drawdown, strategy_cell, trend_state, vol_state, "
    "t_norm, z_score, positions_json, baseline_value, baseline_return, mode, created_at"
)
# A snapshot is superseded when a later one (by timestamp, then id) exists for its day.
SUPERSEDED = """
    EXISTS (SELECT 1 FROM performance_snapshots later
            WHERE later.strategy_id = performance_snapshots.strategy_id
              AND later.snapshot_date = performance_snapshots.snapshot_date
              AND (later.timestamp > performance_snapshots.timestamp
                   OR (later.timestamp = performance_snapshots.timestamp
                       AND later.id > performance_snapshots.id)))
"""


def upgrade() -> None:
    _create_strategy_tables()
    _create_run_tables()
    _create_backtest_tables()
    _create_superseded_snapshots()
    _supersede_duplicate_snapshots()
    _tie_ledger_to_runs()


def downgrade() -> None:
    _untie_ledger_from_runs()
    op.execute(
        f"INSERT INTO performance_snapshots ({SNAPSHOT_COLUMNS}) "
        f"SELECT {SNAPSHOT_COLUMNS} FROM superseded_snapshots"
    )
    for table in (
        "superseded_snapshots",
        "backtest_points",
        "backtest_runs",
        "run_failures",
        "strategy_runs",
        "primary_changes",
        "strategy_configs",
    ):
        op.drop_table(table)


def _create_strategy_tables() -> None:
    op.create_table(
        "strategy_configs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("strategy_id", sa.String(50), nullable=False),
        sa.Column("display_name", sa.String(100), nullable=False),
        sa.Column("strategy_class", sa.String(100), nullable=False),
        sa.Column("is_primary", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("is_active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("namespace", sa.String(63)),
        sa.Column("resource_name", sa.String(63)),
        sa.Column("parameters", JSON, nullable=False),
        sa.Column("spec", JSON, nullable=False),
        sa.Column("config_yaml", sa.Text()),
        sa.Column("generation", sa.Integer()),
        sa.Column("created_at", TIMESTAMP, nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", TIMESTAMP, nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_strategy_configs"),
        sa.UniqueConstraint("strategy_id", name="uq_strategy_configs_strategy_id"),
    )
    op.create_table(
        "primary_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("namespace", sa.String(63), nullable=False),
        sa.Column("from_strategy_id", sa.String(50)),
        sa.Column("to_strategy_id", sa.String(50), nullable=False),
        sa.Column("changed_at", TIMESTAMP, nullable=False, server_default=sa.func.now()),
        sa.Column("from_generation", sa.Integer()),
        sa.Column("to_generation", sa.Integer()),
        sa.Column("git_revision", sa.String(64)),
        sa.Column("reason", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_primary_changes"),
    )
    op.create_index(
        "ix_primary_changes_namespace_changed_at", "primary_changes", ["namespace", "changed_at"]
    )


def _create_run_tables() -> None:
    op.create_table(
        "strategy_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("strategy_id", sa.String(50), nullable=False),
        sa.Column("trade_date", sa.Date(), nullable=False),
        sa.Column("run_id", sa.String(36), nullable=False),
        sa.Column("result", sa.String(20), nullable=False),
        sa.Column("reason", sa.String(50)),
        sa.Column("message", sa.Text()),
        sa.Column("state", JSON, nullable=False),
        sa.Column("equity", sa.Double(), nullable=False),
        sa.Column("cash", sa.Double(), nullable=False),
        sa.Column("cell", sa.Integer()),
        sa.Column("trend", sa.String(20)),
        sa.Column("vol", sa.String(20)),
        sa.Column("data_snapshot_id", sa.String(80)),
        sa.Column("params_hash", sa.String(64), nullable=False),
        sa.Column("code_version", sa.String(64), nullable=False),
        sa.Column("resource_generation", sa.Integer()),
        sa.Column("started_at", TIMESTAMP, nullable=False),
        sa.Column("finished_at", TIMESTAMP, nullable=False),
        sa.Column("duration_seconds", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_strategy_runs"),
        sa.UniqueConstraint(
            "strategy_id", "trade_date", name="uq_strategy_runs_strategy_id_trade_date"
        ),
        sa.UniqueConstraint("run_id", name="uq_strategy_runs_run_id"),
        sa.CheckConstraint("result IN ('traded', 'no_change')", name="ck_strategy_runs_result"),
    )
    op.create_table(
        "run_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("strategy_id", sa.String(50), nullable=False),
        sa.Column("trade_date", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(50), nullable=False),
        sa.Column("message", sa.Text()),
        sa.Column("created_at", TIMESTAMP, nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_run_failures"),
    )
    op.create_index(
        "ix_run_failures_strategy_id_trade_date", "run_failures", ["strategy_id", "trade_date"]
    )


def _create_backtest_tables() -> None:
    op.create_table(
        "backtest_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("strategy_id", sa.String(50), nullable=False),
        sa.Column("strategy_class", sa.String(100), nullable=False),
        sa.Column("params_hash", sa.String(64), nullable=False),
        sa.Column("data_snapshot_id", sa.String(80), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("initial_capital", sa.Double(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("metrics", JSON, nullable=False),
        sa.Column("baseline_metrics", JSON),
        sa.Column("created_at", TIMESTAMP, nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_backtest_runs"),
        sa.UniqueConstraint(
            "strategy_id",
            "params_hash",
            "data_snapshot_id",
            "start_date",
            "end_date",
            name="uq_backtest_runs_identity",
        ),
    )
    op.create_table(
        "backtest_points",
        sa.Column("backtest_run_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("portfolio_value", sa.Double(), nullable=False),
        sa.Column("baseline_value", sa.Double()),
        sa.Column("cell", sa.Integer()),
        sa.Column("trend", sa.String(20)),
        sa.Column("vol", sa.String(20)),
        sa.PrimaryKeyConstraint("backtest_run_id", "date", name="pk_backtest_points"),
        sa.ForeignKeyConstraint(
            ["backtest_run_id"],
            ["backtest_runs.id"],
            name="fk_backtest_points_backtest_run_id_backtest_runs",
            ondelete="CASCADE",
        ),
    )


def _create_superseded_snapshots() -> None:
    op.create_table(
        "superseded_snapshots",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("strategy_id", sa.String(50), nullable=False),
        sa.Column("snapshot_date", sa.Date(), nullable=False),
        sa.Column("timestamp", TIMESTAMP, nullable=False),
        sa.Column("total_equity", sa.Double(), nullable=False),
        sa.Column("cash", sa.Double(), nullable=False),
        sa.Column("positions_value", sa.Double(), nullable=False),
        sa.Column("daily_return", sa.Double()),
        sa.Column("cumulative_return", sa.Double()),
        sa.Column("drawdown", sa.Double()),
        sa.Column("strategy_cell", sa.Integer()),
        sa.Column("trend_state", sa.String(20)),
        sa.Column("vol_state", sa.String(20)),
        sa.Column("t_norm", sa.Double()),
        sa.Column("z_score", sa.Double()),
        sa.Column("positions_json", sa.Text()),
        sa.Column("baseline_value", sa.Double()),
        sa.Column("baseline_return", sa.Double()),
        sa.Column("mode", sa.String(20), nullable=False, server_default="paper"),
        sa.Column("created_at", TIMESTAMP, nullable=False, server_default=sa.func.now()),
        sa.Column("superseded_at", TIMESTAMP, nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_superseded_snapshots"),
    )


def _supersede_duplicate_snapshots() -> None:
    for table in ("performance_snapshots", "trades"):
        op.execute(
            sa.text(f"UPDATE {table} SET strategy_id = :sid WHERE strategy_id IS NULL").bindparams(
                sid=LEGACY_STRATEGY_ID
            )
        )
    op.execute(
        f"INSERT INTO superseded_snapshots ({SNAPSHOT_COLUMNS}) "
        f"SELECT {SNAPSHOT_COLUMNS} FROM performance_snapshots WHERE {SUPERSEDED}"
    )
    op.execute(f"DELETE FROM performance_snapshots WHERE {SUPERSEDED}")


def _tie_ledger_to_runs() -> None:
    with op.batch_alter_table("performance_snapshots") as batch:
        _require_strategy_id(batch)
        _add_run_id(batch, "performance_snapshots")
        batch.add_column(sa.Column("data_snapshot_id", sa.String(80)))
        batch.create_unique_constraint(
            "uq_performance_snapshots_strategy_id_snapshot_date", ["strategy_id", "snapshot_date"]
        )
    with op.batch_alter_table("trades") as batch:
        _require_strategy_id(batch)
        _add_run_id(batch, "trades")
        batch.create_index("ix_trades_strategy_id_trade_date", ["strategy_id", "trade_date"])


def _untie_ledger_from_runs() -> None:
    with op.batch_alter_table("trades") as batch:
        batch.drop_index("ix_trades_strategy_id_trade_date")
        batch.drop_constraint("fk_trades_run_id_strategy_runs", type_="foreignkey")
        batch.drop_column("run_id")
        _allow_legacy_strategy_id(batch)
    with op.batch_alter_table("performance_snapshots") as batch:
        batch.drop_constraint("uq_performance_snapshots_strategy_id_snapshot_date", type_="unique")
        batch.drop_constraint("fk_performance_snapshots_run_id_strategy_runs", type_="foreignkey")
        batch.drop_column("run_id")
        batch.drop_column("data_snapshot_id")
        _allow_legacy_strategy_id(batch)


def _require_strategy_id(batch: BatchOperations) -> None:
    batch.alter_column(
        "strategy_id", existing_type=sa.String(50), nullable=False, server_default=None
    )


def _allow_legacy_strategy_id(batch: BatchOperations) -> None:
    batch.alter_column(
        "strategy_id",
        existing_type=sa.String(50),
        nullable=True,
        server_default=LEGACY_STRATEGY_ID,
    )


def _add_run_id(batch: BatchOperations, table: str) -> None:
    batch.add_column(sa.Column("run_id", sa.Integer()))
    batch.create_foreign_key(
        f"fk_{table}_run_id_strategy_runs", "strategy_runs", ["run_id"], ["id"]
    )
