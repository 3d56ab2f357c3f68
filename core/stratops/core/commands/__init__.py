"""Subcommands served by the shared core: manifests, database, market data, backtests, sweeps."""

from __future__ import annotations

import argparse

from stratops.core.commands import (
    backtest,
    backtest_config,
    data,
    db,
    migrate_registry,
    sweep,
    validate,
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    for module in (validate, db, data, backtest, backtest_config, sweep, migrate_registry):
        module.register(subparsers)
