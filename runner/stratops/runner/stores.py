"""Where a strategy's state lives between runs, and who hears about a finished run.

Two seams, each a small protocol so that the cluster implementations (a
ConfigMap with compare-and-swap on resourceVersion, a patch of the
TradingStrategy status) plug in next to the local ones here:

* `StateStore` moves the state *text*; parsing and validation happen once, in
  the runner, whatever the store. `load()` returns the text and an opaque
  version token; `save(text, expected_version)` writes only if the stored
  version is still `expected_version` and raises `StateConflictError` otherwise.
* `StatusSink` is told the outcome of every run attempt (local mode: no-op).

`FileStateStore` keeps `<state-dir>/<strategy_id>/state.json`: it writes a
temporary file, fsyncs it, renames it into place and fsyncs the directory,
under an exclusive lock, so a crash leaves either the old or the new state.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from stratops.core.atomic import atomic_write, fsync_directory
from stratops.core.errors import UserError

if TYPE_CHECKING:
    from stratops.runner.outcome import RunOutcome

STATE_FILE = "state.json"
LOCK_FILE = ".state.lock"


@dataclass(frozen=True)
class StoredState:
    """What a store holds: the state text (None: nothing stored yet) and its version token."""

    text: str | None
    version: str | None


class StateConflictError(Exception):
    """The stored state changed since it was loaded: the save was not applied."""


class StateStore(Protocol):
    """A strategy's state, read and written with optimistic concurrency."""

    @property
    def location(self) -> str:
        """Where the state lives, for messages (a path, `configmap/ns/name`)."""
        ...

    def load(self) -> StoredState:
        """The current text and version; `StoredState(None, None)` when nothing is stored."""
        ...

    def save(self, text: str, expected_version: str | None) -> str:
        """Replace the text if the version is still `expected_version` (None: absent).

        Returns the new version; raises `StateConflictError` when someone else wrote first.
        """
        ...


class StatusSink(Protocol):
    """Told about every run attempt after the ledger and the state store are written."""

    def report(self, outcome: RunOutcome) -> None: ...


class NullStatusSink:
    """Local mode has no resource status to patch."""

    def report(self, outcome: RunOutcome) -> None:
        return None


class FileStateStore:
    """`<root>/<strategy_id>/state.json`; the version is the sha256 of the file's bytes."""

    def __init__(self, root: Path, strategy_id: str) -> None:
        self.directory = Path(root) / strategy_id
        self.path = self.directory / STATE_FILE

    @property
    def location(self) -> str:
        return str(self.path)

    def load(self) -> StoredState:
        data = self._read()
        if data is None:
            return StoredState(None, None)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("utf-8", errors="replace")  # refused later as invalid JSON
        return StoredState(text, _version(data))

    def save(self, text: str, expected_version: str | None) -> str:
        data = text.encode("utf-8")
        self.directory.mkdir(parents=True, exist_ok=True)
        with self._locked():
            current = self._read()
            found = None if current is None else _version(current)
            if found != expected_version:
                raise StateConflictError(f"{self.path} changed since it was read")
            atomic_write(self.path, data, mode=0o600)
            fsync_directory(self.path.parent)
        return _version(data)

    def _read(self) -> bytes | None:
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise UserError(f"{self.path}: cannot read state: {exc.strerror}") from exc

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Writers of one strategy's state take turns; readers need no lock (rename is atomic)."""
        fd = os.open(self.directory / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)


def _version(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
