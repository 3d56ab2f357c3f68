"""The legacy single-strategy schema: performance_snapshots and trades, no strategy_id.

This is the schema the original engine created before stratops existed. A
database that engine already created is adopted with `stratops db stamp 0001`
(it records the revision without touching the tables) and then upgraded.

Revision ID: 0001
Revises:
Create Date: 2026-01-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    _create_performance_snapshots()
    _create_trades()


def downgrade() -> None:
    op.drop_table("trades")
    op.drop_table("performance_snapshots")


def _create_performance_snapshots() -> None:
    op.create_table(
        "performance_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name="pk_performance_snapshots"),
    )
    op.create_index("ix_performance_snapshots_timestamp", "performance_snapshots", ["timestamp"])


def _create_trades() -> None:
    op.create_table(
        "trades",
        sa.Column("id", sa.Integer(), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name="pk_trades"),
        sa.CheckConstraint("action IN ('BUY', 'SELL')", name="ck_trades_action"),
    )
    op.create_index("ix_trades_timestamp", "trades", ["timestamp"])
