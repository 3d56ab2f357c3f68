"""What the runner did, one row per strategy and trading day.

Completed runs and failed attempts live in two tables on purpose:

* `strategy_runs` holds only runs that completed (`traded` or `no_change`),
  written in the same transaction as that day's trades and snapshot. Its
  unique (strategy_id, trade_date) makes a retried run a no-op, and its
  `state` column is the ledger copy of the strategy state that a lagging
  state store is repaired from.
* `run_failures` records every failed attempt (written in its own
  transaction, after the run's transaction rolled back). Failures are
  history, not results: any number of them may precede the one successful
  run of a day, and none of them blocks it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, Index, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from stratops.core.db.base import Base

RUN_RESULTS = ("traded", "no_change")


class StrategyRun(Base):
    """One completed runner step: the outcome, the resulting state and its provenance.

    `run_id` is the attempt's UUID (text); `params_hash`, `data_snapshot_id` and
    `code_version` say exactly which configuration, data and code produced it.
    """

    __tablename__ = "strategy_runs"
    __table_args__ = (
        UniqueConstraint("strategy_id", "trade_date"),
        UniqueConstraint("run_id"),
        CheckConstraint("result IN ('traded', 'no_change')", name="result"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    strategy_id: Mapped[str] = mapped_column(String(50))
    trade_date: Mapped[dt.date]
    run_id: Mapped[str] = mapped_column(String(36))
    result: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(50))
    message: Mapped[str | None] = mapped_column(Text)
    state: Mapped[dict[str, Any]]
    equity: Mapped[float]
    cash: Mapped[float]
    cell: Mapped[int | None]
    trend: Mapped[str | None] = mapped_column(String(20))
    vol: Mapped[str | None] = mapped_column(String(20))
    data_snapshot_id: Mapped[str | None] = mapped_column(String(80))
    params_hash: Mapped[str] = mapped_column(String(64))
    code_version: Mapped[str] = mapped_column(String(64))
    resource_generation: Mapped[int | None]
    started_at: Mapped[dt.datetime]
    finished_at: Mapped[dt.datetime]
    duration_seconds: Mapped[float]


class RunFailure(Base):
    """One failed runner attempt: `reason` is a short machine-readable code
    (`stale_data`, `invalid_state`, ...), `message` the one line shown to people."""

    __tablename__ = "run_failures"
    __table_args__ = (
        Index(None, "strategy_id", "trade_date"),
        Index(None, "strategy_id", "id"),  # the latest failure per strategy (migration 0005)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    strategy_id: Mapped[str] = mapped_column(String(50))
    trade_date: Mapped[dt.date]
    reason: Mapped[str] = mapped_column(String(50))
    message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())
