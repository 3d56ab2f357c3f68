"""Subcommands served by stratops.runner: `run`, `run-all` and `demo`.

Only argument parsing lives here; the handlers import the engine when they
run, so `stratops --help` stays fast.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    Subparsers: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]

EXIT_CODES = (
    "Exit codes: 0 traded, no_change, already_done or not a session; 3 market data refused "
    "(stale or bad); 4 state refused (left untouched); 1 any other failure; 2 usage."
)


def register(subparsers: Subparsers) -> None:
    """Add this component's subcommands to the `stratops` parser."""
    _register_run(subparsers)
    _register_run_all(subparsers)
    _register_demo(subparsers)


def day_arg(text: str) -> str:
    """YYYY-MM-DD, or `today` (resolved later in the strategy's time zone)."""
    if text != "today":
        date_arg(text)
    return text


def date_arg(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", type=Path, metavar="DIR", help="market-data cache or CSVs")
    parser.add_argument("--db", metavar="URL", help="sqlite:///PATH or postgresql://...")
    parser.add_argument(
        "--state-dir",
        type=Path,
        metavar="DIR",
        help="root of the file state store (default with SQLite: <database file>.state)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")


def _register_run(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "run",
        help="run one strategy for one trading day, exactly once",
        description=(
            "One runner step (DESIGN §5): data gate, state, strategy, paper orders, one "
            "database transaction, then the state store. A day already in the ledger is "
            "reported as already_done and nothing is written. " + EXIT_CODES
        ),
    )
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--strategy", type=Path, metavar="FILE", help="a TradingStrategy manifest")
    which.add_argument(
        "--strategy-name", metavar="NAME", help="a TradingStrategy resource (cluster mode)"
    )
    parser.add_argument("--date", required=True, type=day_arg, metavar="YYYY-MM-DD|today")
    parser.add_argument(
        "--state",
        choices=("file", "configmap"),
        default="file",
        help="state store: files under --state-dir (default) or the strategy's ConfigMap",
    )
    _common(parser)
    parser.set_defaults(handler=_run)


def _register_run_all(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "run-all",
        help="run every active strategy of a manifest folder, primary first",
        description=(
            "Run all active strategies of a folder for one day (--date) or for every session "
            "of a range (--from/--to, a replay through the same code path). Market data is "
            "loaded once; each strategy is isolated; the exit code is non-zero only when the "
            "primary failed. A failed primary is logged at ERROR and POSTed to "
            "STRATOPS_ALERT_WEBHOOK_URL when set."
        ),
    )
    parser.add_argument("--manifests", required=True, type=Path, metavar="DIR")
    when = parser.add_mutually_exclusive_group(required=True)
    when.add_argument("--date", type=day_arg, metavar="YYYY-MM-DD|today")
    when.add_argument("--from", dest="start", type=date_arg, metavar="YYYY-MM-DD")
    parser.add_argument("--to", dest="end", type=date_arg, metavar="YYYY-MM-DD")
    _common(parser)
    parser.set_defaults(handler=_run_all)


def _register_demo(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="the whole job on this machine: data, backtests, paper replay, dashboard",
        description=(
            "Build a local stratops under ./.stratops-demo (SQLite, synthetic market data "
            "unless --data-dir is given), backtest the manifests, replay recent sessions "
            "through the real runner, then serve the API and dashboard. Rerunning reuses "
            "what exists. Ctrl-C stops it."
        ),
    )
    parser.add_argument("--data-dir", type=Path, metavar="DIR", help="real CSVs instead")
    parser.add_argument(
        "--manifests", type=Path, metavar="DIR", help="default manifests/strategies"
    )
    parser.add_argument("--home", type=Path, metavar="DIR", help="default ./.stratops-demo")
    parser.add_argument("--replay-sessions", type=int, default=120, metavar="N")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--no-serve", action="store_true", help="stop after the replay")
    parser.set_defaults(handler=_demo)


def _run(args: argparse.Namespace) -> int:
    from stratops.runner.handlers import run_one

    return run_one(args)


def _run_all(args: argparse.Namespace) -> int:
    from stratops.runner.handlers import run_many

    return run_many(args)


def _demo(args: argparse.Namespace) -> int:
    from stratops.runner.demo import demo

    return demo(args)
