"""Response models of the read API: the contract clients (dashboard, CI, notebooks) rely on.

Routes return these explicitly, never ORM objects, so a new column can never
leak into a response and the OpenAPI schema says exactly what comes back.
Return-like numbers (total return, CAGR, volatility, drawdown) are percent
(15.23 means +15.23 %), ratios (Sharpe, Sortino, Calmar) are plain numbers,
as in Appendix B of the multi-strategy plan.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

StrategyStatusName = Literal["pending", "running", "failing", "suspended"]
Health = Literal["ok", "stale", "failing"]
RunResult = Literal["traded", "no_change", "failed"]


class Model(BaseModel):
    """Frozen and strict about extras: a response is a value, not a bag of fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class ErrorMessage(Model):
    """The body of a 404 or 503: one sentence saying what is missing."""

    detail: str


class Probe(Model):
    status: Literal["ok", "unavailable"]
    detail: str | None = None


class StrategySummary(Model):
    """One row of the strategy list (Appendix B `GET /api/strategies`)."""

    id: str
    display_name: str
    strategy_class: str | None
    is_primary: bool
    is_active: bool
    status: StrategyStatusName
    last_run: dt.datetime | None = Field(description="When the last completed run finished.")
    last_trade_date: dt.date | None
    current_equity: float | None


class Paged(Model):
    """The page facts every paged list reports (see stratops.api.pagination)."""

    total: int = Field(description="Items across all pages.")
    limit: int = Field(description="Page size used.")
    offset: int = Field(description="Items skipped before this page.")


class StrategyList(Paged):
    strategies: list[StrategySummary] = Field(description="Primary first, then by id.")


class StrategyDetail(StrategySummary):
    """A strategy's configuration as mirrored from its resource, and the extent of its history."""

    parameters: dict[str, Any]
    spec: dict[str, Any]
    generation: int | None
    params_hash: str | None = Field(description="Parameter hash of the last completed run.")
    first_snapshot_date: dt.date | None
    last_snapshot_date: dt.date | None
    snapshot_count: int
    trade_count: int


class Position(Model):
    symbol: str
    quantity: float
    price: float | None = Field(None, description="The mark of the last snapshot.")
    value: float | None = None


class StrategyState(Model):
    """What the strategy holds after its last completed run (the ledger copy of its state)."""

    strategy_id: str
    as_of: dt.date | None = Field(description="Trading date of the last completed run.")
    last_run: dt.datetime | None
    result: Literal["traded", "no_change"] | None
    equity: float | None
    cash: float | None
    positions: list[Position]
    cell: int | None
    trend: str | None
    vol: str | None
    t_norm: float | None
    z_score: float | None
    data_snapshot_id: str | None
    params_hash: str | None
    state: dict[str, Any] = Field(description="The persisted strategy state, as stored.")


class Period(Model):
    start_date: dt.date | None
    end_date: dt.date | None
    trading_days: int


class Metrics(Model):
    """Equity-curve metrics (stratops.core.performance_metrics); None for too short a series."""

    total_return: float | None = Field(description="Percent.")
    cagr: float | None = Field(description="Percent per year (calendar days / 365.25).")
    volatility: float | None = Field(description="Annualised, percent (sqrt(252)).")
    sharpe_ratio: float | None
    sortino_ratio: float | None
    max_drawdown: float | None = Field(description="Percent, zero or negative.")
    calmar_ratio: float | None


class StrategyMetrics(Metrics):
    current_regime: str | None = Field(description="Cell of the latest snapshot, e.g. `Cell_3`.")


class PerformanceSeries(Model):
    """The daily series as column arrays (one list per field, index i is day i): a
    fraction of the bytes of one object per day, and what charting libraries take."""

    dates: list[dt.date]
    equity: list[float]
    baseline: list[float | None] = Field(
        description="QQQ buy-and-hold equity, same starting capital."
    )
    drawdown: list[float] = Field(description="Percent below the running peak, zero or negative.")
    daily_return: list[float | None] = Field(description="Percent; null on the first day.")
    cell: list[int | None]
    trend: list[str | None]
    vol: list[str | None]


class PerformanceResponse(Model):
    strategy_id: str
    display_name: str
    period: Period
    metrics: Metrics
    baseline_metrics: Metrics | None
    current_regime: str | None
    series: PerformanceSeries


