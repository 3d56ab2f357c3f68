"""The trading ledger: daily performance snapshots and paper trades.

Every row carries the `strategy_id` it belongs to and, for rows written by
the stratops runner, the `strategy_runs` row that wrote it. Rows adopted from
the legacy engine's database have no run (`run_id` NULL).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from stratops.core.db.base import Base


class SnapshotValues:
    """The columns of one day's performance snapshot."""

    strategy_id: Mapped[str] = mapped_column(String(50))
    snapshot_date: Mapped[dt.date]
    timestamp: Mapped[dt.datetime]
    total_equity: Mapped[float]
    cash: Mapped[float]
    positions_value: Mapped[float]
    daily_return: Mapped[float | None]
    cumulative_return: Mapped[float | None]
    drawdown: Mapped[float | None]
    strategy_cell: Mapped[int | None]
    trend_state: Mapped[str | None] = mapped_column(String(20))
    vol_state: Mapped[str | None] = mapped_column(String(20))
    t_norm: Mapped[float | None]
    z_score: Mapped[float | None]
    positions_json: Mapped[str | None] = mapped_column(Text)
    baseline_value: Mapped[float | None]
    baseline_return: Mapped[float | None]
    mode: Mapped[str] = mapped_column(String(20), server_default="paper")
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())


SERIES_COLUMNS = (
    "total_equity",
    "baseline_value",
    "strategy_cell",
    "trend_state",
    "vol_state",
    "data_snapshot_id",
)


class PerformanceSnapshot(SnapshotValues, Base):
    """Equity, regime and positions of one strategy at the end of one trading day.

    Unique per (strategy_id, snapshot_date): a day has exactly one snapshot, so
    a retried run cannot double-count it. Returns are fractions (0.01 = 1 %).
    """

    __tablename__ = "performance_snapshots"
    __table_args__ = (
        UniqueConstraint("strategy_id", "snapshot_date"),
        Index("idx_perf_snapshots_strategy", "strategy_id", "snapshot_date"),
        Index(None, "timestamp"),
        # The read API's series: an index-only scan on Postgres (migration 0005).
        Index(
            "ix_performance_snapshots_series",
            "strategy_id",
            "snapshot_date",
            postgresql_include=list(SERIES_COLUMNS),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("strategy_runs.id"))
    data_snapshot_id: Mapped[str | None] = mapped_column(String(80))


class Trade(Base):
    """One paper fill. `value` is quantity x price (before costs); costs are in dollars."""

    __tablename__ = "trades"
    __table_args__ = (
        CheckConstraint("action IN ('BUY', 'SELL')", name="action"),
        Index("idx_trades_strategy", "strategy_id", "timestamp"),
        Index(None, "strategy_id", "trade_date"),
        Index(None, "timestamp"),
        # `/api/trades` filtered by dates across every strategy (migration 0007).
        Index(None, "trade_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    strategy_id: Mapped[str] = mapped_column(String(50))
    timestamp: Mapped[dt.datetime]
    trade_date: Mapped[dt.date]
    symbol: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(4))
    quantity: Mapped[int]
    price: Mapped[float]
    value: Mapped[float]
    commission: Mapped[float | None]
    slippage: Mapped[float | None]
    strategy_name: Mapped[str | None] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(Text)
    mode: Mapped[str] = mapped_column(String(20), server_default="paper")
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())
    run_id: Mapped[int | None] = mapped_column(ForeignKey("strategy_runs.id"))
