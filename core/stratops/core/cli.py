"""The `stratops` command: one entry point, one subcommand per job.

Each component owns its subcommands in a `commands` module exposing
`register(subparsers)`; this module only wires them together, which is why it
is the single place allowed to import every component.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import NoReturn

from stratops.core import __version__
from stratops.core.errors import UserError
from stratops.core.logs import FORMATS, LEVELS, setup_logging

Handler = Callable[[argparse.Namespace], int]


class _OneLineParser(argparse.ArgumentParser):
    """argparse prints usage plus the error; users asked for one clear line."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def _command_modules() -> list[ModuleType]:
    from stratops.api import commands as api_commands
    from stratops.core import commands as core_commands
    from stratops.operator import commands as operator_commands
    from stratops.runner import commands as runner_commands

    return [core_commands, runner_commands, api_commands, operator_commands]


def build_parser() -> argparse.ArgumentParser:
    parser = _OneLineParser(
        prog="stratops",
        description="Run trading strategies side by side: backtest, paper-trade, compare, promote.",
    )
    parser.add_argument("--version", action="version", version=f"stratops {__version__}")
    parser.add_argument(
        "--log-format",
        choices=FORMATS,
        help="log lines as JSON or text (default: text on a terminal, JSON otherwise)",
    )
    parser.add_argument("--log-level", choices=LEVELS, help="default: warning")
    subparsers = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_OneLineParser
    )
    for module in _command_modules():
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging(args.log_format, args.log_level)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return handler(args)
    except UserError as exc:
        print(f"stratops: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("stratops: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
