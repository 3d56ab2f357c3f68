"""`stratops backtest-config`: the backtest the operator runs when a configuration changes.

Reads a TradingStrategy manifest (a file, or the JSON the operator puts in
the Job's arguments so the Job backtests exactly the configuration it is
named after), backtests it over the whole data snapshot and stores one
`config_backtests` row; storing it twice is a no-op.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from stratops.core.commands.db import DB_URL_ENV
from stratops.core.errors import UserError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "backtest-config",
        help="backtest one strategy configuration over the whole data snapshot and store it",
        description=(
            "Backtest a TradingStrategy over all of the market data (from signalStart) and "
            "store the result keyed by strategy id, config hash and data snapshot."
        ),
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--strategy", type=Path, metavar="FILE")
    source.add_argument("--manifest-json", metavar="JSON", help="the manifest as one JSON object")
    parser.add_argument("--data-dir", required=True, type=Path, metavar="DIR")
    parser.add_argument("--db", metavar="URL", help=f"default: ${DB_URL_ENV}")
    parser.add_argument("--job", metavar="NAME", help="the Job that ran it (kept with the row)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from stratops.core.db import create_engine_for
    from stratops.core.manifests import load_strategy, parse_strategy
    from stratops.core.research.config_backtest import backtest_config
    from stratops.core.research.fanout import load_symbols
    from stratops.core.research.store import require_schema, store_config_backtest
    from stratops.core.strategies.registry import build_strategy

    url = args.db or os.environ.get(DB_URL_ENV)
    if not url:
        raise UserError(f"no database given: pass --db URL or set {DB_URL_ENV}")
    if args.strategy is not None:
        manifest = load_strategy(args.strategy)
    else:
        manifest = parse_strategy(_json_object(args.manifest_json), "--manifest-json")
    strategy = build_strategy(manifest.spec)
    data = load_symbols(args.data_dir, list(strategy.symbols), list(strategy.required_symbols))
    result = backtest_config(manifest.spec, data)
    engine = create_engine_for(url)
    try:
        require_schema(engine)
        store_config_backtest(
            engine,
            result.strategy_id,
            result.config_hash,
            result.data_snapshot_id,
            (result.start, result.end),
            result.metrics.to_json(),
            args.job,
        )
    finally:
        engine.dispose()
    doc = {
        "strategy_id": result.strategy_id,
        "config_hash": result.config_hash,
        "data_snapshot_id": result.data_snapshot_id,
        **result.metrics.to_json(),
    }
    print(json.dumps(doc, allow_nan=False))
    return 0


def _json_object(text: str) -> dict[str, object]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"--manifest-json: not JSON ({exc.msg})") from None
    if not isinstance(doc, dict):
        raise UserError("--manifest-json: expected a JSON object")
    return doc
