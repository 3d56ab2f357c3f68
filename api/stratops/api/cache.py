"""A small in-process cache for computed responses, invalidated by the ledger's version.

A comparison over ten years of snapshots costs tens of milliseconds of
fetching and arithmetic, yet its inputs change once a trading day. Each entry
remembers the ledger version (see `queries.ledger_version`) it was computed at and
is reused only while the version is unchanged and the entry is younger than
`max_age` seconds. The version itself is read from the database at most once
per `version_age` seconds (`MemoizedVersion`), so a cached answer costs no
database round trip. The age limits bound how long a change the version cannot
see (an update in place, a transaction that commits an older id late) stays
hidden: `version_age` for a new snapshot, `max_age` for anything else.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")
Version = Hashable


class VersionedCache(Generic[V]):
    """Thread-safe, bounded (least recently used entries go first)."""

    def __init__(
        self,
        max_age: float,
        max_entries: int = 256,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._max_age = max_age
        self._max_entries = max_entries
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, tuple[Version, float, V]] = OrderedDict()

    def get(self, key: Hashable, version: Version) -> V | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            stored_version, stored_at, value = entry
            if stored_version != version or self._clock() - stored_at > self._max_age:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return value

    def put(self, key: Hashable, version: Version, value: V) -> None:
        if self._max_age <= 0:
            return
        with self._lock:
            self._entries[key] = (version, self._clock(), value)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)


class MemoizedVersion:
    """`read()` at most once per `max_age` seconds; other calls get the remembered value."""

    def __init__(
        self,
        read: Callable[[], Version],
        max_age: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._read = read
        self._max_age = max_age
        self._clock = clock
        self._lock = threading.Lock()
        self._value: Version | None = None
        self._read_at = 0.0

    def fresh(self) -> Version | None:
        """The remembered version while it is young enough, else None (call `refresh`)."""
        if self._value is None or self._clock() - self._read_at > self._max_age:
            return None
        return self._value

    def refresh(self) -> Version:
        """Read the version now (blocking: call it from a worker thread)."""
        with self._lock:
            remembered = self.fresh()
            if remembered is not None:  # another thread refreshed it meanwhile
                return remembered
            self._value = self._read()
            self._read_at = self._clock()
            return self._value
