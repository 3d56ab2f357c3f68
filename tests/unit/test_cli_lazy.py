"""The `stratops` command imports only the subcommand it runs, and its table of
subcommands says what the owning components register."""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys

import pytest

from stratops.core.cli import SUBCOMMANDS, build_parser, chosen_subcommand

HEAVY = ("pandas", "numpy", "sqlalchemy", "exchange_calendars", "kopf", "fastapi", "alembic")


def _registered(module: str) -> dict[str, str | None]:
    """Subcommand name -> help line, as the module registers them."""
    parser = argparse.ArgumentParser()
    subparsers = parser.add_subparsers()
    importlib.import_module(module).register(subparsers)
    return {action.dest: action.help for action in subparsers._choices_actions}


@pytest.mark.parametrize("module", sorted({s.module for s in SUBCOMMANDS.values()}))
def test_each_module_registers_what_the_table_says(module: str) -> None:
    expected = {name: s.help for name, s in SUBCOMMANDS.items() if s.module == module}
    assert _registered(module) == expected


@pytest.mark.parametrize("name", list(SUBCOMMANDS))
def test_the_chosen_subcommand_gets_its_real_parser(name: str) -> None:
    subparsers = next(
        a for a in build_parser([name])._actions if isinstance(a, argparse._SubParsersAction)
    )
    chosen = subparsers.choices[name]
    assert chosen.add_help  # placeholders have no options at all, not even --help
    assert chosen.description is not None
    assert [a.dest for a in subparsers._choices_actions] == list(SUBCOMMANDS)


@pytest.mark.parametrize(
    ("argv", "name"),
    [
        (["run", "--date", "today"], "run"),
        (["--log-level", "info", "--log-format=json", "run-all"], "run-all"),
        (["--log-l", "info", "backtest"], "backtest"),  # argparse's abbreviations read alike
        (["--version"], None),
        (["--log-level", "loud", "run"], None),  # the full parser reports the bad choice
        (["no-such-command"], None),
        ([], None),
    ],
)
def test_the_subcommand_is_read_like_the_full_parser_reads_it(
    argv: list[str], name: str | None
) -> None:
    assert chosen_subcommand(argv) == name


def _heavy_imports_after(argv: list[str]) -> list[str]:
    probe = (
        "import sys\n"
        "from stratops.core.cli import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print('imported:', *(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    last = done.stderr.strip().splitlines()[-1].split()
    assert last[0] == "imported:"
    return last[1:]


@pytest.mark.parametrize(
    "argv",
    [["--version"], ["--help"], ["run", "--help"], ["operator", "--help"], ["api", "--help"]],
)
def test_version_help_and_runner_parsing_import_nothing_heavy(argv: list[str]) -> None:
    assert _heavy_imports_after(argv) == []


def test_the_help_lists_every_subcommand_with_its_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        build_parser(["--help"]).parse_args(["--help"])
    shown = " ".join(capsys.readouterr().out.split())
    for name, subcommand in SUBCOMMANDS.items():
        assert f"{name} {subcommand.help}" in shown
