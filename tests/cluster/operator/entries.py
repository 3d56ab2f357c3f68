"""Counts how often each stratops module is entered from outside itself.

A profile hook (this thread and threads started while it is on) sees every
Python call; a call counts as an entry into module M when the callee's code is
M's and the caller's code is not. A coroutine is counted once however often it
is resumed (one frame, one entry), and code generated at run time (dataclass
`__init__`, which Python compiles from a string) belongs to no module.
"""

from __future__ import annotations

import sys
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any


def module_of(filename: str) -> str | None:
    """`.../operator/stratops/operator/writers.py` -> `stratops.operator.writers`."""
    parts = Path(filename).with_suffix("").parts
    if "stratops" not in parts or not filename.endswith(".py"):
        return None
    start = len(parts) - 1 - parts[::-1].index("stratops")
    return ".".join(parts[start:]).removesuffix(".__init__")


class ModuleEntries:
    def __init__(self) -> None:
        self.entries: Counter[str] = Counter()
        self.from_module: dict[str | None, Counter[str]] = {}
        self._seen: list[FrameType] = []  # kept alive so no frame id is reused
        self._seen_ids: set[int] = set()

    def hook(self, frame: FrameType, event: str, arg: Any) -> None:
        if event != "call" or id(frame) in self._seen_ids:
            return
        callee = module_of(frame.f_code.co_filename)
        if callee is None:
            return
        self._seen.append(frame)
        self._seen_ids.add(id(frame))
        back = frame.f_back
        caller = module_of(back.f_code.co_filename) if back is not None else None
        if caller == callee:
            return
        self.entries[callee] += 1
        self.from_module.setdefault(caller, Counter())[callee] += 1


@contextmanager
def counting() -> Iterator[ModuleEntries]:
    counter = ModuleEntries()
    threading.setprofile(counter.hook)
    sys.setprofile(counter.hook)
    try:
        yield counter
    finally:
        sys.setprofile(None)
        threading.setprofile(None)
