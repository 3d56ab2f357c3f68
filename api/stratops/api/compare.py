"""The comparison of several strategies, fair by construction (pure; no I/O).

Strategies that started on different days, or missed a day, are compared only
over the dates every one of them has a snapshot for, each curve starting at
its own value on the first common date. A strategy that ran on different
market data (a different `data_snapshot_id`) on some common date is flagged,
because then the comparison is not on identical data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from stratops.api.analytics import (
    DailySeries,
    baseline_metrics,
    common_dates,
    difference,
    equity_metrics,
    on_dates,
    winner,
    with_regime,
)
from stratops.api.schemas import CompareSeries, Comparison, Metrics, Period

WINNER_RULE = (
    "The winner is the strategy with the highest Sharpe ratio over the common dates; "
    "equal Sharpe ratios (within 1e-9) are decided by the higher CAGR; a strategy without "
    "a Sharpe ratio (fewer than three common dates, or a flat curve) cannot win, and a tie "
    "on both gives no winner (null)."
)


def compare(series: Sequence[DailySeries], rf: float, include_series: bool = False) -> Comparison:
    """Metrics over the common dates, differences against the first id, winner, data check."""
    dates = common_dates(series)
    per_id: list[tuple[str, Metrics]] = []
    curves: dict[str, list[float]] = {}
    for s in series:
        curves[s.strategy_id] = on_dates(s.equity, s.dates, dates)
        per_id.append((s.strategy_id, equity_metrics(curves[s.strategy_id], dates, rf)))
    baseline = _baseline_on(series[0], dates) if series else []
    diffs = {sid: difference(per_id[0][1], m) for sid, m in per_id[1:]}
    mismatches = _mismatched_dates(series, dates)
    return Comparison(
        period=Period(
            start_date=dates[0] if dates else None,
            end_date=dates[-1] if dates else None,
            trading_days=len(dates),
        ),
        strategies={
            sid: with_regime(m, s.current_regime)
            for (sid, m), s in zip(per_id, series, strict=True)
        },
        baseline=baseline_metrics(baseline, dates, rf),
        differences=diffs[per_id[1][0]] if len(per_id) > 1 else None,
        differences_by_strategy=diffs,
        winner=winner(per_id) if dates else None,
        data_snapshot_mismatch=bool(mismatches),
        mismatched_dates=len(mismatches),
        first_mismatched_date=mismatches[0] if mismatches else None,
        series=CompareSeries(dates=dates, equity=curves, baseline=baseline)
        if include_series
        else None,
    )


def _baseline_on(s: DailySeries, dates: Sequence[dt.date]) -> list[float | None]:
    lookup = dict(zip(s.dates, s.baseline, strict=True))
    return [lookup[d] for d in dates]


def _mismatched_dates(series: Sequence[DailySeries], dates: Sequence[dt.date]) -> list[dt.date]:
    """Common dates on which the strategies' data snapshot ids are not all the same.

    A missing id (a legacy row) counts as different from any known id: equal
    data cannot be shown, so the comparison is flagged.
    """
    wanted = set(dates)
    ids_by_date: dict[dt.date, set[str | None]] = {d: set() for d in dates}
    for s in series:
        for d, snapshot in zip(s.dates, s.snapshot_ids, strict=True):
            if d in wanted:
                ids_by_date[d].add(snapshot)
    return [d for d in dates if len(ids_by_date[d]) > 1]
