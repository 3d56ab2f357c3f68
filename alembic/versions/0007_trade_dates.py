"""An index on trades(trade_date): `/api/trades` filtered by dates across every strategy.

The other trade indexes lead with the strategy id (or are the timestamp), so a
date range over all strategies was a scan of every trade, or a walk back
through every newer trade until the range was passed.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_trades_trade_date", "trades", ["trade_date"])


def downgrade() -> None:
    op.drop_index("ix_trades_trade_date", table_name="trades")
