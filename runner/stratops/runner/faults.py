"""Test hook: die at a chosen point of a run, exactly as a killed process would.

`STRATOPS_FAULT_AT=before_db|after_db|after_state` (read once into the
settings) makes the runner call `os._exit(137)` at that point: no cleanup, no
flushing, no rollback handlers, so the tests see what a SIGKILL or an OOM kill
leaves behind and prove that a rerun repairs it. It exists for tests only.
"""

from __future__ import annotations

import os
from collections.abc import Callable

KILLED_EXIT_CODE = 137


def fault_hook(point: str | None) -> Callable[[str], None]:
    """A function to call at each named point; it ends the process at `point`."""

    def reached(where: str) -> None:
        if point is not None and where == point:
            os._exit(KILLED_EXIT_CODE)

    return reached
