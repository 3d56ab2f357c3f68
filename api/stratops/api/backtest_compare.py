"""Backtests side by side: the paper-trading comparison's rules applied to backtest curves.

Each strategy's newest backtest is compared over the sessions all of them
cover, with `stratops.api.compare` (the same common-date, differences and
winner rules as `/api/performance/compare`); the backtests' data snapshots
take the place of the runs' snapshots in the same-data check.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import Field

from stratops.api.analytics import DailySeries, regime_label
from stratops.api.backtests import sessions_by_cell
from stratops.api.compare import compare
from stratops.api.schemas import BacktestData, BacktestInfo, Comparison, Model


class BacktestComparison(Model):
    backtests: dict[str, BacktestInfo] = Field(description="The backtest used per strategy.")
    comparison: Comparison
    cells: dict[str, list[int | None]] = Field(
        description="Each strategy's regime cell on the common dates (`comparison.series.dates`)."
    )
    trades: dict[str, int | None] = Field(description="Closing fills over the whole backtest.")
    sessions_by_cell: dict[str, dict[str, int]] = Field(
        description="Sessions in each regime cell, over the common dates."
    )
    synthetic: bool = Field(description="True when any compared backtest ran on synthetic data.")


def _daily(strategy_id: str, data: BacktestData) -> DailySeries:
    snapshot = data.reported.get("data_snapshot_id")
    cells = data.series.cell
    return DailySeries(
        strategy_id=strategy_id,
        dates=data.series.date,
        equity=data.series.portfolio_value,
        baseline=data.series.baseline_value,
        snapshot_ids=[snapshot if isinstance(snapshot, str) else None] * len(cells),
        current_regime=regime_label(cells[-1] if cells else None),
    )


def compare_backtests(
    ids: Sequence[str], datas: Sequence[BacktestData], rf: float
) -> BacktestComparison:
    """`datas[i]` is the backtest of `ids[i]`; differences are against the first id."""
    result = compare([_daily(i, d) for i, d in zip(ids, datas, strict=True)], rf, True)
    common = set(result.series.dates) if result.series is not None else set()
    cells = {
        sid: [c for day, c in zip(d.series.date, d.series.cell, strict=True) if day in common]
        for sid, d in zip(ids, datas, strict=True)
    }
    return BacktestComparison(
        backtests={sid: d.info for sid, d in zip(ids, datas, strict=True)},
        comparison=result,
        cells=cells,
        trades={sid: d.trades for sid, d in zip(ids, datas, strict=True)},
        sessions_by_cell={sid: sessions_by_cell(c) for sid, c in cells.items()},
        synthetic=any(bool(d.info.synthetic) for d in datas),
    )
