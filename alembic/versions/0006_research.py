"""Research tables: sweeps, their per-set results, and backtests per configuration.

* sweeps: one row per (namespace, name, inputs hash); a changed sweep spec or
  base strategy is a new row, so results of different inputs never mix.
* sweep_results: one row per (sweep, set index); the primary key is what makes
  a re-run index or a restarted pod write nothing new.
* config_backtests: one row per (strategy_id, config hash, data snapshot id),
  the backtest the operator starts when a strategy's configuration changes.

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "sweeps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("namespace", sa.String(63), nullable=False),
        sa.Column("name", sa.String(63), nullable=False),
        sa.Column("inputs_hash", sa.String(64), nullable=False),
        sa.Column("base_strategy", sa.String(63), nullable=False),
        sa.Column("strategy_id", sa.String(50), nullable=False),
        sa.Column("strategy_class", sa.String(100), nullable=False),
        sa.Column("total_sets", sa.Integer(), nullable=False),
        sa.Column("rank_by", sa.String(30), nullable=False),
        sa.Column("rank_on", sa.String(20), nullable=False),
        sa.Column("spec", JSON, nullable=False),
        sa.Column("base_spec", JSON, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_sweeps"),
        sa.UniqueConstraint(
            "namespace", "name", "inputs_hash", name="uq_sweeps_namespace_name_inputs_hash"
        ),
    )
    op.create_table(
        "sweep_results",
        sa.Column("sweep_id", sa.Integer(), nullable=False),
        sa.Column("set_index", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("parameters", JSON, nullable=False),
        sa.Column("params_hash", sa.String(64)),
        sa.Column("data_snapshot_id", sa.String(80)),
        sa.Column("in_sample", JSON),
        sa.Column("out_of_sample", JSON),
        sa.Column("score", sa.Double()),
        sa.Column("error", sa.Text()),
        sa.Column("created_at", TIMESTAMP, nullable=False, server_default=sa.func.now()),
        sa.ForeignKeyConstraint(
            ["sweep_id"],
            ["sweeps.id"],
            name="fk_sweep_results_sweep_id_sweeps",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("sweep_id", "set_index", name="pk_sweep_results"),
    )
    op.create_table(
        "config_backtests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("strategy_id", sa.String(50), nullable=False),
        sa.Column("config_hash", sa.String(64), nullable=False),
        sa.Column("data_snapshot_id", sa.String(80), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("metrics", JSON, nullable=False),
        sa.Column("job_name", sa.String(63)),
        sa.Column("created_at", TIMESTAMP, nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_config_backtests"),
        sa.UniqueConstraint(
            "strategy_id",
            "config_hash",
            "data_snapshot_id",
            name="uq_config_backtests_strategy_id_config_hash_data_snapshot_id",
        ),
    )


def downgrade() -> None:
    for table in ("config_backtests", "sweep_results", "sweeps"):
        op.drop_table(table)
