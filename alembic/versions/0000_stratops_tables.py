"""The stratops schema: the ledger, the strategy and run tables, the backtest results.

The first revision of the chain: an empty database starts here. A database
of the legacy engine does not go through a revision of its own: `stratops db
upgrade` recognises it by its `alembic_version` row and adopts it in the same
transaction (`stratops.migrations.legacy.adoption`), which moves the legacy
`performance_snapshots` table aside before this revision creates the stratops
one, and fills the new ledger from the legacy rows after the chain has run.

Ledger rules set here:
* `performance_snapshots` is unique on (strategy_id, snapshot_date): one
  snapshot per strategy and trading day, so a retried run cannot count twice.
* `strategy_id` is NOT NULL without a default on both ledger tables: every
  writer names its strategy, and a forgotten one is an error.
* `run_id` ties ledger rows to the `strategy_runs` row that wrote them.

Revision ID: 0000
Revises:
Create Date: 2026-02-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0000"
down_revision = None
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    _create_strategy_tables()
    _create_run_tables()
    _create_backtest_tables()
    _create_performance_snapshots()
    _create_trades()


def downgrade() -> None:
    for table in (
        "trades",
        "performance_snapshots",
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


def _create_performance_snapshots() -> None:
    op.create_table(
        "performance_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
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
        sa.Column("run_id", sa.Integer()),
        sa.Column("data_snapshot_id", sa.String(80)),
        sa.PrimaryKeyConstraint("id", name="pk_performance_snapshots"),
        sa.UniqueConstraint(
            "strategy_id",
            "snapshot_date",
            name="uq_performance_snapshots_strategy_id_snapshot_date",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["strategy_runs.id"], name="fk_performance_snapshots_run_id_strategy_runs"
        ),
    )
    op.create_index("ix_performance_snapshots_timestamp", "performance_snapshots", ["timestamp"])
    op.create_index(
        "idx_perf_snapshots_strategy", "performance_snapshots", ["strategy_id", "snapshot_date"]
    )


def _create_trades() -> None:
    op.create_table(
        "trades",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("strategy_id", sa.String(50), nullable=False),
        sa.Column("timestamp", TIMESTAMP, nullable=False),
        sa.Column("trade_date", sa.Date(), nullable=False),
        sa.Column("symbol", sa.String(20), nullable=False),
        sa.Column("action", sa.String(4), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("price", sa.Double(), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("commission", sa.Double()),
        sa.Column("slippage", sa.Double()),
        sa.Column("strategy_name", sa.String(100)),
        sa.Column("reason", sa.Text()),
        sa.Column("mode", sa.String(20), nullable=False, server_default="paper"),
        sa.Column("created_at", TIMESTAMP, nullable=False, server_default=sa.func.now()),
        sa.Column("run_id", sa.Integer()),
        sa.PrimaryKeyConstraint("id", name="pk_trades"),
        sa.CheckConstraint("action IN ('BUY', 'SELL')", name="ck_trades_action"),
        sa.ForeignKeyConstraint(
            ["run_id"], ["strategy_runs.id"], name="fk_trades_run_id_strategy_runs"
        ),
    )
    op.create_index("ix_trades_timestamp", "trades", ["timestamp"])
    op.create_index("idx_trades_strategy", "trades", ["strategy_id", "timestamp"])
    op.create_index("ix_trades_strategy_id_trade_date", "trades", ["strategy_id", "trade_date"])
