"""Counts how often each stratops module is entered from outside itself.

A profile hook (this thread and threads started while it is on) sees every
Python call; a call counts as an entry into module M when the callee's code is
M's and its caller's is not. The caller is the logical one:

* code generated at run time (a dataclass `__init__`, compiled from a string)
  is skipped, so `__post_init__` is called by whoever built the object;
* a coroutine run as a task (`asyncio.gather`) was called where it was
  created (its `cr_origin`), not by the event loop;
* a function run in a worker thread (`asyncio.to_thread`) has no caller in
  the project, so it counts as an entry.

A coroutine is counted once however often it is resumed (one frame, one entry).
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import stratops.api
import stratops.core
import stratops.operator
import stratops.runner

# The folder holding each component's package (`.../core/stratops` for stratops.core).
ROOTS = tuple(
    Path(package.__file__ or "").resolve().parent.parent
    for package in (stratops.api, stratops.core, stratops.operator, stratops.runner)
)


@functools.cache
def module_of(filename: str) -> str | None:
    """`.../operator/stratops/operator/writers.py` -> `stratops.operator.writers`; None for
    code outside the project's own folders (the standard library, site-packages)."""
    path = Path(filename).resolve()
    if path.suffix != ".py":
        return None
    for root in ROOTS:
        if path.is_relative_to(root):
            dotted = ".".join(path.relative_to(root).with_suffix("").parts)
            return f"stratops.{dotted}".removesuffix(".__init__")
    return None


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
        caller = _caller_module(frame)
        if caller == callee:
            return
        self.entries[callee] += 1
        self.from_module.setdefault(caller, Counter())[callee] += 1


def _caller_module(frame: FrameType) -> str | None:
    back = frame.f_back
    while back is not None and not back.f_code.co_filename.endswith(".py"):
        back = back.f_back
    in_loop = back is not None and "asyncio" in Path(back.f_code.co_filename).parts
    if frame.f_code.co_flags & inspect.CO_COROUTINE and (back is None or in_loop):
        origin = _task_origin(frame)
        if origin is not None:
            return module_of(origin)
    return module_of(back.f_code.co_filename) if back is not None else None


def _task_origin(frame: FrameType) -> str | None:
    """Where the coroutine a task runs (this frame) was created, if it is one."""
    try:
        task = asyncio.current_task()
    except RuntimeError:
        return None
    coro = task.get_coro() if task is not None else None
    if coro is None or getattr(coro, "cr_frame", None) is not frame:
        return None
    origin = getattr(coro, "cr_origin", None)
    return str(origin[0][0]) if origin else None


@contextmanager
def counting() -> Iterator[ModuleEntries]:
    counter = ModuleEntries()
    depth = sys.get_coroutine_origin_tracking_depth()
    sys.set_coroutine_origin_tracking_depth(1)
    threading.setprofile(counter.hook)
    sys.setprofile(counter.hook)
    try:
        yield counter
    finally:
        sys.setprofile(None)
        threading.setprofile(None)  # type: ignore[arg-type]
        sys.set_coroutine_origin_tracking_depth(depth)
