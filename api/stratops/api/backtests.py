"""Backtest results for the dashboard: stored runs first, legacy CSV exports second.

Stored runs (`backtest_runs`, written by `stratops backtest`) are the normal
source. Existing `dashboard_<StrategyClass>.csv` exports (strategy spec §7)
in the configured folder keep working (`stratops.api.backtest_csv`, which
needs pandas and is only imported when such files exist).
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np

from stratops.api import analytics
from stratops.api.queries import AnyRow
from stratops.api.schemas import BacktestData, BacktestInfo, BacktestSeries, Period

CSV_PREFIX = "dashboard_"


@dataclass(frozen=True)
class Sessions:
    """A backtest's sessions as columns, ascending by date (index i of each is session i).
    Sixteen years are 4,000 sessions: kept as columns from the fetch to the response,
    never as one object per session."""

    date: Sequence[dt.date]
    portfolio_value: Sequence[float]
    baseline_value: Sequence[float | None]
    buyhold_value: Sequence[float | None]
    cell: Sequence[int | None]
    trend: Sequence[str | None]
    vol: Sequence[str | None]

    def window(self, window: Window) -> Sessions:
        """The sessions from `start` to `end` (both included, either open)."""
        if window is None or window == (None, None):
            return self
        start, end = window
        lo = 0 if start is None else bisect_left(self.date, start)
        hi = len(self.date) if end is None else bisect_right(self.date, end)
        return Sessions(*(column[lo:hi] for column in astuple_shallow(self)))


def astuple_shallow(sessions: Sessions) -> tuple[Sequence[Any], ...]:
    """The columns in field order (dataclasses.astuple would copy every list deeply)."""
    return tuple(getattr(sessions, f.name) for f in fields(sessions))


# Dates to keep (first, last), either open; None keeps every session.
Window = tuple[dt.date | None, dt.date | None] | None


def db_infos(runs: Sequence[AnyRow]) -> list[BacktestInfo]:
    """The newest stored backtest of each strategy (rows come newest first per strategy)."""
    seen: dict[str, BacktestInfo] = {}
    for run in runs:
        seen.setdefault(
            run.strategy_id,
            BacktestInfo(
                strategy_id=run.strategy_id,
                strategy_class=run.strategy_class,
                source="database",
                backtest_id=run.id,
                start_date=run.start_date,
                end_date=run.end_date,
                synthetic=run.synthetic,
                created_at=run.created_at,
            ),
        )
    return list(seen.values())


def csv_files(folder: Path | None) -> dict[str, Path]:
    """Legacy exports by strategy class, from `dashboard_<class>.csv` names."""
    if folder is None or not folder.is_dir():
        return {}
    return {p.stem.removeprefix(CSV_PREFIX): p for p in sorted(folder.glob(f"{CSV_PREFIX}*.csv"))}


def ids_by_class(configs: Iterable[AnyRow]) -> dict[str, str]:
    """Strategy class -> the id that runs it (the primary wins when several share a class)."""
    ordered = sorted(configs, key=lambda c: (not c.is_primary, c.strategy_id))
    mapping: dict[str, str] = {}
    for config in ordered:
        mapping.setdefault(config.strategy_class, config.strategy_id)
    return mapping


def from_database(
    info: BacktestInfo, run: AnyRow, sessions: Sessions, rf: float, window: Window = None
) -> BacktestData:
    reported = {k: v for k, v in (run.metrics or {}).items() if isinstance(v, int | float | str)}
    return backtest_data(info, run.initial_capital, sessions, reported, rf, window)


def backtest_data(
    info: BacktestInfo,
    capital: float | None,
    everything: Sessions,
    reported: dict[str, bool | int | float | str],
    rf: float,
    window: Window,
) -> BacktestData:
    """Metrics the way `stratops backtest` reports them: the initial capital counts as the
    first point (on the first session's date), so the first day's costs and move count.
    A window that starts after the first session is measured from its own first close."""
    rows = everything.window(window)
    dates: Sequence[dt.date] = rows.date
    equity = np.asarray(rows.portfolio_value, dtype=np.float64)
    baseline_curve: Sequence[float | None] = rows.baseline_value
    from_start = bool(rows.date) and rows.date[0] == everything.date[0]
    if capital is not None and from_start:
        dates = [dates[0], *dates]
        equity = np.concatenate(([capital], equity))
        baseline_curve = [capital, *baseline_curve]
    strategy = analytics.equity_metrics(equity, dates, rf)
    baseline = analytics.baseline_metrics(baseline_curve, dates, rf)
    alpha = None
    if baseline is not None and baseline.cagr is not None and strategy.cagr is not None:
        alpha = strategy.cagr - baseline.cagr
    clean = {k: _count(k, v) for k, v in reported.items() if not _nan(v)}
    return BacktestData(
        info=info,
        initial_capital=capital,
        period=Period(
            start_date=rows.date[0] if rows.date else None,
            end_date=rows.date[-1] if rows.date else None,
            trading_days=len(rows.date),
        ),
        metrics=strategy,
        baseline_metrics=baseline,
        alpha=alpha,
        trades=_int_or_none(clean.get("trades")),
        fills=_int_or_none(clean.get("fills")),
        sessions_by_cell=sessions_by_cell(rows.cell),
        reported=clean,
        # Built without validation: the columns come typed from the database or the
        # CSV reader, and validating 4,000 sessions seven times over costs more than
        # the rest of the request.
        series=BacktestSeries.model_construct(
            date=list(rows.date),
            portfolio_value=cents(rows.portfolio_value),
            baseline_value=cents(rows.baseline_value),
            buyhold_value=cents(rows.buyhold_value),
            cell=list(rows.cell),
            trend=list(rows.trend),
            vol=list(rows.vol),
        ),
    )


def sessions_by_cell(cells: Iterable[int | None]) -> dict[str, int]:
    """How many sessions the strategy spent in each regime cell (cells never seen: absent)."""
    counts = Counter(c for c in cells if c is not None)
    return {str(c): counts[c] for c in sorted(counts)}


def cents(values: Sequence[float | None]) -> list[Any]:
    """Money rounded to cents, None kept (numpy on the whole column)."""
    column = np.asarray(values, dtype=np.float64)  # None becomes NaN
    rounded: list[Any] = np.round(column, 2).tolist()
    if np.isnan(column).any():
        return [None if v is None else r for v, r in zip(values, rounded, strict=True)]
    return rounded


# Header and stored-metric names that are counts: a CSV header reads them as floats.
COUNT_KEYS = frozenset({"sessions", "trades", "fills"})


def _count(key: str, value: bool | int | float | str) -> bool | int | float | str:
    if key in COUNT_KEYS and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _nan(value: bool | int | float | str) -> bool:
    return isinstance(value, float) and not math.isfinite(value)
