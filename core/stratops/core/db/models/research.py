"""Research results: sweeps with one row per parameter set, and backtests per configuration.

Rows are keyed by what determines them, so a pod that restarts or an index
that runs twice writes nothing new: `sweep_results` by (sweep, set index),
`config_backtests` by (strategy_id, config hash, data snapshot id).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from stratops.core.db.base import Base


class Sweep(Base):
    """One sweep's inputs: the sweep spec and the base strategy spec it started from."""

    __tablename__ = "sweeps"
    __table_args__ = (UniqueConstraint("namespace", "name", "inputs_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    namespace: Mapped[str] = mapped_column(String(63))
    name: Mapped[str] = mapped_column(String(63))
    inputs_hash: Mapped[str] = mapped_column(String(64))
    base_strategy: Mapped[str] = mapped_column(String(63))
    strategy_id: Mapped[str] = mapped_column(String(50))
    strategy_class: Mapped[str] = mapped_column(String(100))
    total_sets: Mapped[int]
    rank_by: Mapped[str] = mapped_column(String(30))
    rank_on: Mapped[str] = mapped_column(String(20))
    spec: Mapped[dict[str, Any]]
    base_spec: Mapped[dict[str, Any]]
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())

    results: Mapped[list[SweepResult]] = relationship(
        back_populates="sweep", cascade="all, delete-orphan", passive_deletes=True
    )


class SweepResult(Base):
    """One parameter set of a sweep: overrides, in- and out-of-sample metrics, or its error."""

    __tablename__ = "sweep_results"

    sweep_id: Mapped[int] = mapped_column(
        ForeignKey("sweeps.id", ondelete="CASCADE"), primary_key=True
    )
    set_index: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    parameters: Mapped[dict[str, Any]]
    params_hash: Mapped[str | None] = mapped_column(String(64))
    data_snapshot_id: Mapped[str | None] = mapped_column(String(80))
    in_sample: Mapped[dict[str, Any] | None]
    out_of_sample: Mapped[dict[str, Any] | None]
    score: Mapped[float | None]
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())

    sweep: Mapped[Sweep] = relationship(back_populates="results")


class ConfigBacktest(Base):
    """The backtest of one strategy configuration on one data snapshot (backtest-on-change)."""

    __tablename__ = "config_backtests"
    __table_args__ = (UniqueConstraint("strategy_id", "config_hash", "data_snapshot_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    strategy_id: Mapped[str] = mapped_column(String(50))
    config_hash: Mapped[str] = mapped_column(String(64))
    data_snapshot_id: Mapped[str] = mapped_column(String(80))
    start_date: Mapped[dt.date]
    end_date: Mapped[dt.date]
    metrics: Mapped[dict[str, Any]]
    job_name: Mapped[str | None] = mapped_column(String(63))
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())
