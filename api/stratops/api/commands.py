"""Subcommands served by stratops.api."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this component's subcommands to the `stratops` parser."""
