"""`stratops validate FILE...`: check manifests before they reach a cluster."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="validate TradingStrategy manifests",
        description=(
            "Validate TradingStrategy manifests as the operator will: the resource model, the "
            "strategy class and its parameters, the schedule and the time zone. Prints one "
            "line per good file and one `FILE: PATH: RULE` line per problem; exit 1 on any."
        ),
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from stratops.core.manifest_check import check_files

    lines = check_files(args.files)
    for line in lines:
        print(line.text, file=sys.stdout if line.ok else sys.stderr)
    return 0 if all(line.ok for line in lines) else 1
