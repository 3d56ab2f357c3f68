"""Backtest results for the dashboard: stored runs first, legacy CSV exports second.

Stored runs (`backtest_runs`, written by `stratops backtest`) are the normal
source. Existing `dashboard_<StrategyClass>.csv` exports (strategy spec §7)
in the configured folder keep working: they are parsed by the core reader,
mapped to a strategy id through the configured strategies' classes, and their
metrics are recomputed from the rows (the header may come from another run).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd

from stratops.api import analytics
from stratops.api.queries import AnyRow
from stratops.api.schemas import BacktestData, BacktestInfo, BacktestSeries, Period
from stratops.core.backtest.dashboard import Dashboard, read_dashboard_csv

CSV_PREFIX = "dashboard_"


class Point(NamedTuple):
    """One session of a backtest as the readers build it (the response sends columns).
    A plain tuple: sixteen years are 4,000 of them, validated once as columns."""

    date: dt.date
    portfolio_value: float
    baseline_value: float | None
    buyhold_value: float | None
    cell: int | None
    trend: str | None
    vol: str | None


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


def csv_infos(files: Mapping[str, Path], ids_by_class: Mapping[str, str]) -> list[BacktestInfo]:
    infos = []
    for strategy_class, path in files.items():
        board = load_csv(path)
        dates = board.frame["Date"]
        infos.append(
            BacktestInfo(
                strategy_id=ids_by_class.get(strategy_class),
                strategy_class=strategy_class,
                source="csv",
                backtest_id=None,
                start_date=dates.iloc[0].date() if len(dates) else None,
                end_date=dates.iloc[-1].date() if len(dates) else None,
                synthetic=board.synthetic,
                created_at=None,
            )
        )
    return infos


def load_csv(path: Path) -> Dashboard:
    """Parse once per file version: exports are large and change rarely."""
    stat = path.stat()
    return _parse(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=32)
def _parse(path: Path, _mtime_ns: int, _size: int) -> Dashboard:
    return read_dashboard_csv(path)


def ids_by_class(configs: Iterable[AnyRow]) -> dict[str, str]:
    """Strategy class -> the id that runs it (the primary wins when several share a class)."""
    ordered = sorted(configs, key=lambda c: (not c.is_primary, c.strategy_id))
    mapping: dict[str, str] = {}
    for config in ordered:
        mapping.setdefault(config.strategy_class, config.strategy_id)
    return mapping


def from_database(
    info: BacktestInfo, run: AnyRow, points: Sequence[AnyRow], rf: float, window: Window = None
) -> BacktestData:
    rows = [
        Point(
            date=p.date,
            portfolio_value=p.portfolio_value,
            baseline_value=p.baseline_value,
            # The stored baseline is QQQ bought and held with the same capital: the
            # export's BuyHold_Value column holds the same numbers.
            buyhold_value=p.baseline_value,
            cell=p.cell,
            trend=p.trend,
            vol=p.vol,
        )
        for p in points
    ]
    reported = {k: v for k, v in (run.metrics or {}).items() if isinstance(v, int | float | str)}
    return _data(info, run.initial_capital, rows, reported, rf, window)


def from_csv(
    info: BacktestInfo, board: Dashboard, rf: float, window: Window = None
) -> BacktestData:
    rows = [_csv_point({str(k): v for k, v in r.items()}) for r in board.frame.to_dict("records")]
    capital = board.numbers.get("initial_capital")
    reported: dict[str, bool | int | float | str] = {**board.meta, **board.numbers}
    return _data(info, capital, rows, reported, rf, window)


def _csv_point(record: dict[str, Any]) -> Point:
    baseline = _number(record.get("Baseline_Value"))
    buyhold = _number(record.get("BuyHold_Value"))
    return Point(
        date=pd.Timestamp(record["Date"]).date(),
        portfolio_value=float(record["Portfolio_Value"]),
        baseline_value=baseline,
        buyhold_value=baseline if buyhold is None else buyhold,
        cell=None if pd.isna(record.get("Regime")) else int(record["Regime"]),
        trend=record.get("Trend") or None,
        vol=record.get("Vol") or None,
    )


def _number(value: Any) -> float | None:
    if value is None or pd.isna(value):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def in_window(rows: list[Point], window: Window) -> list[Point]:
    if window is None:
        return rows
    start, end = window
    return [
        r for r in rows if (start is None or r.date >= start) and (end is None or r.date <= end)
    ]


def _data(
    info: BacktestInfo,
    capital: float | None,
    all_rows: list[Point],
    reported: dict[str, bool | int | float | str],
    rf: float,
    window: Window,
) -> BacktestData:
    """Metrics the way `stratops backtest` reports them: the initial capital counts as the
    first point (on the first session's date), so the first day's costs and move count.
    A window that starts after the first session is measured from its own first close."""
    rows = in_window(all_rows, window)
    dates: list[dt.date] = [r.date for r in rows]
    equity = [r.portfolio_value for r in rows]
    baseline_curve = [r.baseline_value for r in rows]
    from_start = bool(all_rows) and bool(rows) and rows[0].date == all_rows[0].date
    if capital is not None and from_start:
        dates, equity = [dates[0], *dates], [capital, *equity]
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
            start_date=rows[0].date if rows else None,
            end_date=rows[-1].date if rows else None,
            trading_days=len(rows),
        ),
        metrics=strategy,
        baseline_metrics=baseline,
        alpha=alpha,
        trades=_int_or_none(clean.get("trades")),
        fills=_int_or_none(clean.get("fills")),
        sessions_by_cell=sessions_by_cell(r.cell for r in rows),
        reported=clean,
        series=columns(rows),
    )


def sessions_by_cell(cells: Iterable[int | None]) -> dict[str, int]:
    """How many sessions the strategy spent in each regime cell (cells never seen: absent)."""
    counts = Counter(c for c in cells if c is not None)
    return {str(c): counts[c] for c in sorted(counts)}


def columns(rows: Sequence[Point]) -> BacktestSeries:
    return BacktestSeries(
        date=[r.date for r in rows],
        portfolio_value=[round(r.portfolio_value, 2) for r in rows],
        baseline_value=[_cents(r.baseline_value) for r in rows],
        buyhold_value=[_cents(r.buyhold_value) for r in rows],
        cell=[r.cell for r in rows],
        trend=[r.trend for r in rows],
        vol=[r.vol for r in rows],
    )


def _cents(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


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
