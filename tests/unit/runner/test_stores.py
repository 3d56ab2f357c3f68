"""The file state store: absent state, compare-and-swap, atomic replacement."""

from __future__ import annotations

from pathlib import Path

import pytest

from stratops.runner.stores import FileStateStore, StateConflictError, StoredState


def test_a_new_store_holds_nothing(tmp_path: Path) -> None:
    assert FileStateStore(tmp_path, "v3_5b").load() == StoredState(None, None)


def test_save_then_load_returns_the_text_and_its_version(tmp_path: Path) -> None:
    store = FileStateStore(tmp_path, "v3_5b")
    version = store.save('{"a": 1}\n', None)
    assert store.load() == StoredState('{"a": 1}\n', version)
    assert (tmp_path / "v3_5b" / "state.json").read_text() == '{"a": 1}\n'


def test_save_refuses_a_stale_version(tmp_path: Path) -> None:
    store = FileStateStore(tmp_path, "v3_5b")
    first = store.save("one", None)
    store.save("two", first)
    with pytest.raises(StateConflictError):
        store.save("three", first)
    with pytest.raises(StateConflictError):
        store.save("three", None)
    assert store.load().text == "two"


def test_save_expecting_a_file_that_vanished_conflicts(tmp_path: Path) -> None:
    store = FileStateStore(tmp_path, "v3_5b")
    version = store.save("one", None)
    store.path.unlink()
    with pytest.raises(StateConflictError):
        store.save("two", version)


def test_versions_follow_content_not_time(tmp_path: Path) -> None:
    store = FileStateStore(tmp_path, "v3_5b")
    assert store.save("same", None) == FileStateStore(tmp_path, "other").save("same", None)


def test_no_temporary_file_is_left_behind(tmp_path: Path) -> None:
    store = FileStateStore(tmp_path, "v3_5b")
    store.save("x", store.save("w", None))
    names = sorted(p.name for p in (tmp_path / "v3_5b").iterdir())
    assert names == [".state.lock", "state.json"]


def test_strategies_never_share_a_file(tmp_path: Path) -> None:
    assert FileStateStore(tmp_path, "v3_5b").path != FileStateStore(tmp_path, "v3_5d").path
