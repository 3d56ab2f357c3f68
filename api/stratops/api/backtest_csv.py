"""Legacy `dashboard_<StrategyClass>.csv` backtest exports (strategy spec §7) as the API
reads them: parsed by the core reader, mapped to a strategy id through the configured
strategies' classes, metrics recomputed from the rows (the header may come from
another run).

The core reader needs pandas, so this module is imported only when the
configured folder holds such exports: an API without them never loads pandas.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from stratops.api.backtests import Sessions, Window, backtest_data
from stratops.api.schemas import BacktestData, BacktestInfo
from stratops.core.backtest.dashboard import Dashboard, read_dashboard_csv


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


def from_csv(
    info: BacktestInfo, board: Dashboard, rf: float, window: Window = None
) -> BacktestData:
    capital = board.numbers.get("initial_capital")
    reported: dict[str, bool | int | float | str] = {**board.meta, **board.numbers}
    return backtest_data(info, capital, sessions(board.frame), reported, rf, window)


def sessions(frame: pd.DataFrame) -> Sessions:
    """The export's rows as columns, in date order."""
    records = frame.sort_values("Date", kind="stable").to_dict("records")
    rows = [{str(k): v for k, v in r.items()} for r in records]
    baseline = [_number(r.get("Baseline_Value")) for r in rows]
    buyhold = [_number(r.get("BuyHold_Value")) for r in rows]
    return Sessions(
        date=[pd.Timestamp(r["Date"]).date() for r in rows],
        portfolio_value=[float(r["Portfolio_Value"]) for r in rows],
        baseline_value=baseline,
        buyhold_value=[b if h is None else h for b, h in zip(baseline, buyhold, strict=True)],
        cell=[None if pd.isna(r.get("Regime")) else int(r["Regime"]) for r in rows],
        trend=[r.get("Trend") or None for r in rows],
        vol=[r.get("Vol") or None for r in rows],
    )


def _number(value: Any) -> float | None:
    if value is None or pd.isna(value):
        return None
    number = float(value)
    return number if math.isfinite(number) else None
