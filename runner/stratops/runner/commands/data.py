"""`stratops data fetch|show`: fill the shared market-data cache and inspect it.

Market-data modules are imported inside the handlers so that `stratops --help`
and unrelated subcommands do not pay for pandas and the exchange calendar.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stratops.core.errors import UserError

if TYPE_CHECKING:
    from stratops.core.marketdata import MarketData, Provider, SymbolStatus

PROVIDERS = ("synthetic", "dir", "yahoo")
SYNTHETIC_LABEL = "SYNTHETIC DATA: generated, not market prices"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "data",
        help="fetch market data into the shared cache, or show a cache",
        description="Fetch market data into the shared cache, or show what a cache holds.",
    )
    actions = parser.add_subparsers(dest="data_action", metavar="ACTION", required=True)
    _register_fetch(actions)
    _register_show(actions)


def _register_fetch(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    fetch = actions.add_parser("fetch", help="fetch symbols from a provider into a cache")
    fetch.add_argument("--provider", choices=PROVIDERS, required=True)
    fetch.add_argument("--source", type=Path, metavar="DIR", help="data directory (provider dir)")
    fetch.add_argument("--seed", type=int, help="generator seed (provider synthetic)")
    fetch.add_argument("--start", type=_date, metavar="YYYY-MM-DD", help="first day (default: all)")
    fetch.add_argument("--end", type=_date, metavar="YYYY-MM-DD", help="last day (default: today)")
    fetch.add_argument("--symbols", type=_symbols, required=True, metavar="QQQ,TQQQ,...")
    fetch.add_argument("--cache", type=Path, required=True, metavar="DIR")
    fetch.add_argument("--lock-timeout", type=float, default=600.0, metavar="SECONDS")
    fetch.set_defaults(handler=run_fetch)


def _register_show(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    show = actions.add_parser("show", help="describe a cache: symbols, ranges, freshness")
    show.add_argument("--cache", type=Path, required=True, metavar="DIR")
    show.add_argument("--json", action="store_true", help="print one JSON object")
    show.add_argument("--timing", choices=("close", "open"), default="close")
    show.add_argument(
        "--now", type=_moment, metavar="ISO-TIME", help="judge freshness at this time"
    )
    show.set_defaults(handler=run_show)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO time: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _symbols(text: str) -> list[str]:
    symbols = [s.strip().upper() for s in text.split(",") if s.strip()]
    if not symbols:
        raise argparse.ArgumentTypeError("no symbols given")
    return list(dict.fromkeys(symbols))


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_fetch(args: argparse.Namespace) -> int:
    from stratops.core.marketdata import write_cache
    from stratops.core.marketdata.fileformat import check_symbol

    for symbol in args.symbols:
        check_symbol(symbol)
    provider = _provider(args)
    if args.start and args.end and args.start > args.end:
        raise UserError(f"--start {args.start} is after --end {args.end}")
    _progress(f"fetching {len(args.symbols)} symbol(s) from {provider.name}")
    frames = {}
    for number, symbol in enumerate(args.symbols, 1):
        frame = provider.fetch([symbol], args.start, args.end)[symbol]
        span = f"{frame.index[0]:%Y-%m-%d}..{frame.index[-1]:%Y-%m-%d}"
        _progress(f"[{number}/{len(args.symbols)}] {symbol}: {len(frame)} rows {span}")
        frames[symbol] = frame
    manifest = write_cache(
        args.cache,
        frames,
        provider=provider.name,
        synthetic=provider.synthetic,
        lock_timeout=args.lock_timeout,
    )
    label = " (synthetic data)" if provider.synthetic else ""
    count = f"{len(frames)} symbol(s)"
    print(
        f"{args.cache}: snapshot {manifest.snapshot_id}, {count}, provider {provider.name}{label}"
    )
    return 0


def _provider(args: argparse.Namespace) -> Provider:
    from stratops.core.marketdata import make_provider

    if args.seed is not None and args.provider != "synthetic":
        raise UserError("--seed applies to --provider synthetic only")
    if args.source is not None and args.provider != "dir":
        raise UserError("--source applies to --provider dir only")
    return make_provider(args.provider, source=args.source, seed=args.seed)


def run_show(args: argparse.Namespace) -> int:
    from stratops.core.marketdata import data_status, load_market_data

    data = load_market_data(args.cache)
    statuses = data_status(data, args.now, args.timing)
    report = _report(args.cache, data, statuses, args.timing)
    print(json.dumps(report, indent=2) if args.json else _text(report))
    return 0


def _report(
    path: Path, data: MarketData, statuses: list[SymbolStatus], timing: str
) -> dict[str, Any]:
    expected = statuses[0].expected
    oldest = min(s.last_bar for s in statuses)
    fresh = all(s.fresh for s in statuses)
    return {
        "cache": str(path),
        "provider": data.provider,
        "synthetic": data.synthetic,
        "as_of": data.as_of.astimezone(UTC).isoformat().replace("+00:00", "Z")
        if data.as_of
        else None,
        "snapshot_id": data.snapshot_id,
        "timing": timing,
        "expected_session": expected.isoformat(),
        "fresh": fresh,
        "freshness": "fresh" if fresh else f"stale: last bar {oldest}, expected {expected}",
        "symbols": [_symbol_report(s) for s in statuses],
    }


def _symbol_report(status: SymbolStatus) -> dict[str, Any]:
    return {
        "symbol": status.symbol,
        "rows": status.rows,
        "first": status.first_bar.isoformat(),
        "last": status.last_bar.isoformat(),
        "missing_sessions": status.missing_sessions,
        "fresh": status.fresh,
        "freshness": status.freshness,
    }


def _text(report: dict[str, Any]) -> str:
    provider = report["provider"] + (f"  [{SYNTHETIC_LABEL}]" if report["synthetic"] else "")
    lines = [
        f"cache       {report['cache']}",
        f"provider    {provider}",
        f"as of       {report['as_of'] or 'unknown (plain data directory)'}",
        f"snapshot    {report['snapshot_id']}",
        f"freshness   {report['freshness']} (timing {report['timing']})",
        "",
        f"{'symbol':<8} {'rows':>6}  {'first':<10}  {'last':<10}  {'gaps':>4}  freshness",
    ]
    for row in report["symbols"]:
        lines.append(
            f"{row['symbol']:<8} {row['rows']:>6}  {row['first']:<10}  {row['last']:<10}  "
            f"{row['missing_sessions']:>4}  {row['freshness']}"
        )
    return "\n".join(lines)
