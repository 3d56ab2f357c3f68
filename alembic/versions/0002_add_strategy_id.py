"""Tag every ledger row with the strategy that wrote it (the multi-strategy plan's step).

Adds `strategy_id VARCHAR(50) DEFAULT 'v3_5b'` to performance_snapshots and
trades, backfills existing rows to 'v3_5b' (the only strategy the legacy
engine ran) and indexes the strategy filters. The default keeps the legacy
engine working unchanged during the transition; 0003 removes it once every
writer names its strategy.

Downgrade is the plan's rollback path: drop the indexes and the columns.

Revision ID: 0002
Revises: 0001
Create Date: 2026-01-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

LEGACY_STRATEGY_ID = "v3_5b"
# (table, index name, indexed columns)
TABLES = (
    ("performance_snapshots", "idx_perf_snapshots_strategy", ["strategy_id", "snapshot_date"]),
    ("trades", "idx_trades_strategy", ["strategy_id", "timestamp"]),
)


def upgrade() -> None:
    for table, index, columns in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("strategy_id", sa.String(50), server_default=LEGACY_STRATEGY_ID)
            )
        op.execute(
            sa.text(f"UPDATE {table} SET strategy_id = :sid WHERE strategy_id IS NULL").bindparams(
                sid=LEGACY_STRATEGY_ID
            )
        )
        op.create_index(index, table, columns)


def downgrade() -> None:
    for table, index, _columns in TABLES:
        op.drop_index(index, table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("strategy_id")
