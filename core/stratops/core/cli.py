"""The `stratops` command: one entry point, one subcommand per job.

Each component owns its subcommands (a `commands` module exposing
`register(subparsers)`, with its parser and handler). This module knows them
only by name, module path and one-line help, so it imports no component: it
reads which subcommand was asked for, imports that one module, and gives the
others a placeholder parser carrying their help line. `stratops --version`,
`stratops --help` and every runner pod thus pay only for what they run.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
from collections.abc import Callable, Sequence
from typing import NamedTuple, NoReturn

from stratops.core import __version__
from stratops.core.errors import UserError
from stratops.core.logs import FORMATS, LEVELS, setup_logging

Handler = Callable[[argparse.Namespace], int]


class Subcommand(NamedTuple):
    """Where a subcommand lives and the line `stratops --help` shows for it."""

    module: str
    help: str


# In the order `stratops --help` lists them. A unit test checks each line and module
# against what the owning module registers.
SUBCOMMANDS: dict[str, Subcommand] = {
    "validate": Subcommand(
        "stratops.operator.commands.validate", "validate TradingStrategy manifests"
    ),
    "db": Subcommand("stratops.core.commands.db", "migrate the database schema"),
    "data": Subcommand(
        "stratops.runner.commands.data",
        "fetch market data into the shared cache, or show a cache",
    ),
    "backtest": Subcommand("stratops.runner.commands.backtest", "backtest a strategy manifest"),
    "backtest-config": Subcommand(
        "stratops.runner.commands.backtest_config",
        "backtest one strategy configuration over the whole data snapshot and store it",
    ),
    "sweep": Subcommand(
        "stratops.runner.commands.sweep", "backtest every parameter set of a StrategySweep"
    ),
    "migrate-registry": Subcommand(
        "stratops.migrations.legacy.commands.migrate_registry",
        "turn a legacy strategies_registry.yaml and state files into manifests",
    ),
    "run": Subcommand(
        "stratops.runner.commands.run", "run one strategy for one trading day, exactly once"
    ),
    "run-all": Subcommand(
        "stratops.runner.commands.run",
        "run every active strategy of a manifest folder, primary first",
    ),
    "demo": Subcommand(
        "stratops.runner.commands.run",
        "the whole job on this machine: data, backtests, paper replay, dashboard",
    ),
    "api": Subcommand("stratops.api.commands.serve", "serve the read-only API and the dashboard"),
    "promote-check": Subcommand(
        "stratops.api.commands.promote", "check whether a candidate strategy may become primary"
    ),
    "operator": Subcommand("stratops.operator.commands.serve", "run the Kubernetes operator"),
}


class _OneLineParser(argparse.ArgumentParser):
    """argparse prints usage plus the error; users asked for one clear line."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


class _PeekError(Exception):
    """The first look at the arguments failed; the full parser will say why."""


class _Peeker(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _PeekError(message)


def _global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--log-format",
        choices=FORMATS,
        help="log lines as JSON or text (default: text on a terminal, JSON otherwise)",
    )
    parser.add_argument("--log-level", choices=LEVELS, help="default: warning")


def chosen_subcommand(argv: Sequence[str]) -> str | None:
    """The subcommand named in `argv`, read with the same global options as the full
    parser (so `--log-level info run` and abbreviations read alike), or None."""
    peeker = _Peeker(add_help=False)
    _global_options(peeker)
    peeker.add_argument("command", nargs="?")
    peeker.add_argument("rest", nargs=argparse.REMAINDER)
    try:
        known, _ = peeker.parse_known_args(list(argv))
    except _PeekError:
        return None
    command: str | None = known.command
    return command if command in SUBCOMMANDS else None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser for `argv`: the full parser of the subcommand it names (that one
    module imported) and a placeholder with its help line for every other. Without
    `argv`, the full parser of every subcommand (every component's module imported)."""
    parser = _OneLineParser(
        prog="stratops",
        description="Run trading strategies side by side: backtest, paper-trade, compare, promote.",
    )
    parser.add_argument("--version", action="version", version=f"stratops {__version__}")
    _global_options(parser)
    subparsers = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_OneLineParser
    )
    wanted = SUBCOMMANDS if argv is None else [chosen_subcommand(argv)]
    for name in wanted:
        if name is not None and name not in subparsers.choices:
            importlib.import_module(SUBCOMMANDS[name].module).register(subparsers)
    for name, subcommand in SUBCOMMANDS.items():
        if name not in subparsers.choices:
            subparsers.add_parser(name, help=subcommand.help, add_help=False)
    _list_in_table_order(subparsers)
    return parser


def _build_parser_for_process(arguments: Sequence[str]) -> argparse.ArgumentParser:
    """`build_parser` as the `stratops` process's start-up: its imports (pandas, pydantic
    models) create a few hundred thousand objects that live until the process ends, so
    the cyclic collector is paused while they are made (otherwise it rescans them many
    times over) and then told to leave them alone (`gc.freeze`), which also spares the
    interpreter's final pass over them at exit. Only for the command itself: a caller
    of `main(argv)` (tests, other programs) keeps its collector as it was."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        parser = build_parser(arguments)
    finally:
        if was_enabled:
            gc.enable()
    gc.freeze()
    return parser


def _list_in_table_order(subparsers: argparse._SubParsersAction[_OneLineParser]) -> None:
    """Registering the chosen module first must not reorder `--help`'s listing."""
    order = {name: index for index, name in enumerate(SUBCOMMANDS)}
    subparsers._choices_actions.sort(key=lambda action: order.get(action.dest, len(order)))


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; `argv` None means this process's own command line."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    parser = _build_parser_for_process(arguments) if argv is None else build_parser(arguments)
    args = parser.parse_args(arguments)
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
