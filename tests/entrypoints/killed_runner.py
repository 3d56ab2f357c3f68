"""`python tests/entrypoints/killed_runner.py POINT ARGS...`: `stratops ARGS...`, killed at POINT.

POINT is `before_db`, `after_db` or `after_state`: at that point of a run the
process calls `os._exit(137)`, with no cleanup, flushing or rollback, which is
what a SIGKILL or an OOM kill leaves behind, so tests can prove that a rerun
repairs it.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Callable

from sqlalchemy import Engine

from stratops.core.cli import main
from stratops.runner import handlers
from stratops.runner.day import Services
from stratops.runner.settings import RunnerSettings

KILLED_EXIT_CODE = 137
POINTS = ("before_db", "after_db", "after_state")


def kill_at(point: str) -> Callable[[str], None]:
    """A checkpoint function that ends the process at `point`."""

    def reached(where: str) -> None:
        if where == point:
            os._exit(KILLED_EXIT_CODE)

    return reached


def wrap(point: str) -> None:
    real = handlers.services

    def services(engine: Engine, settings: RunnerSettings) -> Services:
        return dataclasses.replace(real(engine, settings), fault=kill_at(point))

    handlers.services = services


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in POINTS:
        sys.exit(f"usage: killed_runner.py {{{'|'.join(POINTS)}}} STRATOPS-ARGS...")
    wrap(sys.argv[1])
    sys.exit(main(sys.argv[2:]))
