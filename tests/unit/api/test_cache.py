"""The comparison cache: reused while the ledger version holds, never past its age."""

from __future__ import annotations

from stratops.api.cache import MemoizedVersion, VersionedCache


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_hit_while_version_and_age_hold() -> None:
    cache: VersionedCache[str] = VersionedCache(max_age=10, clock=_Clock())
    cache.put("k", 1, "value")
    assert cache.get("k", 1) == "value"


def test_new_version_misses() -> None:
    cache: VersionedCache[str] = VersionedCache(max_age=10, clock=_Clock())
    cache.put("k", 1, "value")
    assert cache.get("k", 2) is None


def test_old_entry_misses() -> None:
    clock = _Clock()
    cache: VersionedCache[str] = VersionedCache(max_age=10, clock=clock)
    cache.put("k", 1, "value")
    clock.now = 10.5
    assert cache.get("k", 1) is None


def test_zero_age_disables_caching() -> None:
    cache: VersionedCache[str] = VersionedCache(max_age=0, clock=_Clock())
    cache.put("k", 1, "value")
    assert cache.get("k", 1) is None


def test_least_recently_used_entry_goes_first() -> None:
    cache: VersionedCache[str] = VersionedCache(max_age=10, max_entries=2, clock=_Clock())
    cache.put("a", 1, "A")
    cache.put("b", 1, "B")
    assert cache.get("a", 1) == "A"
    cache.put("c", 1, "C")
    assert (cache.get("a", 1), cache.get("b", 1), cache.get("c", 1)) == ("A", None, "C")


class _Ledger:
    def __init__(self) -> None:
        self.version, self.reads = 1, 0

    def read(self) -> int:
        self.reads += 1
        return self.version


def test_version_is_read_once_while_young() -> None:
    clock, ledger = _Clock(), _Ledger()
    memo = MemoizedVersion(ledger.read, max_age=1.0, clock=clock)
    assert memo.fresh() is None
    assert memo.refresh() == 1
    ledger.version = 2
    clock.now = 0.9
    assert (memo.fresh(), memo.refresh(), ledger.reads) == (1, 1, 1)


def test_version_is_read_again_when_old() -> None:
    clock, ledger = _Clock(), _Ledger()
    memo = MemoizedVersion(ledger.read, max_age=1.0, clock=clock)
    memo.refresh()
    ledger.version = 2
    clock.now = 1.5
    assert memo.fresh() is None
    assert memo.refresh() == 2
