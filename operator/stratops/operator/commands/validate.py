"""`stratops validate FILE...`: check manifests before they reach a cluster."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from stratops.core.errors import UserError
from stratops.core.manifests import ManifestError, load_strategies
from stratops.core.resource import KIND


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="validate TradingStrategy manifests",
        description="Validate TradingStrategy manifests against the resource model.",
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    failed = False
    for path in args.files:
        for line, ok in _check(path):
            print(line, file=sys.stdout if ok else sys.stderr)
            failed = failed or not ok
    return 1 if failed else 0


def _check(path: Path) -> list[tuple[str, bool]]:
    try:
        strategies = load_strategies(path)
    except ManifestError as exc:
        return [(f"{exc.source}: {problem}", False) for problem in exc.problems]
    except UserError as exc:
        return [(str(exc), False)]
    if not strategies:
        return [(f"{path.name}: no {KIND} found", False)]
    names = ", ".join(f"{s.spec.strategy_id} ({s.spec.strategy_class})" for s in strategies)
    return [(f"{path.name}: ok: {names}", True)]
