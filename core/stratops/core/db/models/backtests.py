"""Stored backtest results, so the dashboard compares strategies without recomputing.

A backtest is identified by what determines its outcome: strategy, parameter
hash, data snapshot and period. Storing the same identity again replaces
nothing silently; the unique constraint makes the writer decide.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from stratops.core.db.base import Base


class BacktestRun(Base):
    """One backtest: its identity, summary `metrics` and the baseline's metrics."""

    __tablename__ = "backtest_runs"
    __table_args__ = (
        UniqueConstraint(
            "strategy_id",
            "params_hash",
            "data_snapshot_id",
            "start_date",
            "end_date",
            name="uq_backtest_runs_identity",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    strategy_id: Mapped[str] = mapped_column(String(50))
    strategy_class: Mapped[str] = mapped_column(String(100))
    params_hash: Mapped[str] = mapped_column(String(64))
    data_snapshot_id: Mapped[str] = mapped_column(String(80))
    start_date: Mapped[dt.date]
    end_date: Mapped[dt.date]
    initial_capital: Mapped[float]
    synthetic: Mapped[bool]
    metrics: Mapped[dict[str, Any]]
    baseline_metrics: Mapped[dict[str, Any] | None]
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())

    points: Mapped[list[BacktestPoint]] = relationship(
        back_populates="run",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="BacktestPoint.date",
    )


class BacktestPoint(Base):
    """The equity curve of a backtest, one point per trading day, with the regime."""

    __tablename__ = "backtest_points"

    backtest_run_id: Mapped[int] = mapped_column(
        ForeignKey("backtest_runs.id", ondelete="CASCADE"), primary_key=True
    )
    date: Mapped[dt.date] = mapped_column(primary_key=True)
    portfolio_value: Mapped[float]
    baseline_value: Mapped[float | None]
    cell: Mapped[int | None]
    trend: Mapped[str | None] = mapped_column(String(20))
    vol: Mapped[str | None] = mapped_column(String(20))

    run: Mapped[BacktestRun] = relationship(back_populates="points")