class CompareSeries(Model):
    """The equity of every compared strategy on the common dates (and the first one's baseline)."""

    dates: list[dt.date]
    equity: dict[str, list[float]]
    baseline: list[float | None]


class Comparison(Model):
    period: Period
    strategies: dict[str, StrategyMetrics]
    baseline: Metrics | None = Field(
        description="QQQ buy-and-hold over the common dates, from the first strategy's baseline."
    )
    differences: dict[str, float | None] | None = Field(
        description="Second strategy minus the first, per metric (Appendix B)."
    )
    differences_by_strategy: dict[str, dict[str, float | None]] = Field(
        description="Every strategy after the first, minus the first, per metric."
    )
    winner: str | None
    data_snapshot_mismatch: bool = Field(
        description="True when the strategies ran on different data snapshots on a common date."
    )
    mismatched_dates: int
    first_mismatched_date: dt.date | None
    series: CompareSeries | None = None


class CompareResponse(Model):
    comparison: Comparison


class BacktestInfo(Model):
    strategy_id: str | None = Field(description="None for an export no strategy runs.")
    strategy_class: str | None
    source: Literal["database", "csv"]
    backtest_id: int | None
    start_date: dt.date | None
    end_date: dt.date | None
    synthetic: bool | None
    created_at: dt.datetime | None


class BacktestList(Model):
    strategies: list[BacktestInfo]


class BacktestSeries(Model):
    """A backtest's sessions as column arrays (index i of every list is session i): a
    fraction of the size of one object per point, and what the charts take directly.
    Money is rounded to cents."""

    date: list[dt.date]
    portfolio_value: list[float]
    baseline_value: list[float | None] = Field(description="QQQ buy-and-hold, same capital.")
    buyhold_value: list[float | None] = Field(
        description="Buy-and-hold of the baseline (the export's BuyHold_Value column)."
    )
    cell: list[int | None]
    trend: list[str | None]
    vol: list[str | None]


class BacktestData(Model):
    info: BacktestInfo
    initial_capital: float | None
    period: Period
    metrics: Metrics
    baseline_metrics: Metrics | None
    alpha: float | None = Field(description="Strategy CAGR minus baseline CAGR, percent points.")
    trades: int | None = Field(description="Closing (sell) fills, as stored with the run.")
    fills: int | None = Field(description="All fills, as stored with the run.")
    sessions_by_cell: dict[str, int] = Field(
        description="Sessions spent in each regime cell (`1`..`6`) within the window."
    )
    reported: dict[str, bool | int | float | str] = Field(
        description="Metrics as stored with the backtest (or a CSV header), for reference; "
        "counts stay integers and flags booleans."
    )
    series: BacktestSeries


class StrategyStatus(Model):
    state: StrategyStatusName
    is_primary: bool
    health: Health
    message: str | None = Field(description="Why the health is not ok.")
    last_run: dt.datetime | None
    last_trade_date: dt.date | None
    result: RunResult | None = Field(description="Outcome of the latest attempt.")
    equity: float | None
    expected_session: dt.date | None = Field(
        description="The newest session the schedule made due by now (a grace period after its "
        "scheduled time); null when none is due yet or the strategy is not configured."
    )
    missed: list[dt.date] = Field(
        default_factory=list,
        description="Scheduled NYSE sessions with no completed run a grace period after their "
        "scheduled time, oldest first: the operator's RunsOnSchedule rule. Empty when suspended.",
    )


class StatusResponse(Paged):
    checked_at: dt.datetime
    strategies: dict[str, StrategyStatus] = Field(description="Primary first, then by id.")


class TradeRow(Model):
    id: int
    strategy_id: str
    trade_date: dt.date
    timestamp: dt.datetime
    symbol: str
    action: Literal["BUY", "SELL"]
    quantity: int
    price: float
    value: float
    commission: float | None
    slippage: float | None
    reason: str | None


class TradeList(Paged):
    trades: list[TradeRow] = Field(description="Newest first (timestamp, then id).")
    total_exact: bool = Field(
        description="False when `total` is a lower bound: matches are counted only up to "
        "10,000 past the end of this page, so the count never reads the whole ledger."
    )
