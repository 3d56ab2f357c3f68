"""A small in-process cache for computed responses, invalidated by the ledger's version.

A comparison over ten years of snapshots costs milliseconds of fetching and
arithmetic, yet its inputs change once a trading day. Each entry remembers the
ledger version (the newest snapshot id) it was computed at; a request first
reads the current version (one index lookup) and reuses the entry only while
it matches and the entry is younger than `max_age` seconds. The age limit
bounds how long a change the version cannot see (an update in place, a
transaction that commits an older id late) can stay hidden.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


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
        self._entries: OrderedDict[Hashable, tuple[int, float, V]] = OrderedDict()

    def get(self, key: Hashable, version: int) -> V | None:
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

    def put(self, key: Hashable, version: int, value: V) -> None:
        if self._max_age <= 0:
            return
        with self._lock:
            self._entries[key] = (version, self._clock(), value)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)
