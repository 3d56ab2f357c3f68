"""Indexes for the read API's hot queries at research scale (hundreds of strategies,
decades of daily rows).

* `ix_performance_snapshots_series`: (strategy_id, snapshot_date) carrying the
  columns the performance and compare endpoints read (Postgres INCLUDE). Runners
  write one row per strategy and day, so a strategy's rows are scattered over
  the whole table; with the columns in the index the series is read by an
  index-only scan of adjacent entries instead of one heap page per day. SQLite
  has no INCLUDE and gets the plain index.
* `ix_run_failures_strategy_id_id`: the latest failure of each strategy is one
  descending probe instead of a grouping of every failure.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SERIES_COLUMNS = [
    "total_equity",
    "baseline_value",
    "strategy_cell",
    "trend_state",
    "vol_state",
    "data_snapshot_id",
]


def upgrade() -> None:
    op.create_index(
        "ix_performance_snapshots_series",
        "performance_snapshots",
        ["strategy_id", "snapshot_date"],
        postgresql_include=SERIES_COLUMNS,
    )
    op.create_index("ix_run_failures_strategy_id_id", "run_failures", ["strategy_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_run_failures_strategy_id_id", table_name="run_failures")
    op.drop_index("ix_performance_snapshots_series", table_name="performance_snapshots")
