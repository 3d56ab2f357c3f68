"""`stratops backtest`: run a strategy manifest over a date window of market data.

stdout carries the result (one JSON object with `--json`, a readable summary
otherwise); progress goes to stderr, and only when stderr is a terminal.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from stratops.core.backtest.engine import run_backtest
from stratops.core.backtest.result import BacktestResult
from stratops.core.errors import UserError
from stratops.core.manifests import load_strategy
from stratops.core.marketdata.cache import load_market_data
from stratops.core.marketdata.errors import DataError
from stratops.core.marketdata.frames import MarketData
from stratops.core.strategies.base import Strategy
from stratops.core.strategies.registry import build_strategy


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "backtest",
        help="backtest a strategy manifest",
        description="Backtest a TradingStrategy manifest over market data, print its metrics.",
    )
    parser.add_argument("--strategy", required=True, type=Path, metavar="FILE")
    parser.add_argument("--data-dir", required=True, type=Path, metavar="DIR")
    parser.add_argument("--start", required=True, type=_date, metavar="YYYY-MM-DD")
    parser.add_argument("--end", required=True, type=_date, metavar="YYYY-MM-DD")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.add_argument(
        "--export-dashboard",
        type=Path,
        metavar="DIR",
        help="write dashboard_<strategyClass>.csv and regime_<strategyClass>.csv into DIR",
    )
    parser.add_argument("--db", metavar="URL", help="store the run in this database")
    parser.set_defaults(handler=run)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def run(args: argparse.Namespace) -> int:
    manifest = load_strategy(args.strategy)
    strategy = build_strategy(manifest.spec)
    data = _load(args.data_dir, strategy)
    result = run_backtest(
        strategy, manifest.spec, data, args.start, args.end, progress=_progress_bar(sys.stderr)
    )
    doc = result.to_json()
    if args.export_dashboard is not None:
        from stratops.core.backtest.dashboard import export_dashboard

        try:
            paths = export_dashboard(result, args.export_dashboard)
        except OSError as exc:
            raise UserError(
                f"--export-dashboard {args.export_dashboard}: cannot write there "
                f"({exc.strerror or exc})"
            ) from None
        doc["dashboard_files"] = [str(p) for p in paths]
    if args.db:
        from stratops.core.backtest.store import store_backtest

        stored = store_backtest(result, args.db)
        doc["backtest_run_id"], doc["stored"] = stored.run_id, stored.created
    if args.json:
        print(json.dumps(doc, allow_nan=False))
    else:
        print(_summary(result, doc))
    return 0


def _load(directory: Path, strategy: Strategy) -> MarketData:
    """Every series the strategy reads; optional ones (e.g. an unused hedge) may be absent."""
    try:
        return load_market_data(directory, strategy.symbols)
    except DataError as exc:
        if "no such symbol" not in str(exc):
            raise
    return load_market_data(directory, strategy.required_symbols)


def _progress_bar(stream: TextIO) -> Any:
    """A one-line bar redrawn in place, or None when stderr is not a terminal."""
    if not stream.isatty():
        return None

    def show(done: int, total: int) -> None:
        if done % 50 and done != total:
            return
        width = 30
        filled = width * done // total
        stream.write(f"\rbacktest [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done == total:
            stream.write("\n")
        stream.flush()

    return show


def _fmt(value: Any, unit: str = "") -> str:
    return "n/a" if value is None else f"{value:,.2f}{unit}"


def _summary(result: BacktestResult, doc: dict[str, Any]) -> str:
    base = doc["baseline"]
    label = " [SYNTHETIC DATA]" if result.synthetic else ""
    lines = [
        f"{doc['strategy_id']} ({doc['strategy_class']}){label}",
        f"  window        {doc['start']} .. {doc['end']} ({doc['sessions']} sessions)",
        f"  first signal  {doc['first_decision'] or 'none in window'}",
        f"  equity        {_fmt(doc['initial_capital'])} -> {_fmt(doc['final_equity'])}",
        "                strategy        QQQ buy & hold",
    ]
    rows = [
        ("total return", "total_return_pct", "%"),
        ("CAGR", "cagr_pct", "%"),
        ("volatility", "volatility_pct", "%"),
        ("Sharpe", "sharpe", ""),
        ("Sortino", "sortino", ""),
        ("max drawdown", "max_drawdown_pct", "%"),
        ("Calmar", "calmar", ""),
    ]
    for name, key, unit in rows:
        lines.append(f"  {name:<13} {_fmt(doc[key], unit):>15} {_fmt(base[key], unit):>15}")
    cells = ", ".join(f"{c}: {v * 100:.1f}%" for c, v in doc["exposure_by_cell"].items())
    lines += [
        f"  trades        {doc['trades']} closed ({doc['fills']} fills)",
        f"  cells         {cells or 'no decision'}",
        f"  data          {doc['data_snapshot_id']}",
    ]
    lines += [f"  wrote         {p}" for p in doc.get("dashboard_files", [])]
    if "backtest_run_id" in doc:
        verb = "stored" if doc["stored"] else "already stored"
        lines.append(f"  database      {verb} as backtest run {doc['backtest_run_id']}")
    return "\n".join(lines)
