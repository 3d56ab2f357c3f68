"""Response models of `/api/sweeps`: a sweep's identity, progress and its ranked sets.

Metrics inside `inSample` / `outOfSample` follow the API's units: returns and
drawdowns in percent, Sharpe, Sortino and Calmar as plain ratios.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from stratops.api.schemas import Model
from stratops.core.research.results import RankedSet


class SweepSummary(Model):
    """One sweep (one set of inputs) with how far it got."""

    id: int
    namespace: str
    name: str
    base_strategy: str
    strategy_id: str
    strategy_class: str
    rank_by: str
    rank_on: str
    total: int = Field(description="Parameter sets in the sweep.")
    done: int = Field(description="Sets with a stored row (results and failures).")
    failed: int
    best_score: float | None
    created_at: dt.datetime


class SweepList(Model):
    sweeps: list[SweepSummary]
    total: int
    limit: int
    offset: int


class SweepDetail(Model):
    """A sweep, its inputs (for heat maps and manifest export) and one page of its ranking."""

    sweep: SweepSummary
    grid: dict[str, list[Any]] | None = Field(description="The grid, when the sweep has one.")
    period: dict[str, Any]
    base_spec: dict[str, Any] = Field(description="The base TradingStrategy spec the sets used.")
    sets: list[RankedSet]
    limit: int
    offset: int


class ConfigBacktestRow(Model):
    """The backtest of one configuration hash; `stale` when the strategy has changed since."""

    config_hash: str
    data_snapshot_id: str
    start: dt.date
    end: dt.date
    metrics: dict[str, Any] = Field(description="cagr_pct, sharpe, max_drawdown_pct, trades, ...")
    job: str | None
    created_at: dt.datetime
    stale: bool


class ConfigBacktestList(Model):
    strategy_id: str
    current_config_hash: str | None = Field(
        description="Hash of the strategy's current configuration (null: unknown or invalid)."
    )
    backtests: list[ConfigBacktestRow]


class ConfigBacktestFleet(Model):
    strategies: dict[str, ConfigBacktestList] = Field(
        description="Strategy id -> its configuration backtests, for every configured strategy."
    )
